"""Intake receipts (Giấy tiếp nhận hồ sơ và hẹn trả kết quả): each dossier's receipt with its code
(``000.17.31.H42-230515-0001``: office, day, that day's sequence) and the per-day counter the
sequence is drawn from, raised in the same transaction as the receipt is stored.

Revision ID: 0012_dossier_receipts
Revises: 0011_double_keying
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_dossier_receipts"
down_revision = "0011_double_keying"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "dossier_code_counters",
        sa.Column("agency_code", sa.String(20), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("last_seq", sa.Integer, nullable=False),
    )
    op.create_table(
        "dossier_receipts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False, unique=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("agency_code", sa.String(20), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("procedure", sa.String(40), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("applicant", sa.String(200), nullable=False),
        sa.Column("applicant_address", sa.Text, nullable=False),
        sa.Column("applicant_phone", sa.String(40), nullable=False),
        sa.Column("papers", sa.JSON, nullable=False),
        sa.Column("sets", sa.Integer, nullable=False),
        sa.Column("processing_days", sa.Integer, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("result_place", sa.String(200), nullable=False),
        sa.Column("receiver", sa.String(200), nullable=False),
        sa.Column("issued_by", sa.String(80), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("agency_code", "day", "seq", name="uq_dossier_receipts_day_seq"),
    )


def downgrade() -> None:
    op.drop_table("dossier_receipts")
    op.drop_table("dossier_code_counters")
