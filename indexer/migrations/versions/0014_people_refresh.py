"""The name index refreshed after the answer: ``people_refresh`` holds the sources (register
entries keyed on the desk) whose people wait to be reindexed — queued in the transaction that
changed them, removed in the one that reindexed them (``indexer.people.refresh``).

Revision ID: 0014_people_refresh
Revises: 0013_row_cells
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_people_refresh"
down_revision = "0013_row_cells"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people_refresh",
        sa.Column("source_type", sa.String(30), primary_key=True),
        sa.Column("source_id", sa.Integer, primary_key=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("people_refresh")
