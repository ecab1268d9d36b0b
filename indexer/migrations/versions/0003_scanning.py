"""Scan batches from the counter scanner (issue 4).

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "scan_batches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("device", sa.String(200), nullable=False),
        sa.Column("profile", sa.String(60), nullable=False),
        sa.Column("worker", sa.String(120), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(40)),
        sa.Column("message", sa.Text),
        sa.Column("pages", sa.Integer, nullable=False),
        sa.Column("sheets", sa.Integer, nullable=False),
        sa.Column("dossiers", sa.Integer, nullable=False),
        sa.Column("last_dossier", sa.String(40)),
        sa.Column("resumes_batch_id", sa.Integer, sa.ForeignKey("scan_batches.id")),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("ended_at", TS),
    )
    op.create_index("ix_scan_batches_state", "scan_batches", ["state"])


def downgrade() -> None:
    op.drop_index("ix_scan_batches_state", table_name="scan_batches")
    op.drop_table("scan_batches")
