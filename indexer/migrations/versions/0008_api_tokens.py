"""API tokens: per-user secrets other software sends as ``Authorization: Bearer …`` (only their
SHA-256 is kept), each with a role, an expiry and, once revoked, who revoked it and when.

Revision ID: 0008_api_tokens
Revises: 0007_audit_chain
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_api_tokens"
down_revision = "0007_audit_chain"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(12), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("revoked_at", TS),
        sa.Column("revoked_by", sa.String(80)),
        sa.Column("last_used_at", TS),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])


def downgrade() -> None:
    op.drop_table("api_tokens")
