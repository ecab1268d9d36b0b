"""Open the database, bring its schema to the newest migration, hand out sessions.

SQLite (the default) runs in WAL mode with full fsync; write transactions start with
``BEGIN IMMEDIATE`` so two writers queue on the busy timeout instead of failing on a stale
snapshot. Readers use plain deferred transactions and never wait for writers. A database file is
created once (:func:`open_database`) and every connection after that opens it with ``mode=rw``: a
file that vanished (moved away, folder removed) is an error, never silently replaced by a new
empty database.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, CursorResult, Engine, Executable, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

MIGRATIONS = Path(__file__).parent / "migrations"


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL (None for PostgreSQL and in-memory databases)."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            rest = url.removeprefix(prefix).split("?", 1)[0]
            return Path(rest) if rest and rest != ":memory:" and not rest.startswith("file:") else None
    return None


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        db_file = sqlite_file(url)
        if db_file is not None and db_file.exists():
            # Open the existing file only (``mode=rw``): if it vanishes, connecting fails.
            uri = f"file:{quote(str(db_file.absolute()))}?mode=rw"
            engine = create_engine(
                url, creator=lambda: sqlite3.connect(uri, uri=True, timeout=60, check_same_thread=False)
            )
        else:
            engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            mode = "IMMEDIATE" if conn.get_execution_options().get("sqlite_immediate") else "DEFERRED"
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several machines starting at once (workers, desks) on one database: one migrates its
            # schema, the others wait here until it has committed, then find nothing to do.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('sohoa-migrate:' || current_schema()))")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def rows_changed(session: Session, statement: Executable) -> int:
    """Run an UPDATE or DELETE in ``session`` and return how many rows it changed (the guard of
    every "only if it is still ours" update). Raises TypeError for a statement that returns rows."""
    result = session.execute(statement)
    if not isinstance(result, CursorResult):
        raise TypeError(f"rows_changed needs an UPDATE or DELETE, not {type(statement).__name__}")
    return result.rowcount


@dataclass
class Database:
    engine: Engine
    _write: sessionmaker[Session]
    _read: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        with self._write() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def write_problem(self) -> str | None:
        """None if a write transaction commits now, else the database's error (short). Opens a
        fresh connection: pooled ones are dropped first (a PostgreSQL session keeps the read-only
        default it started with; a SQLite connection keeps the file it opened)."""
        self.engine.dispose()
        try:
            with self.write() as s:
                s.execute(text("UPDATE alembic_version SET version_num = version_num"))
        except DBAPIError as exc:
            return str(exc.orig or exc).strip().splitlines()[0][:300]
        return None


def open_database(url: str, *, upgrade: bool = True) -> Database:
    db_file = sqlite_file(url)
    if db_file is not None:
        db_file.parent.mkdir(parents=True, exist_ok=True)
        try:  # created here, private; from now on it is only ever opened, never created
            os.close(os.open(db_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
    engine = make_engine(url)
    if upgrade:
        migrate(engine)
    writer = engine.execution_options(sqlite_immediate=True)
    writes = sessionmaker(bind=writer, expire_on_commit=False)
    from indexer.outbox import record_events  # it needs the models, which need this module

    record_events(writes)  # events out are written in the transaction of what they tell
    return Database(
        engine=engine,
        _write=writes,
        _read=sessionmaker(bind=engine, expire_on_commit=False),
    )
