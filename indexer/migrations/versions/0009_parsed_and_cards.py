"""Parsed field forms and identity cards: ``fields.parsed`` keeps what a value was parsed into (an
ID line's number, issuer and issue date; an ISO date; unit codes; the CCCD QR's parts) beside the
value as printed, never instead of it; ``pages.id_cards`` keeps the CCCD QR codes read on a page, so
a dossier's identity fields are checked against a card on any of its pages.

Revision ID: 0009_parsed_and_cards
Revises: 0008_api_tokens
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_parsed_and_cards"
down_revision = "0008_api_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fields") as t:
        t.add_column(sa.Column("parsed", sa.JSON, nullable=True))
    with op.batch_alter_table("pages") as t:
        t.add_column(sa.Column("id_cards", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pages") as t:
        t.drop_column("id_cards")
    with op.batch_alter_table("fields") as t:
        t.drop_column("parsed")
