"""The events outbox: each event (a document indexed, needing review, filed, quarantined) is written
in the same transaction as what it tells, then delivered (webhook or Redis stream) and marked; a
crash between the two loses nothing, the event is sent again (at least once, same id).

Revision ID: 0010_event_outbox
Revises: 0009_parsed_and_cards
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_event_outbox"
down_revision = "0009_parsed_and_cards"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "event_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("lease_until", TS),
        sa.Column("delivered_at", TS),
        sa.Column("last_error", sa.Text),
    )
    op.create_index("ix_event_outbox_due", "event_outbox", ["delivered_at", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_event_outbox_due", table_name="event_outbox")
    op.drop_table("event_outbox")
