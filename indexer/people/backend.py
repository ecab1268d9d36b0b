"""What the name index asks of its database, and the one place that picks the SQLite or the
PostgreSQL way of doing it (:mod:`indexer.people.backend_sqlite`, :mod:`.backend_postgres`).

Both modules provide every function of :class:`Backend` with the same meaning; the rest of
``indexer.people`` speaks SQL both dialects share and calls these for bulk loading and the word
index (SQLite FTS5, a PostgreSQL ``tsvector``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from sqlalchemy import Connection

from indexer.db import Database

# (id, name_exact, name_fold, name_skel) of a person, as :meth:`Backend.filter_rows` returns them.
FilterRow = tuple[int, str, str, str]


class Backend(Protocol):
    def drop_indexes(self, db: Database, indexes: Sequence[tuple[str, str]]) -> None: ...

    def create_indexes(self, db: Database, indexes: Sequence[tuple[str, str]]) -> None: ...

    def copy_rows(self, db: Database, columns: Sequence[str], rows: Iterable[tuple[Any, ...]], batch: int) -> None: ...

    def analyze(self, db: Database) -> None: ...

    def word_ids(
        self,
        conn: Connection,
        tokens: Sequence[str],
        year: int | None,
        where: str,
        params: dict[str, Any],
        exclude: Sequence[int],
        limit: int,
    ) -> list[int]: ...

    def filter_rows(
        self, conn: Connection, words: Sequence[str], year: int | None, where: str, params: dict[str, Any], cap: int
    ) -> Sequence[FilterRow]: ...


def backend_for(dialect: str) -> Backend:
    """The backend of a database dialect (``Database.dialect``): SQLite's, else PostgreSQL's."""
    if dialect == "sqlite":
        from indexer.people import backend_sqlite

        return backend_sqlite
    from indexer.people import backend_postgres

    return backend_postgres
