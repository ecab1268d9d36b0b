"""Archive files hashed when written: ``pages.archive_sha256`` holds ``{archive key: sha256}`` of
every file a page's processing wrote (its searchable PDF and thumbnail), hashed from the bytes as
they were written and stored in the transaction that indexes the page. ``sohoa check`` compares
against it; NULL for pages processed before (checked against the hash first seen instead).

Revision ID: 0015_archive_hashes
Revises: 0014_people_refresh
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_archive_hashes"
down_revision = "0014_people_refresh"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch rebuild of pages would drop a table others point at.
    op.add_column("pages", sa.Column("archive_sha256", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pages") as t:
        t.drop_column("archive_sha256")
