"""PostgreSQL specifics: bulk loading with COPY, the GIN word index ``ix_people_name_tsv``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection

from indexer.db import Database
from indexer.people.backend import FilterRow

# The word index: skeleton name, "y<birth year>" and the filters' words (migration 0006 creates the same).
TSV_EXPR = (
    "to_tsvector('simple', name_skel || coalesce(' y' || birth_year::text, '') || coalesce(' ' || filter_words, ''))"
)
_TSV = ("ix_people_name_tsv", f"USING gin ({TSV_EXPR})")


def drop_indexes(db: Database, indexes: Sequence[tuple[str, str]]) -> None:
    with db.engine.begin() as c:
        for name, _ in [*indexes, _TSV]:
            c.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def create_indexes(db: Database, indexes: Sequence[tuple[str, str]]) -> None:
    with db.engine.begin() as c:
        c.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        for name, cols in indexes:
            c.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON people ({cols})")
        c.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {_TSV[0]} ON people {_TSV[1]}")


def copy_rows(db: Database, columns: Sequence[str], rows: Iterable[tuple[Any, ...]], batch: int) -> None:
    conn = db.engine.raw_connection()
    try:
        cur = conn.cursor()
        n = 0
        copy_sql = f"COPY people ({', '.join(columns)}) FROM STDIN"
        it = iter(rows)
        while True:
            with cur.copy(copy_sql) as cp:
                n = 0
                for row in it:
                    cp.write_row(row)
                    n += 1
                    if n >= batch:
                        break
            conn.commit()
            if n < batch:
                break
    finally:
        conn.close()


def analyze(db: Database) -> None:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.exec_driver_sql("VACUUM ANALYZE people")
        c.exec_driver_sql("ANALYZE people_tokens")
        c.exec_driver_sql("ANALYZE people_names")


def word_ids(
    conn: Connection,
    tokens: Sequence[str],
    year: int | None,
    where: str,
    params: dict[str, Any],
    exclude: Sequence[int],
    limit: int,
) -> list[int]:
    """Ids of people whose skeleton name has every token (GIN on to_tsvector) and, if given, the
    birth year; filtered by ``where``."""
    tsq = " & ".join([*tokens, *([f"y{int(year)}"] if year is not None else [])])
    skip = f" AND p.id <> ALL(ARRAY[{','.join(str(int(i)) for i in exclude)}]::int[])" if exclude else ""
    rows = conn.exec_driver_sql(
        f"SELECT p.id FROM people p WHERE {TSV_EXPR} @@ to_tsquery('simple', %(w_tsq)s) "
        f"AND {where}{skip} LIMIT %(w_lim)s",
        {**params, "w_tsq": tsq, "w_lim": limit},
    ).all()
    return [r[0] for r in rows]


def filter_rows(
    conn: Connection, words: Sequence[str], year: int | None, where: str, params: dict[str, Any], cap: int
) -> Sequence[FilterRow]:
    """(id, name_exact, name_fold, name_skel) of at most ``cap`` people having every filter word
    (``people.filter_words``) and, if given, the birth year; filtered by ``where``."""
    tsq = " & ".join([*words, *([f"y{int(year)}"] if year is not None else [])])
    rows: Sequence[FilterRow] = conn.exec_driver_sql(
        "SELECT p.id, p.name_exact, p.name_fold, p.name_skel FROM people p "
        f"WHERE {TSV_EXPR} @@ to_tsquery('simple', %(w_tsq)s) AND {where} LIMIT %(w_lim)s",
        {**params, "w_tsq": tsq, "w_lim": cap},
    ).all()
    return rows
