"""Keying register books from the paper: a book may be keyed twice ("nhập hai lần",
``register_books.double_keying``), and every person's keyed values of an entry are kept with who
keyed them (``register_keyings``: a keyer's reading, or an arbitrator's choice where two differ).

Revision ID: 0011_double_keying
Revises: 0010_event_outbox
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_double_keying"
down_revision = "0010_event_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite has it): a batch rebuild of register_books would drop the table that
    # register_entries points at, which SQLite refuses with its foreign keys on.
    op.add_column("register_books", sa.Column("double_keying", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "register_keyings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("book_id", sa.Integer, sa.ForeignKey("register_books.id"), nullable=False),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("register_entries.id"), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("entry_id", "role", "actor", name="uq_register_keyings_entry_actor"),
    )
    op.create_index("ix_register_keyings_entry_id", "register_keyings", ["entry_id"])
    op.create_index("ix_register_keyings_book_actor", "register_keyings", ["book_id", "actor"])


def downgrade() -> None:
    op.drop_index("ix_register_keyings_book_actor", table_name="register_keyings")
    op.drop_index("ix_register_keyings_entry_id", table_name="register_keyings")
    op.drop_table("register_keyings")
    with op.batch_alter_table("register_books") as t:
        t.drop_column("double_keying")
