"""The append-only audit trail: who or what did what to which record."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from indexer.models import AuditEntry


def audit(
    session: Session, actor: str, action: str, object_type: str, object_id: object, detail: dict[str, Any] | None = None
) -> None:
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            detail=detail or {},
        )
    )
