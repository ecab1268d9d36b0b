"""An installed office upgrades: a database made by an older sohoa, holding rows in every table
(documents, pages, fields, register books and entries, audit …), migrates to the newest schema
with every row kept — on SQLite with its foreign keys on, and on PostgreSQL. A migration that
rebuilds a table others point at fails here, not at a commune's desk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from indexer.db import make_engine, migrate
from tests.conftest import PG_URL

FROM = "0007_audit_chain"  # the schema of the last release (stop 21), before this round's migrations


def _value(col: sa.Column, n: int) -> object:
    t = col.type
    if isinstance(t, sa.Boolean):
        return False
    if isinstance(t, (sa.Integer, sa.BigInteger)):
        return n
    if isinstance(t, (sa.Float, sa.Numeric)):
        return 1.0
    if isinstance(t, sa.DateTime):
        return dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    if isinstance(t, sa.Date):
        return dt.date(2024, 5, 6)
    if isinstance(t, sa.JSON):
        return {}
    if isinstance(t, sa.LargeBinary):
        return b"x"
    length = getattr(t, "length", None) or 40
    return f"v{n}"[:length]


def _fill(engine: sa.Engine) -> dict[str, int]:
    """One row in every table, parents before children (each foreign key points at row id 1)."""
    meta = sa.MetaData()
    meta.reflect(engine)
    counts = {}
    with engine.begin() as c:
        for table in meta.sorted_tables:
            if table.name == "alembic_version":
                continue
            row = {}
            for col in table.columns:
                if (col.primary_key and isinstance(col.type, sa.Integer)) or col.foreign_keys:
                    row[col.name] = 1
                elif not col.nullable and col.server_default is None:
                    row[col.name] = _value(col, 1)
            try:
                with c.begin_nested():
                    c.execute(table.insert().values(**row))
            except sa.exc.DBAPIError:
                continue  # a table whose own checks refuse made-up values: left empty
        for table in meta.sorted_tables:
            counts[table.name] = c.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    return counts


@pytest.fixture(params=["sqlite", "postgresql"])
def old_db(request: pytest.FixtureRequest, tmp_path, pg_url: str) -> Iterator[sa.Engine]:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'sohoa.db'}" if request.param == "sqlite" else pg_url
    engine = make_engine(url)
    migrate(engine, FROM)
    yield engine
    engine.dispose()


def test_an_older_database_full_of_rows_upgrades_and_keeps_them(old_db: sa.Engine) -> None:
    before = _fill(old_db)
    assert before["register_entries"] == 1 and before["fields"] == 1 and before["pages"] == 1
    migrate(old_db)  # to head
    meta = sa.MetaData()
    meta.reflect(old_db)
    with old_db.connect() as c:
        for name, n in before.items():
            assert c.execute(sa.select(sa.func.count()).select_from(meta.tables[name])).scalar_one() == n, name
    assert PG_URL  # the PostgreSQL run uses the shared test server
