"""SQLite specifics: bulk loading with the raw driver, the FTS5 word index ``people_fts``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection

from indexer.db import Database
from indexer.people.backend import FilterRow

_FTS_TRIGGERS = ("people_fts_ai", "people_fts_ad", "people_fts_au")
# The same triggers as migration 0006 creates (re-created after a bulk load).
_FTS_TRIGGER_SQL = (
    "CREATE TRIGGER IF NOT EXISTS people_fts_ai AFTER INSERT ON people BEGIN "
    "INSERT INTO people_fts(rowid, name_skel, birth_year, filter_words) "
    "VALUES (new.id, new.name_skel, new.birth_year, new.filter_words); END",
    "CREATE TRIGGER IF NOT EXISTS people_fts_ad AFTER DELETE ON people BEGIN "
    "INSERT INTO people_fts(people_fts, rowid, name_skel, birth_year, filter_words) "
    "VALUES ('delete', old.id, old.name_skel, old.birth_year, old.filter_words); END",
    "CREATE TRIGGER IF NOT EXISTS people_fts_au AFTER UPDATE OF name_skel, birth_year, filter_words ON people BEGIN "
    "INSERT INTO people_fts(people_fts, rowid, name_skel, birth_year, filter_words) "
    "VALUES ('delete', old.id, old.name_skel, old.birth_year, old.filter_words); "
    "INSERT INTO people_fts(rowid, name_skel, birth_year, filter_words) "
    "VALUES (new.id, new.name_skel, new.birth_year, new.filter_words); END",
)


def _raw(db: Database) -> Any:
    return db.engine.raw_connection()


def drop_indexes(db: Database, indexes: Sequence[tuple[str, str]]) -> None:
    conn = _raw(db)
    try:
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        for name, _ in indexes:
            cur.execute(f"DROP INDEX IF EXISTS {name}")
        for name in _FTS_TRIGGERS:
            cur.execute(f"DROP TRIGGER IF EXISTS {name}")
        cur.execute("COMMIT")
    finally:
        conn.close()


def create_indexes(db: Database, indexes: Sequence[tuple[str, str]]) -> None:
    conn = _raw(db)
    try:
        cur = conn.cursor()
        cur.execute("PRAGMA cache_size=-262144")
        cur.execute("BEGIN IMMEDIATE")
        for name, cols in indexes:
            cur.execute(f"CREATE INDEX IF NOT EXISTS {name} ON people ({cols})")
        cur.execute("INSERT INTO people_fts(people_fts) VALUES ('rebuild')")
        for sql in _FTS_TRIGGER_SQL:
            cur.execute(sql)
        cur.execute("COMMIT")
        cur.execute("PRAGMA cache_size=-2000")
    finally:
        conn.close()


def copy_rows(db: Database, columns: Sequence[str], rows: Iterable[tuple[Any, ...]], batch: int) -> None:
    sql = f"INSERT INTO people ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    bd = list(columns).index("birth_date")
    conn = _raw(db)
    try:
        cur = conn.cursor()
        cur.execute("PRAGMA cache_size=-262144")
        it: Iterator[tuple[Any, ...]] = iter(rows)
        while True:
            chunk = []
            for row in it:
                d = row[bd]
                chunk.append(row if d is None else (*row[:bd], d.isoformat(), *row[bd + 1 :]))
                if len(chunk) >= batch:
                    break
            if not chunk:
                break
            cur.execute("BEGIN IMMEDIATE")
            cur.executemany(sql, chunk)
            cur.execute("COMMIT")
        cur.execute("PRAGMA cache_size=-2000")
    finally:
        conn.close()


def analyze(db: Database) -> None:
    conn = _raw(db)
    try:
        cur = conn.cursor()
        cur.execute("PRAGMA analysis_limit=2000")
        cur.execute("ANALYZE people")
        cur.execute("ANALYZE people_tokens")
        cur.execute("ANALYZE people_names")
    finally:
        conn.close()


def word_ids(
    conn: Connection,
    tokens: Sequence[str],
    year: int | None,
    where: str,
    params: dict[str, Any],
    exclude: Sequence[int],
    limit: int,
) -> list[int]:
    """Ids of people whose skeleton name has every token (FTS5) and, if given, the birth year;
    filtered by ``where`` on ``p``."""
    # No column filters with detail=none; none are needed: a name never has an all-digit word.
    match = " AND ".join([*(f'"{t}"' for t in tokens), *([f'"{int(year)}"'] if year is not None else [])])
    skip = f" AND p.id NOT IN ({','.join(str(int(i)) for i in exclude)})" if exclude else ""
    rows = conn.exec_driver_sql(
        "SELECT p.id FROM people_fts f JOIN people p ON p.id = f.rowid "
        f"WHERE people_fts MATCH :w_fts AND {where}{skip} LIMIT :w_lim",
        {**params, "w_fts": match, "w_lim": limit},
    ).all()
    return [r[0] for r in rows]


def filter_rows(
    conn: Connection, words: Sequence[str], year: int | None, where: str, params: dict[str, Any], cap: int
) -> Sequence[FilterRow]:
    """(id, name_exact, name_fold, name_skel) of at most ``cap`` people having every filter word
    (``people.filter_words``) and, if given, the birth year; filtered by ``where`` on ``p``."""
    match = " AND ".join([*(f'"{w}"' for w in words), *([f'"{int(year)}"'] if year is not None else [])])
    rows: Sequence[FilterRow] = conn.exec_driver_sql(
        "SELECT p.id, p.name_exact, p.name_fold, p.name_skel FROM people_fts f JOIN people p ON p.id = f.rowid "
        f"WHERE people_fts MATCH :w_fts AND {where} LIMIT :w_lim",
        {**params, "w_fts": match, "w_lim": cap},
    ).all()
    return rows
