"""The name index refreshed after the answer, never lost: a source whose people changed is queued
(``people_refresh``) in the transaction that changed it, and reindexed later, many sources in one
transaction (:func:`refresh`; the desk's background worker, ``indexer.background``, calls it).

Guarantees: the queue row and the change it stands for commit together, so after a crash every
source changed and not yet reindexed is still queued (the next :func:`refresh` does it); a source
queued again while it was being reindexed stays queued (the row is removed only if it still holds
the time that was read); a batch is one DELETE and one INSERT of people
(``indexer.people.index.replace_sources``) — SQLite's word index writes one segment per statement.
Until it is refreshed, the search finds a source's people as they were before the change.

Each source type registers how to compute its people (:func:`register`); register entries do so in
``indexer.registers.entries``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import and_, delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from indexer.db import Database
from indexer.models import PeopleRefresh, utcnow

Refresher = Callable[[Session, list[int]], None]  # reindex these sources of one type, in the session
_REFRESHERS: dict[str, Refresher] = {}


def register(source_type: str, refresher: Refresher) -> None:
    _REFRESHERS[source_type] = refresher


def queue(session: Session, source_type: str, source_id: int) -> None:
    """Queue a source for reindexing, in the caller's transaction (again: with the new time)."""
    at = utcnow()
    dialect = session.get_bind().dialect.name
    ins = sqlite_insert(PeopleRefresh) if dialect == "sqlite" else postgresql_insert(PeopleRefresh)
    stmt = ins.values(source_type=source_type, source_id=source_id, queued_at=at).on_conflict_do_update(
        index_elements=["source_type", "source_id"], set_={"queued_at": at}
    )
    session.execute(stmt)


def waiting(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(PeopleRefresh)) or 0)


def refresh(db: Database, *, limit: int = 200) -> int:
    """Reindex up to ``limit`` queued sources, oldest first, in one transaction; how many."""
    with db.write() as s:
        rows: list[tuple[str, int, datetime]] = [
            (t, i, at)
            for t, i, at in s.execute(
                select(PeopleRefresh.source_type, PeopleRefresh.source_id, PeopleRefresh.queued_at)
                .order_by(PeopleRefresh.queued_at)
                .limit(limit)
            ).all()
        ]
        by_type: dict[str, list[int]] = {}
        for t, i, _ in rows:
            by_type.setdefault(t, []).append(i)
        for t, ids in by_type.items():
            fn = _REFRESHERS.get(t)
            if fn is None:
                raise RuntimeError(f"no refresher for people of {t!r}")
            fn(s, ids)
        for t, i, at in rows:
            s.execute(
                delete(PeopleRefresh).where(
                    and_(PeopleRefresh.source_type == t, PeopleRefresh.source_id == i, PeopleRefresh.queued_at == at)
                )
            )
        return len(rows)


def refresh_all(db: Database, *, batch: int = 200) -> int:
    """Everything queued (what a crash left, at start); how many sources."""
    n = 0
    while True:
        k = refresh(db, limit=batch)
        n += k
        if k < batch:
            return n
