"""Initial schema: originals, documents, arrivals, pages, OCR results, jobs, quarantine, audit,
and the folded full-text index of page text (FTS5 on SQLite, GIN/trigram on PostgreSQL).

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "originals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.String(40), nullable=False),
        sa.Column("store_key", sa.String(200), nullable=False),
        sa.Column("page_count", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("original_id", sa.Integer, sa.ForeignKey("originals.id"), nullable=False, unique=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("page_count", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("doc_type", sa.String(60)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_documents_state", "documents", ["state"])
    op.create_table(
        "arrivals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("source_path", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("mtime_ns", sa.BigInteger, nullable=False),
        sa.Column("inode", sa.BigInteger, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("original_id", sa.Integer, sa.ForeignKey("originals.id")),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id")),
        sa.Column("meta", sa.JSON, nullable=False),
        sa.Column("received_at", TS, nullable=False),
    )
    op.create_index("ix_arrivals_fingerprint", "arrivals", ["source_path", "size", "mtime_ns", "inode"])
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("page_no", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("blank", sa.Boolean),
        sa.Column("rotation", sa.Integer),
        sa.Column("skew_deg", sa.Float),
        sa.Column("mean_conf", sa.Float),
        sa.Column("width", sa.Integer),
        sa.Column("height", sa.Integer),
        sa.Column("dpi", sa.Integer),
        sa.Column("text", sa.Text),
        sa.Column("text_folded", sa.Text),
        sa.Column("pdf_key", sa.String(300)),
        sa.Column("image_key", sa.String(300)),
        sa.Column("indexed_at", TS),
        sa.UniqueConstraint("document_id", "page_no", name="uq_pages_doc_page"),
    )
    op.create_table(
        "ocr_results",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("page_id", sa.Integer, sa.ForeignKey("pages.id"), nullable=False, unique=True),
        sa.Column("engine", sa.String(40), nullable=False),
        sa.Column("words", sa.JSON, nullable=False),
        sa.Column("timings", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("page_id", sa.Integer, sa.ForeignKey("pages.id"), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("worker", sa.String(120)),
        sa.Column("lease_until", TS),
        sa.Column("error_kind", sa.String(40)),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("finished_at", TS),
        sa.UniqueConstraint("kind", "page_id", name="uq_jobs_kind_page"),
    )
    op.create_index("ix_jobs_state_priority", "jobs", ["state", "priority", "id"])
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("arrival_id", sa.Integer, sa.ForeignKey("arrivals.id")),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id")),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("quarantine_path", sa.Text),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("object_type", sa.String(40), nullable=False),
        sa.Column("object_id", sa.String(80)),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_audit_object", "audit_log", ["object_type", "object_id"])

    if op.get_bind().dialect.name == "sqlite":
        _sqlite_extras()
    else:
        _postgres_extras()


def _sqlite_extras() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE pages_fts USING fts5(text_folded, content='pages', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER pages_fts_ai AFTER INSERT ON pages BEGIN "
        "INSERT INTO pages_fts(rowid, text_folded) VALUES (new.id, new.text_folded); END"
    )
    op.execute(
        "CREATE TRIGGER pages_fts_ad AFTER DELETE ON pages BEGIN "
        "INSERT INTO pages_fts(pages_fts, rowid, text_folded) VALUES ('delete', old.id, old.text_folded); END"
    )
    op.execute(
        "CREATE TRIGGER pages_fts_au AFTER UPDATE OF text_folded ON pages BEGIN "
        "INSERT INTO pages_fts(pages_fts, rowid, text_folded) VALUES ('delete', old.id, old.text_folded); "
        "INSERT INTO pages_fts(rowid, text_folded) VALUES (new.id, new.text_folded); END"
    )
    for op_name in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{op_name.lower()} BEFORE {op_name} ON audit_log BEGIN "
            "SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )


def _postgres_extras() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "CREATE INDEX ix_pages_text_folded_fts ON pages USING gin (to_tsvector('simple', coalesce(text_folded, '')))"
    )
    op.execute(
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS pages_fts")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in ("audit_log", "quarantine", "jobs", "ocr_results", "pages", "arrivals", "documents", "originals"):
        op.drop_table(table)
