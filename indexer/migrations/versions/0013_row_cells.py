"""A ledger row's cells: ``register_entry_regions.cells`` keeps, for an entry read from a ruled
(or line-spaced) ledger page, the box of each column's cell on the page as
``{vocabulary key: [x, y, w, h]}``; empty for the regions made before.

Revision ID: 0013_row_cells
Revises: 0012_dossier_receipts
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_row_cells"
down_revision = "0012_dossier_receipts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("register_entry_regions") as t:
        t.add_column(sa.Column("cells", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("register_entry_regions") as t:
        t.drop_column("cells")
