"""Tamper evidence for the audit trail: each row carries the hash of the row before it.

``audit_log.prev_hash`` and ``audit_log.row_hash`` (see ``indexer.auditchain``); the rows already
there are linked in id order. On PostgreSQL also a statement trigger refusing TRUNCATE (the row
triggers of 0001 refuse UPDATE and DELETE), and UPDATE, DELETE and TRUNCATE revoked from PUBLIC.

Revision ID: 0007_audit_chain
Revises: 0006
"""

import json

import sqlalchemy as sa
from alembic import op

from indexer.auditchain import row_hash

revision = "0007_audit_chain"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(64)))
    op.add_column("audit_log", sa.Column("row_hash", sa.String(64)))
    rows = bind.execute(
        sa.text("SELECT id, at, actor, action, object_type, object_id, detail FROM audit_log ORDER BY id")
    ).all()
    if rows:
        _guards(sqlite, on=False)
        prev = None
        for r in rows:
            at = r.at
            if isinstance(at, str):  # SQLite hands back text
                from datetime import datetime

                at = datetime.fromisoformat(at)
            detail = json.loads(r.detail) if isinstance(r.detail, str) else r.detail
            h = row_hash(prev, at, r.actor, r.action, r.object_type, r.object_id, detail)
            bind.execute(
                sa.text("UPDATE audit_log SET prev_hash = :p, row_hash = :h WHERE id = :id"),
                {"p": prev, "h": h, "id": r.id},
            )
            prev = h
        _guards(sqlite, on=True)
    if not sqlite:
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )
        op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC")


def _guards(sqlite: bool, *, on: bool) -> None:
    if sqlite:
        for name in ("update", "delete"):
            if on:
                op.execute(
                    f"CREATE TRIGGER audit_log_no_{name} BEFORE {name.upper()} ON audit_log BEGIN "
                    "SELECT RAISE(ABORT, 'audit_log is append-only'); END"
                )
            else:
                op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{name}")
    else:
        op.execute(f"ALTER TABLE audit_log {'ENABLE' if on else 'DISABLE'} TRIGGER audit_log_append_only")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    with op.batch_alter_table("audit_log") as b:
        b.drop_column("row_hash")
        b.drop_column("prev_hash")
