"""Document types, fields and their corrections (issue 3).

Each page keeps its own document type and, for register pages, its entries; ``fields`` holds one
row per field read from a page: raw OCR value, repaired value and why, confidence, review marks,
word boxes, and a clerk's later confirmation. ``documents.doc_type`` (from 0001) is filled with
the type of the document's first non-blank page.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("pages", sa.Column("doc_type", sa.String(60)))
    op.add_column("pages", sa.Column("register_entries", sa.JSON))
    op.create_table(
        "fields",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("page_id", sa.Integer, sa.ForeignKey("pages.id"), nullable=False),
        sa.Column("doc_type", sa.String(60), nullable=False),
        sa.Column("field_id", sa.String(80), nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("section", sa.String(40), nullable=False),
        sa.Column("raw_value", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("normalized", sa.Text),
        sa.Column("corrected_from", sa.Text),
        sa.Column("correction_reason", sa.Text),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("needs_review", sa.Boolean, nullable=False),
        sa.Column("review_reasons", sa.JSON, nullable=False),
        sa.Column("boxes", sa.JSON, nullable=False),
        sa.Column("confirmed_value", sa.Text),
        sa.Column("confirmed_by", sa.String(80)),
        sa.Column("confirmed_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("page_id", "field_id", name="uq_fields_page_field"),
    )
    op.create_index("ix_fields_document", "fields", ["document_id", "field_id"])
    op.create_index("ix_fields_review", "fields", ["needs_review"])


def downgrade() -> None:
    op.drop_index("ix_fields_review", table_name="fields")
    op.drop_index("ix_fields_document", table_name="fields")
    op.drop_table("fields")
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("register_entries")
        batch.drop_column("doc_type")
