"""The keying save does less while the keyer waits (``indexer.background``, ``indexer.people.refresh``):
its entry's people go to the name index after the answer, queued in the save's own transaction —
so a crash between the two loses nothing — and, on SQLite, the WAL is checkpointed by the worker,
not by the save's commit. Real SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from indexer import background
from indexer.models import PeopleRefresh, Person
from indexer.people import refresh
from indexer.people.unified import search_all
from indexer.registers.entries import SOURCE
from indexer.registers.keying import SAVED, save_keying
from sohoa.app import App
from tests.registers_util import make_app
from tests.test_registers_keying import ROWS, _book


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    yield from make_app(request, tmp_path)


def _people(app: App, entry_id: int) -> list[str]:
    with app.db.read() as s:
        return sorted(
            s.scalars(select(Person.name).where(Person.source_type == SOURCE, Person.source_id == entry_id)).all()
        )


def _queued(app: App) -> int:
    with app.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(PeopleRefresh)) or 0)


def test_a_keyed_entry_is_queued_in_its_transaction_and_indexed_after_a_crash(app: App) -> None:
    book_id, ids = _book(app, double=False)
    assert _people(app, ids[0]) == []  # the OCR read only the number: nobody to index yet
    out = save_keying(app.db, book_id, ids[0], ROWS[0], actor="lan", index_later=True)
    assert out.state == SAVED
    # committed: the values and the queue row; the name index not yet
    assert _queued(app) == 1 and _people(app, ids[0]) == []
    # … and a keying done the old way indexes in its transaction, queueing nothing
    save_keying(app.db, book_id, ids[1], ROWS[1], actor="lan")
    assert _people(app, ids[1]) == sorted([ROWS[1]["nksHoTen"], ROWS[1]["meHoTen"], ROWS[1]["chaHoTen"]])
    assert _queued(app) == 1
    # the desk stops before its worker ran (a crash): the next start's worker indexes the entry
    settings = app.settings
    app.close()
    again = App(settings)
    try:
        assert _queued(again) == 1
        bg = background.start(again.db, idle_s=0.0)
        assert bg.settle(timeout=20)
        assert _queued(again) == 0 and bg.refreshed == 1
        assert _people(again, ids[0]) == sorted([ROWS[0]["nksHoTen"], ROWS[0]["meHoTen"], ROWS[0]["chaHoTen"]])
        found = search_all(again.db, "Trần Thị Thủy")
        assert any(p.source_id == ids[0] for p in found.people)
    finally:
        again.close()


def test_queued_again_while_being_reindexed_stays_queued(app: App) -> None:
    """A save that queues an entry after the refresher read the queue keeps its row: the refresher
    removes only the row it read (same time)."""
    book_id, ids = _book(app, double=False)
    save_keying(app.db, book_id, ids[0], ROWS[0], actor="lan", index_later=True)
    real = refresh._REFRESHERS[SOURCE]

    def and_a_save_meanwhile(s, batch):  # type: ignore[no-untyped-def]
        real(s, batch)
        with app.db.engine.connect() as c:  # another writer queues the same entry again
            if app.db.dialect == "sqlite":
                return  # SQLite writers are serial: the save would wait for this transaction
            from sqlalchemy.orm import Session

            with Session(bind=c) as other, other.begin():
                refresh.queue(other, SOURCE, ids[0])

    refresh.register(SOURCE, and_a_save_meanwhile)
    try:
        assert refresh.refresh(app.db) == 1
    finally:
        refresh.register(SOURCE, real)
    assert _queued(app) == (0 if app.db.dialect == "sqlite" else 1)
    assert refresh.refresh_all(app.db) == (0 if app.db.dialect == "sqlite" else 1)
    assert _queued(app) == 0
    assert len(_people(app, ids[0])) == 3


def test_the_worker_checkpoints_the_wal_so_saves_do_not(tmp_path: Path) -> None:
    from config import Settings

    app = App(Settings(data_dir=tmp_path / "data", workers=1))
    try:
        book_id, ids = _book(app, double=False)
        bg = background.start(app.db, idle_s=0.05, wal_bytes=64 << 10, tick_s=0.05)
        with app.db.engine.connect() as c:  # a connection opened now leaves checkpoints to the worker
            assert c.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == background.SAFETY_PAGES
        for i, eid in enumerate(ids):
            save_keying(app.db, book_id, eid, ROWS[i], actor="lan", index_later=True)
            bg.poke()
        assert bg.settle(timeout=20)
        deadline = time.monotonic() + 20
        while not bg.checkpoints and time.monotonic() < deadline:  # the desk is idle now
            time.sleep(0.05)
        assert bg.checkpoints >= 1
        assert all(len(_people(app, e)) == 3 for e in ids)
    finally:
        app.close()
    assert background.running(app.db) is None
