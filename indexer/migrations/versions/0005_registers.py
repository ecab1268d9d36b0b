"""Register books, entries, their pages and filings (issue 5).

``communes`` (code + scheme) → ``register_books`` (type, year, quyển số, layout, opened/closed) →
``register_entries`` (số, trang số, ngày đăng ký, fields under the national vocabulary, status,
origin) with ``register_entry_changes`` (history: who, when, old → new, why) and
``register_entry_regions`` (the scanned page and row box that show an entry);
``register_book_pages`` (a book's scanned pages in page order) and ``register_filings`` (dossier
documents proposed for / linked to an entry).

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _now() -> sa.Column:  # noqa: D401 - helper
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "communes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(10), nullable=False),
        sa.Column("scheme", sa.String(12), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("province", sa.String(120), nullable=False),
        _now(),
        sa.UniqueConstraint("scheme", "code", name="uq_communes_scheme_code"),
    )
    op.create_table(
        "register_books",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("commune_id", sa.Integer, sa.ForeignKey("communes.id"), nullable=False),
        sa.Column("book_type", sa.String(30), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("volume", sa.String(20), nullable=False),
        sa.Column("layout", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("opened_on", sa.Date),
        sa.Column("closed_on", sa.Date),
        sa.Column("expected_pages", sa.Integer),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        _now(),
        sa.UniqueConstraint("commune_id", "book_type", "year", "volume", name="uq_register_books_key"),
    )
    op.create_table(
        "register_book_pages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("book_id", sa.Integer, sa.ForeignKey("register_books.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("page_no", sa.Integer),
        sa.Column("number_from", sa.String(10), nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("page_id", sa.Integer, sa.ForeignKey("pages.id"), nullable=False),
        sa.Column("source_name", sa.String(300), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("problem", sa.Text),
        sa.Column("entries", sa.Integer, nullable=False),
        _now(),
        sa.UniqueConstraint("page_id", name="uq_register_book_pages_page"),
    )
    op.create_index("ix_register_book_pages_book", "register_book_pages", ["book_id", "page_no"])
    op.create_table(
        "register_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("book_id", sa.Integer, sa.ForeignKey("register_books.id"), nullable=False),
        sa.Column("so", sa.String(20)),
        sa.Column("so_raw", sa.String(40), nullable=False),
        sa.Column("page_no", sa.Integer),
        sa.Column("registration_date", sa.Date),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("birth_date", sa.Date),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("source_ref", sa.String(120)),
        sa.Column("created_by", sa.String(80), nullable=False),
        _now(),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_by", sa.String(80)),
        sa.Column("verified_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("book_id", "so", name="uq_register_entries_book_so"),
    )
    op.create_index("ix_register_entries_book_page", "register_entries", ["book_id", "page_no"])
    op.create_table(
        "register_entry_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("register_entries.id"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("field", sa.String(60), nullable=False),
        sa.Column("old_value", sa.Text),
        sa.Column("new_value", sa.Text),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index("ix_register_entry_changes_entry_id", "register_entry_changes", ["entry_id"])
    op.create_table(
        "register_entry_regions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("register_entries.id"), nullable=False),
        sa.Column("page_id", sa.Integer, sa.ForeignKey("pages.id"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("x", sa.Integer),
        sa.Column("y", sa.Integer),
        sa.Column("w", sa.Integer),
        sa.Column("h", sa.Integer),
    )
    op.create_index("ix_register_entry_regions_entry_id", "register_entry_regions", ["entry_id"])
    op.create_index("ix_register_entry_regions_page_id", "register_entry_regions", ["page_id"])
    op.create_table(
        "register_filings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("register_entries.id"), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("decided_by", sa.String(80)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        _now(),
        sa.UniqueConstraint("document_id", "entry_id", name="uq_register_filings_doc_entry"),
    )
    op.create_index("ix_register_filings_entry_id", "register_filings", ["entry_id"])
    op.create_index("ix_register_filings_document", "register_filings", ["document_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_register_filings_document", table_name="register_filings")
    op.drop_index("ix_register_filings_entry_id", table_name="register_filings")
    op.drop_table("register_filings")
    op.drop_index("ix_register_entry_regions_page_id", table_name="register_entry_regions")
    op.drop_index("ix_register_entry_regions_entry_id", table_name="register_entry_regions")
    op.drop_table("register_entry_regions")
    op.drop_index("ix_register_entry_changes_entry_id", table_name="register_entry_changes")
    op.drop_table("register_entry_changes")
    op.drop_index("ix_register_entries_book_page", table_name="register_entries")
    op.drop_table("register_entries")
    op.drop_index("ix_register_book_pages_book", table_name="register_book_pages")
    op.drop_table("register_book_pages")
    op.drop_table("register_books")
    op.drop_table("communes")
