"""The database on SQLite and PostgreSQL: migrations match the models, the audit trail is
append-only, concurrent claims never hand out a page twice, search works on both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from config import Settings
from indexer import jobs, results
from indexer.audit import audit
from indexer.models import Base
from indexer.results import PageOutput
from indexer.search import search
from sohoa.app import App
from tests.pages import name_page, save


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
    a = App(Settings(data_dir=tmp_path / "data", database_url=url, workers=1))
    a.settings.ensure_dirs()
    yield a
    a.close()


def test_migrations_match_the_models(any_app: App) -> None:
    with any_app.db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        diff = [d for d in compare_metadata(ctx, Base.metadata) if not _is_fts(d)]
    assert diff == []


_BACKEND_SPECIFIC = (
    "pages_fts",
    "ix_pages_text_folded_fts",
    "people_fts",
    "ix_people_name_tsv",
    "ix_pages_text_bigrams",
)


def _is_fts(d: object) -> bool:
    return any(name in repr(d) for name in _BACKEND_SPECIFIC)


def test_audit_log_is_append_only(any_app: App) -> None:
    with any_app.db.write() as s:
        audit(s, "tester", "view", "document", 1, {"why": "test"})
    for sql in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), any_app.db.write() as s:
            s.execute(text(sql))
    with any_app.db.read() as s:
        assert s.execute(text("select actor from audit_log")).scalars().all() == ["tester"]


def _fake_output(text_: str) -> PageOutput:
    return PageOutput(
        text=text_,
        words=[],
        mean_conf=90.0,
        rotation=0,
        skew_deg=0.0,
        blank=False,
        width=100,
        height=100,
        dpi=150,
        engine="test",
    )


def test_two_workers_never_claim_the_same_page_and_results_are_stored_once(any_app: App) -> None:
    for i in range(6):
        save(name_page(f"Người Số {i}"), any_app.settings.inbox_dir / f"{i}.png")
        any_app.intake.take(any_app.settings.inbox_dir / f"{i}.png", source="import", remove=True)
    a = jobs.claim(any_app.db, "host:1", limit=4)
    b = jobs.claim(any_app.db, "host:2", limit=4)
    assert len(a) == 4 and len(b) == 2
    assert not {j.job_id for j in a} & {j.job_id for j in b}
    # A worker whose lease was taken over cannot store its result.
    assert results.complete(any_app.db, a[0], "host:2", _fake_output("x")) is False
    assert results.complete(any_app.db, a[0], "host:1", _fake_output("Nguyễn Thị Hoà")) is True
    assert results.complete(any_app.db, a[0], "host:1", _fake_output("again")) is False
    assert jobs.queue_counts(any_app.db) == {"done": 1, "running": 5}


def test_recover_requeues_jobs_of_dead_workers_without_charging_them(any_app: App) -> None:
    save(name_page("Lý Thị Mai"), any_app.settings.inbox_dir / "a.png")
    any_app.intake.take(any_app.settings.inbox_dir / "a.png", source="import", remove=True)
    import socket

    dead = f"{socket.gethostname()}:999999"
    [job] = jobs.claim(any_app.db, dead)
    assert job.attempts == 1
    assert jobs.recover(any_app.db) == 1
    [again] = jobs.claim(any_app.db, "other:1")
    assert again.job_id == job.job_id and again.attempts == 1


def test_search_on_both_backends(any_app: App) -> None:
    for i, name in enumerate(["Nguyễn Văn An", "Nguyễn Văn Anh", "Trần Thị Thuỷ"]):
        save(name_page(name), any_app.settings.inbox_dir / f"{i}.png")
        any_app.intake.take(any_app.settings.inbox_dir / f"{i}.png", source="import", remove=True)
    claimed = jobs.claim(any_app.db, "host:1", limit=3)
    for job, t in zip(claimed, ["Họ và tên: NGUYỄN VĂN AN", "Họ và tên: Nguyễn Văn Anh", "Họ và tên: Trần Thị Thủy"]):
        assert results.complete(any_app.db, job, "host:1", _fake_output(t))
    hits = search(any_app.db, "nguyen van an")
    assert [h.title for h in hits] == ["0.png", "1.png"]
    assert hits[0].tier == 1 and hits[1].tier == 3
    assert search(any_app.db, "Nguyễn Văn An")[0].tier == 0
    assert [h.title for h in search(any_app.db, "Trần Thị Thuỷ")] == ["2.png"]
    assert search(any_app.db, "tran thi thuy")[0].title == "2.png"
    assert search(any_app.db, "phạm") == []
