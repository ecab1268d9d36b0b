"""Several machines: Celery workers on Redis, one PostgreSQL database, one data folder.

The fast tests drive the database side (dispatch, take, the stage) in this process. The slow ones
run real ``sohoa worker`` processes (Celery, prefork) and ``sohoa run --once`` (the desk and its
dispatcher) as subprocesses against the PostgreSQL server on 127.0.0.1:5432 and Redis — the
machine's on 6379, or a redis-server of the test's own on a free port where it is killed or
restarted — and check after each that every page was indexed exactly once and nothing was lost.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from config import Settings
from indexer import dispatch, jobs
from indexer.dispatch import TakeResult
from indexer.vntext import fold
from sohoa.app import App
from sohoa.distributed.tasks import WorkerContext, process_job
from sohoa.options import ocr_options
from tests.pages import Line, name_page, render_page, save

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("SOHOA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]


def _names(n: int) -> list[str]:
    return [f"{SURNAMES[i % len(SURNAMES)]} Văn Số{i}" for i in range(n)]


def _long_page(name: str):  # type: ignore[no-untyped-def]
    """A full page of text (a few seconds of OCR): wide enough to kill a worker in the middle."""
    lines: list[Line | str] = [Line("GIẤY XÁC NHẬN", 16, bold=True, center=True), "", Line(f"Họ và tên: {name}", 14)]
    lines += [
        Line(f"Dòng {i}: quê quán xã Tân Hòa, huyện Châu Thành, tỉnh Tiền Giang, nơi cư trú ấp {i}", 11)
        for i in range(26)
    ]
    return render_page(lines, dpi=200)


def _take_in(app: App, names: list[str], *, long: bool = False) -> None:
    for i, n in enumerate(names):
        im = _long_page(n) if long else name_page(n, dpi=120)
        p = save(im, app.settings.inbox_dir / f"p{i:03d}.png", dpi=200 if long else 120)
        app.intake.take(p, source="import", remove=True)


def _wait(pred: Callable[[], bool], timeout: float, what: str, procs: list[subprocess.Popen] | None = None) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


# -- fast: settings, command, the database side --------------------------------------------------
def test_broker_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from config import SettingsError, load_settings
    from sohoa.distributed import enabled, hard_limit_s, run_lease_s, soft_limit_s

    assert load_settings().broker_url is None and not enabled(load_settings())
    monkeypatch.setenv("SOHOA_BROKER_URL", "redis://:secret@db-host:6379/0")
    monkeypatch.setenv("SOHOA_OCR__PAGE_TIMEOUT_S", "300")
    s = load_settings()
    assert enabled(s) and s.broker_queue == "sohoa"
    assert (soft_limit_s(s), hard_limit_s(s), run_lease_s(s)) == (300, 375, 750)
    monkeypatch.setenv("SOHOA_BROKER_URL", "amqp://guest@localhost//")
    with pytest.raises(SettingsError, match="broker_url"):
        load_settings()
    monkeypatch.setenv("SOHOA_BROKER_URL", "redis://localhost")
    monkeypatch.setenv("SOHOA_BROKER_QUEUE", "no spaces")
    with pytest.raises(SettingsError, match="broker_queue"):
        load_settings()


def test_a_worker_stores_behind_only_with_a_core_to_spare() -> None:
    from sohoa.distributed.tasks import store_behind_pays

    assert store_behind_pays(1, 2) and store_behind_pays(3, 4)
    assert not store_behind_pays(2, 2) and not store_behind_pays(4, 2) and not store_behind_pays(1, 1)


def test_worker_command_needs_a_broker(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env.update({"SOHOA_CONFIG": "", "SOHOA_DATA_DIR": str(tmp_path / "data")})
    out = subprocess.run(
        [sys.executable, "-m", "sohoa.cli", "worker"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2 and "broker" in out.stderr


# -- fast: the database side ----------------------------------------------------------------------
@pytest.fixture
def pg_app(pg_url: str, tmp_path: Path) -> Iterator[App]:
    a = App(Settings(data_dir=tmp_path / "data", database_url=pg_url, workers=1))
    a.settings.ensure_dirs()
    yield a
    a.close()


@pytest.mark.postgres
def test_machines_starting_together_on_a_new_database_migrate_it_once(pg_url: str, tmp_path: Path) -> None:
    """Several workers (and a desk) started at once on an empty database, or after an upgrade,
    each bring the schema up to date: one does it, the others wait for it and find it done."""
    go = tmp_path / "go"
    code = (
        "import sys, time, pathlib\n"
        "from indexer.db import open_database\n"
        "go = pathlib.Path(sys.argv[2])\n"
        "while not go.exists(): time.sleep(0.01)\n"
        "open_database(sys.argv[1]).close()\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, pg_url, str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    time.sleep(3)  # all four imported and waiting
    go.touch()
    failed = []
    for p in procs:
        try:
            _, err = p.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
            failed.append("hung: " + err[-500:])
            continue
        if p.returncode != 0:
            lines = [ln for ln in err.splitlines() if "Error" in ln and not ln.startswith("(Background")]
            failed.append(lines[-1][:300] if lines else f"exit {p.returncode}")
    assert not failed, failed
    eng = sa.create_engine(pg_url)
    try:
        with eng.connect() as c:
            assert len(c.execute(sa.text("select version_num from alembic_version")).all()) == 1
            assert c.execute(sa.text("select count(*) from jobs")).scalar() == 0
    finally:
        eng.dispose()


@pytest.mark.postgres
def test_concurrent_dispatchers_never_hand_out_a_job_twice(pg_app: App) -> None:
    _take_in(pg_app, _names(30))
    got: list[list[tuple[int, str]]] = [[] for _ in range(3)]

    def run(i: int) -> None:
        while True:
            batch = dispatch.dispatch(pg_app.db, 4, lease_s=60)
            if not batch:
                return
            got[i].extend(batch)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ids = [j for g in got for j, _ in g]
    assert len(ids) == 30 and len(set(ids)) == 30
    assert len({tok for g in got for _, tok in g}) == 30
    d = dispatch.depth(pg_app.db)
    assert (d.queued, d.dispatched, d.running) == (0, 30, 0)
    assert dispatch.glance(pg_app.db) == dispatch.Glance(False, 30, 0)
    # A message that could not be published puts its job back; undelivered ones go back on demand.
    job_id, token = got[0][0]
    assert dispatch.undo_dispatch(pg_app.db, job_id, token) is True
    assert dispatch.undo_dispatch(pg_app.db, job_id, token) is False
    assert dispatch.release_undelivered(pg_app.db, expired_only=True) == 0
    assert dispatch.release_undelivered(pg_app.db) == 29
    assert jobs.queue_counts(pg_app.db) == {"queued": 30}
    assert dispatch.glance(pg_app.db) == dispatch.Glance(True, 0, 0)


@pytest.mark.postgres
def test_take_drops_duplicates_and_counts_lost_runs(pg_app: App) -> None:
    _take_in(pg_app, _names(3))
    db = pg_app.db
    (j1, t1), (j2, t2), (j3, t3) = dispatch.dispatch(db, 3, lease_s=60)
    w = dispatch.running_name(t1, "hostA", 11)
    first = dispatch.take(db, j1, t1, w, lease_s=60, max_attempts=2)
    assert first.result is TakeResult.TAKEN and first.job is not None and first.job.attempts == 1
    # Our own take again (its reply was lost with the connection): still ours, no attempt counted.
    assert dispatch.take(db, j1, t1, w, lease_s=60, max_attempts=2).job.attempts == 1  # type: ignore[union-attr]
    # Another message for the same job: dropped.
    assert (
        dispatch.take(db, j1, "x" * 16, dispatch.running_name("x" * 16, "hostB", 12), lease_s=60, max_attempts=2).result
        is TakeResult.NOT_OURS
    )
    # The same message again after its worker process was lost: taken over, the lost run counted.
    w2 = dispatch.running_name(t1, "hostB", 13)
    again = dispatch.take(db, j1, t1, w2, lease_s=60, max_attempts=2)
    assert again.result is TakeResult.TAKEN and again.job.attempts == 2  # type: ignore[union-attr]
    # The old run cannot store anything now; a third loss fails the page for good.
    from indexer import results
    from tests.test_db import _fake_output

    assert results.complete(db, first.job, w, _fake_output("stale")) is False  # type: ignore[arg-type]
    gave_up = dispatch.take(db, j1, t1, dispatch.running_name(t1, "hostC", 14), lease_s=60, max_attempts=2)
    assert gave_up.result is TakeResult.GAVE_UP
    # A finished job drops late copies of its message.
    t = dispatch.take(db, j2, t2, dispatch.running_name(t2, "h", 1), lease_s=60, max_attempts=2)
    assert results.complete(db, t.job, dispatch.running_name(t2, "h", 1), _fake_output("Lê Văn Ba")) is True  # type: ignore[arg-type]
    assert (
        dispatch.take(db, j2, t2, dispatch.running_name(t2, "h", 2), lease_s=60, max_attempts=2).result
        is TakeResult.NOT_OURS
    )
    # A job back in the queue (broker lost its message) is taken by whichever message comes.
    assert dispatch.release_undelivered(db) == 1
    assert (
        dispatch.take(db, j3, t3, dispatch.running_name(t3, "h", 3), lease_s=60, max_attempts=2).result
        is TakeResult.TAKEN
    )
    assert dispatch.take(db, 10**9, t3, "w", lease_s=60, max_attempts=2).result is TakeResult.GONE
    assert jobs.queue_counts(db) == {"failed": 1, "done": 1, "running": 1}
    assert dispatch.glance(db) == dispatch.Glance(False, 0, 1)  # started by a worker, not waiting in the broker
    # A lease that ran out on another host is recover()'s: the job waits in the queue again.
    with db.write() as s:
        s.execute(sa.text("update jobs set lease_until = now() - interval '1 minute' where id = :id"), {"id": j3})
    assert jobs.recover(db) == 1
    assert jobs.queue_counts(db) == {"failed": 1, "done": 1, "queued": 1}


@pytest.mark.postgres
def test_a_message_processed_in_process_indexes_its_page_once(pg_app: App) -> None:
    _take_in(pg_app, ["Trần Thị Hoà"])
    ctx = WorkerContext(pg_app, ocr_options(pg_app.settings), os.getpid())
    [(job_id, token)] = dispatch.dispatch(pg_app.db, 5, lease_s=60)
    assert process_job(ctx, job_id, token) == "done"
    assert process_job(ctx, job_id, token) == "not_ours"  # delivered twice: the second copy is dropped
    with pg_app.db.read() as s:
        assert s.execute(sa.text("select count(*) from ocr_results")).scalar() == 1
        text = s.execute(sa.text("select text from pages")).scalar()
        pdf_key = s.execute(sa.text("select pdf_key from pages")).scalar()
    assert "Hoà" in text or "Hòa" in text
    assert (pg_app.settings.archive_dir / pdf_key).is_file()
    assert not list(pg_app.settings.archive_dir.rglob("*.tmp"))


def _dead_pid() -> int:
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


@pytest.mark.postgres
def test_pages_of_a_dead_worker_process_on_this_host_go_back_to_the_queue(pg_app: App) -> None:
    """A worker process killed after its message was acknowledged (while it stored the page)
    leaves no message behind: the next worker process on the host puts its page back in the queue,
    with the lost run counted; other hosts' and live processes' pages are left alone."""
    _take_in(pg_app, _names(4))
    db = pg_app.db
    here = socket.gethostname()
    (j1, t1), (j2, t2), (j3, t3), (j4, t4) = dispatch.dispatch(db, 4, lease_s=60)
    dead = _dead_pid()
    for j, t, name in [
        (j1, t1, dispatch.running_name(t1, here, dead)),
        (j2, t2, dispatch.running_name(t2, here, os.getpid())),  # alive
        (j3, t3, dispatch.running_name(t3, "another-host", dead)),  # its lease decides
        (j4, t4, dispatch.running_name(t4, here, dead)),
    ]:
        assert dispatch.take(db, j, t, name, lease_s=60, max_attempts=2).result is TakeResult.TAKEN
    with db.write() as s:  # job 4 has lost its run twice already
        s.execute(sa.text("update jobs set attempts = 2 where id = :id"), {"id": j4})
    assert dispatch.release_orphans(db, max_attempts=2) == 2
    with db.read() as s:
        rows = {
            j: (st, w, a) for j, st, w, a in s.execute(sa.text("select id, state, worker, attempts from jobs")).all()
        }
    assert rows[j1] == ("queued", None, 1)  # back in the queue, the lost run counted
    assert rows[j2][0] == "running" and rows[j3][0] == "running"
    assert rows[j4][0] == "failed"
    with db.read() as s:
        assert (
            s.execute(
                sa.text("select state from pages where id = (select page_id from jobs where id = :id)"), {"id": j1}
            ).scalar()
            == "captured"
        )
    assert dispatch.release_orphans(db, max_attempts=2) == 0
    # The queued job is taken by whichever message comes next and counts the lost run.
    again = dispatch.take(db, j1, t1, dispatch.running_name(t1, here, os.getpid()), lease_s=60, max_attempts=2)
    assert again.result is TakeResult.TAKEN and again.job.attempts == 2  # type: ignore[union-attr]


@pytest.mark.postgres
def test_a_worker_process_ocrs_the_next_page_while_it_stores_one(pg_app: App, pg_url: str) -> None:
    """The store of page 1 is held up (a lock on ocr_results); page 2 is taken and OCR'd
    meanwhile, and is stored after page 1."""
    _take_in(pg_app, ["Trần Thị Hoà", "Lê Văn Ba"])
    ctx = WorkerContext(pg_app, ocr_options(pg_app.settings), os.getpid())
    (j1, t1), (j2, t2) = dispatch.dispatch(pg_app.db, 5, lease_s=60)
    eng = sa.create_engine(pg_url)
    lock = eng.connect()
    tx = lock.begin()
    lock.exec_driver_sql("lock table ocr_results in share mode")
    got: dict[str, str] = {}

    def worker() -> None:
        got["1"] = process_job(ctx, j1, t1, behind=True)
        got["2"] = process_job(ctx, j2, t2, behind=True)

    def state(j: int) -> tuple[str, str]:
        with eng.connect() as c:
            return tuple(
                c.execute(sa.text("select state, coalesce(worker, '') from jobs where id = :id"), {"id": j}).one()
            )

    th = threading.Thread(target=worker, daemon=True)
    try:
        th.start()
        _wait(lambda: got.get("1") == "storing", 120, "page 1 handed to the store")
        _wait(
            lambda: state(j2)[0] == "running" and "@" in state(j2)[1], 120, "page 2 taken while page 1 is being stored"
        )
        assert state(j1)[0] == "running"  # page 1's store waits for the lock
        th.join(3)
        assert th.is_alive()  # page 2 is OCR'd, then waits for page 1's store: one page stored at a time
    finally:
        tx.rollback()
        lock.close()
    th.join(120)
    assert got == {"1": "storing", "2": "storing"}
    ctx.behind.close()
    assert ctx.behind.last == "done"
    assert state(j1)[0] == "done" and state(j2)[0] == "done"
    with eng.connect() as c:
        assert c.execute(sa.text("select count(*), count(distinct page_id) from ocr_results")).one() == (2, 2)
    eng.dispose()


# -- slow: real workers, broker and database -------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    """A redis-server of the test's own (nothing on disk), so killing it disturbs nobody."""

    def __init__(self, tmp: Path) -> None:
        self.port = _free_port()
        self.dir = tmp / "redis"
        self.dir.mkdir(exist_ok=True)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        def up() -> bool:
            try:
                return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
            except Exception:
                return False

        _wait(up, 20, "redis-server")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


class Cluster:
    """One desk (``sohoa run --once``) and N ``sohoa worker`` processes on one database schema."""

    def __init__(self, tmp: Path, pg_url: str, broker_url: str, *, page_timeout: int = 30) -> None:
        self.tmp = tmp
        self.store_behind = "on"  # whatever the machine's cores; "off": store before the ack
        self.appname = f"sohoa_t{uuid.uuid4().hex[:8]}"
        self.db_url = f"{pg_url}&application_name={self.appname}"
        self.broker_url = broker_url
        self.queue = f"sohoa-test-{uuid.uuid4().hex[:8]}"
        self.settings = Settings(
            data_dir=tmp / "data", database_url=pg_url, broker_url=broker_url, broker_queue=self.queue, workers=1
        )
        self.settings.ensure_dirs()
        self.app = App(self.settings)
        _ = self.app.db  # migrate once, before any worker starts
        self.page_timeout = page_timeout
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[Path] = []
        self.engine = sa.create_engine(pg_url)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
        env.update(
            {
                "SOHOA_CONFIG": "",
                "SOHOA_DATA_DIR": str(self.settings.data_dir),
                "SOHOA_DATABASE_URL": self.db_url,
                "SOHOA_BROKER_URL": self.broker_url,
                "SOHOA_BROKER_QUEUE": self.queue,
                "SOHOA_WORKERS": "1",
                "SOHOA_OCR__PAGE_TIMEOUT_S": str(self.page_timeout),
                "SOHOA_LIMITS__MAX_ATTEMPTS": "4",
                "SOHOA_CAPTURE__RESCAN_SECONDS": "5",
                "OMP_THREAD_LIMIT": "1",
                "PYTHONUNBUFFERED": "1",
                "SOHOA_STORE_BEHIND": self.store_behind,
            }
        )
        return env

    def _spawn(self, args: list[str], label: str) -> subprocess.Popen[bytes]:
        log = self.tmp / f"{label}-{len(self.logs)}.log"
        self.logs.append(log)
        p = subprocess.Popen(
            [sys.executable, "-m", "sohoa.cli", *args],
            cwd=self.tmp,
            env=self.env(),
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(p)
        return p

    def start_worker(self, concurrency: int = 1, *, wait: bool = True) -> subprocess.Popen[bytes]:
        p = self._spawn(["worker", "--concurrency", str(concurrency)], "worker")
        log = self.logs[-1]
        if wait:
            _wait(
                lambda: " ready." in log.read_text(errors="replace") or p.poll() is not None, 120, "a worker to start"
            )
            assert p.poll() is None, log.read_text(errors="replace")[-3000:]
        return p

    def start_desk(self) -> subprocess.Popen[bytes]:
        return self._spawn(["run", "--once"], "desk")

    def q(self, sql: str) -> list[tuple]:
        with self.engine.connect() as c:
            c.exec_driver_sql(f"set search_path to {self._schema()}, public")
            return [tuple(r) for r in c.execute(sa.text(sql)).all()]

    def _schema(self) -> str:
        return self.db_url.split("search_path%3D", 1)[1].split(",", 1)[0]

    def scalar(self, sql: str) -> int:
        return self.q(sql)[0][0]

    def done(self) -> int:
        return self.scalar("select count(*) from jobs where state = 'done'")

    def child_pids(self, worker: subprocess.Popen[bytes]) -> set[int]:
        out = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout
        return {int(x) for x in out.split()}

    def wait_desk(self, desk: subprocess.Popen[bytes], timeout: float) -> None:
        try:
            rc = desk.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"the desk did not finish in {timeout:.0f} s; jobs: "
                f"{self.q('select state, count(*) from jobs group by state')}\n{self.tail()}"
            ) from None
        assert rc == 0, self.tail()

    def tail(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-2500:]}" for p in self.logs)

    def assert_each_page_indexed_once(self, names: list[str], *, killed: bool = False) -> None:
        n = len(names)
        assert self.q("select count(*), count(distinct original_id) from documents") == [(n, n)]
        assert self.q("select state, count(*) from documents group by state") == [("indexed", n)]
        assert self.q("select count(*) from pages where state = 'indexed'") == [(n,)]
        assert self.q("select count(*), count(distinct page_id) from ocr_results") == [(n, n)]
        assert self.q("select state, count(*) from jobs group by state") == [("done", n)]
        assert self.q("select count(*) from quarantine") == [(0,)]
        # Every page really went through OCR (OCR may garble a name's number, never all of them).
        texts = [fold(t) for (t,) in self.q("select text from pages")]
        assert all("van" in t or "nhan" in t for t in texts), texts
        joined = " ".join(texts)
        found = sum(f"so{i}" in joined for i in range(n))
        assert found >= n // 2, f"only {found} of {n} names in the OCR text"
        pdfs = [k for (k,) in self.q("select pdf_key from pages")]
        assert all((self.settings.archive_dir / k).is_file() for k in pdfs)
        if not killed:  # a process killed while writing a PDF leaves its temporary file (never the PDF)
            assert not list(self.settings.archive_dir.rglob("*.tmp"))

    def close(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for p in self.procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(10)
        self.app.close()
        self.engine.dispose()
        try:
            import redis

            r = redis.Redis.from_url(self.broker_url, socket_connect_timeout=1)
            r.delete(self.queue, f"_kombu.binding.{self.queue}")
            r.close()
        except Exception:
            pass


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server)")
    r = OwnRedis(tmp_path)
    r.start()
    yield r
    r.kill()


def _cluster(tmp_path: Path, pg_url: str, broker_url: str, **kw: object) -> Iterator[Cluster]:
    c = Cluster(tmp_path, pg_url, broker_url, **kw)  # type: ignore[arg-type]
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def cluster(tmp_path: Path, pg_url: str) -> Iterator[Cluster]:
    yield from _cluster(tmp_path, pg_url, REDIS_URL)


@pytest.fixture
def own_cluster(tmp_path: Path, pg_url: str, own_redis: OwnRedis) -> Iterator[Cluster]:
    yield from _cluster(tmp_path, pg_url, own_redis.url, page_timeout=20)


@pytest.mark.slow
@pytest.mark.postgres
def test_several_workers_on_one_queue_index_each_page_once(cluster: Cluster) -> None:
    cluster.store_behind = "off"  # each page stored before its message is acknowledged (the other tests: "on")
    names = _names(16)
    _take_in(cluster.app, names)
    w1, w2 = cluster.start_worker(1), cluster.start_worker(1)
    desk = cluster.start_desk()
    cluster.wait_desk(desk, 300)
    cluster.assert_each_page_indexed_once(names)
    # Both worker processes took pages; every page went through Celery.
    workers = [w for (w,) in cluster.q("select worker from jobs")]
    assert all(w.startswith("celery-") and "@" in w for w in workers)
    assert len({w.rsplit(":", 1)[1] for w in workers}) == 2, workers
    # `sohoa status` lists both workers, the queue depth and the throughput.
    out = subprocess.run(
        [sys.executable, "-m", "sohoa.cli", "status"],
        cwd=cluster.tmp,
        env=cluster.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert f"sohoa-{w1.pid}@" in text and f"sohoa-{w2.pid}@" in text, out.stdout
    assert "chờ 0 | đã gửi cho máy xử lý 0 | đang xử lý 0" in text
    assert "(16 trang)" in text


@pytest.mark.slow
@pytest.mark.postgres
def test_kill_9_of_a_worker_mid_page(own_cluster: Cluster) -> None:
    c = own_cluster
    names = _names(10)
    _take_in(c.app, names, long=True)
    w1 = c.start_worker(1)
    w2 = c.start_worker(1)
    desk = c.start_desk()

    def running_on(worker: subprocess.Popen[bytes]) -> list[tuple[int, str]]:
        pids = c.child_pids(worker)
        return [
            (j, w)
            for j, w in c.q("select id, worker from jobs where state = 'running' and worker like '%@%'")
            if int(w.rsplit(":", 1)[1]) in pids
        ]

    # 1. kill -9 the OCR process of worker 1 in the middle of a page: Celery rejects the message back
    #    to the queue (reject_on_worker_lost), the page is taken over and counted as one lost run.
    killed_child: tuple[int, str] | None = None
    for _ in range(20):
        _wait(lambda: bool(running_on(w1)), 120, "a page on worker 1")
        job_id, owner = running_on(w1)[0]
        os.kill(int(owner.rsplit(":", 1)[1]), signal.SIGKILL)
        if c.q(f"select state, worker from jobs where id = {job_id}") == [("running", owner)]:
            killed_child = (job_id, owner)
            break
    assert killed_child is not None, "never caught worker 1 in the middle of a page"

    # 2. kill -9 worker 2 whole (its main process and its OCR process) mid-page: its lease runs out
    #    and the desk puts the page back in the queue for the other worker.
    killed_whole: int | None = None
    for _ in range(5):
        _wait(lambda w2=w2: bool(running_on(w2)), 120, "a page on worker 2")
        job_id, owner = running_on(w2)[0]
        os.killpg(w2.pid, signal.SIGKILL)
        w2.wait(10)
        if c.q(f"select state, worker from jobs where id = {job_id}") == [("running", owner)]:
            killed_whole = job_id
            break
        w2 = c.start_worker(1)  # the page ended just before the kill: try again with a new worker
    assert killed_whole is not None, "never caught worker 2 in the middle of a page"

    c.wait_desk(desk, 420)
    c.assert_each_page_indexed_once(names, killed=True)
    job_id, owner = killed_child
    state, attempts, worker = c.q(f"select state, attempts, worker from jobs where id = {job_id}")[0]
    assert state == "done" and attempts >= 2 and worker != owner
    assert c.q(f"select state from jobs where id = {killed_whole}") == [("done",)]
    assert w1.poll() is None  # the worker survived the loss of its OCR process


@pytest.mark.slow
@pytest.mark.postgres
def test_broker_restart_mid_run(own_cluster: Cluster, own_redis: OwnRedis) -> None:
    c = own_cluster
    names = _names(24)
    _take_in(c.app, names)
    c.start_worker(1)
    c.start_worker(1)
    desk = c.start_desk()
    _wait(lambda: c.done() >= 4, 180, "some pages done")
    own_redis.kill()  # every message in the broker is lost with it (nothing on disk)
    assert c.done() < len(names) - 4, "the broker went down too late to test anything"
    time.sleep(3)
    own_redis.start()
    c.wait_desk(desk, 420)
    c.assert_each_page_indexed_once(names)
    assert "the broker restarted" in c.tail()


@pytest.mark.slow
@pytest.mark.postgres
def test_database_connections_dropped_mid_run(cluster: Cluster) -> None:
    c = cluster
    names = _names(30)
    _take_in(c.app, names)
    c.start_worker(1)
    c.start_worker(1)
    desk = c.start_desk()
    _wait(lambda: c.done() >= 3, 180, "some pages done")
    mid_run = 0  # rounds that dropped connections while pages were still to do
    end = time.monotonic() + 10
    while time.monotonic() < end and desk.poll() is None:
        # every connection of the workers and the desk (they carry the test's application_name)
        before = c.done()
        dropped = len(
            c.q(
                f"select pg_terminate_backend(pid) from pg_stat_activity "
                f"where application_name = '{c.appname}' and pid <> pg_backend_pid()"
            )
        )
        if dropped and before < len(names):
            mid_run += 1
        time.sleep(0.5)
    assert mid_run >= 2, "the connections were not dropped while pages were being processed"
    c.wait_desk(desk, 420)
    c.assert_each_page_indexed_once(names)


@contextlib.contextmanager
def _storing_one_page_ocring_the_next(
    c: Cluster, names: list[str]
) -> Iterator[tuple[subprocess.Popen[bytes], subprocess.Popen[bytes], int, list[tuple[int, str, object]]]]:
    """Pages ``names`` in, a worker (one process) and the desk started, every store held up (a
    lock on ocr_results; taking a job does not need it) until the worker process is storing page 1
    (its message acknowledged) and has taken page 2. Yields (worker, desk, its process, the two
    jobs held); the stores go on when the block ends."""
    _take_in(c.app, names)
    lock = c.engine.connect()
    tx = lock.begin()
    lock.exec_driver_sql(f"set search_path to {c._schema()}, public")
    lock.exec_driver_sql("lock table ocr_results in share mode")
    try:
        w = c.start_worker(1)
        desk = c.start_desk()
        [child] = c.child_pids(w)
        _wait(lambda: len(_held_by(c, child)) == 2, 120, "a page being stored while the next is OCR'd", [w, desk])
        yield w, desk, child, _held_by(c, child)
    finally:
        tx.rollback()
        lock.close()


def _held_by(c: Cluster, pid: int) -> list[tuple[int, str, object]]:
    """(job, worker, lease) of the jobs running under worker process ``pid``, oldest first."""
    return sorted(
        r
        for r in c.q("select id, worker, lease_until from jobs where state = 'running'")
        if r[1].rpartition(":")[2] == str(pid)
    )


@pytest.mark.slow
@pytest.mark.postgres
def test_kill_9_of_a_worker_process_while_it_stores_a_page(own_cluster: Cluster) -> None:
    """The worker process acknowledges a page's message before it stores the page (it OCRs the
    next one meanwhile). Killed in between, no message comes back for that page: the worker
    process Celery starts in its place puts it back in the queue, long before its lease runs out."""
    c = own_cluster
    names = _names(4)
    with _storing_one_page_ocring_the_next(c, names) as (w, desk, child, held):
        storing = held[0]
        os.kill(child, signal.SIGKILL)
    c.wait_desk(desk, 300)
    c.assert_each_page_indexed_once(names, killed=True)
    job_id, owner, lease_until = storing
    state, attempts, worker, finished = c.q(
        f"select state, attempts, worker, finished_at from jobs where id = {job_id}"
    )[0]
    assert state == "done" and worker != owner and attempts == 2  # taken again, the lost run counted
    assert finished < lease_until, "the page waited for its lease instead of being released at once"
    assert "lost worker process on this host are queued again" in c.tail()
    assert w.poll() is None


@pytest.mark.slow
@pytest.mark.postgres
def test_a_worker_stopped_with_sigterm_stores_its_pages_before_it_exits(cluster: Cluster) -> None:
    """SIGTERM to the worker's main process (systemd with KillMode=mixed, Ctrl+C): the page being
    OCR'd is finished, and it and the page being stored are stored before the process exits;
    nothing is left for another worker to redo."""
    c = cluster
    names = _names(4)
    with _storing_one_page_ocring_the_next(c, names) as (w, desk, child, held):
        os.kill(w.pid, signal.SIGTERM)
        time.sleep(2)
        assert w.poll() is None  # waiting for its pages' stores
    assert w.wait(120) == 0, c.tail()
    assert c.q(f"select state, attempts from jobs where id in ({held[0][0]}, {held[1][0]})") == [
        ("done", 1),
        ("done", 1),
    ]
    assert not _held_by(c, child)
    c.start_worker(1)  # the rest
    c.wait_desk(desk, 300)
    c.assert_each_page_indexed_once(names)
    assert c.q("select max(attempts) from jobs") == [(1,)]  # no page was OCR'd twice


@pytest.mark.slow
@pytest.mark.postgres
def test_worker_logs_mask_personal_id_numbers(cluster: Cluster) -> None:
    """Whatever reaches a worker's log — here a forged message whose id is a personal ID number,
    logged by Celery when it arrives and by sohoa when it drops it — shows the number masked."""
    c = cluster
    w = c.start_worker(1)
    from sohoa.distributed import TASK_NAME
    from sohoa.distributed.celery_app import make_celery

    pid_number = "079203004567"
    app = make_celery(c.settings)
    app.send_task(TASK_NAME, args=[10**9], task_id=f"{pid_number}abcd", queue=c.queue)
    log = c.logs[-1]
    _wait(lambda: "dropped (gone)" in log.read_text(errors="replace"), 60, "the worker to drop the message", [w])
    text = log.read_text(errors="replace")
    assert "0792******67abcd" in text
    assert pid_number not in text


@pytest.mark.slow
@pytest.mark.postgres
def test_scanning_with_a_broker_ocrs_on_the_workers(cluster: Cluster, tmp_path: Path) -> None:
    """``sohoa scan`` with a broker set: the pages it scans are dispatched to the Celery workers,
    and it waits for them, as it waits for its own process pool without one."""
    from indexer.search import search
    from sohoa.scanning import ocr_behind, run_scan
    from tests.pages import name_page
    from tests.test_scanner import SANE_DIR, write_pgm

    c = cluster
    pgm = write_pgm(name_page("Hoàng Văn Thái", dpi=150), tmp_path / "trang.pgm")
    s = Settings(
        data_dir=c.settings.data_dir,
        database_url=c.settings.database_url,
        broker_url=c.broker_url,
        broker_queue=c.queue,
        workers=1,
        scanner={
            "device": "pnm:0",
            "sane_config_dir": SANE_DIR,
            "open_timeout_s": 20,
            "default_profile": "kinh",
            "profiles": {"kinh": {"source": "auto", "resolution": 150, "options": {"filename": str(pgm)}}},
        },
    )
    c.start_worker(1)
    app = App(s)
    try:
        with ocr_behind(s) as runner:
            assert type(runner).__name__ == "CeleryRunner"
            out = run_scan(app, "kinh", device="pnm:0")
        assert out.complete and out.tally.pages == 1
        [(state, worker)] = c.q("select state, worker from jobs")
        assert state == "done" and worker.startswith("celery-") and "@" in worker  # OCR'd by the worker
        hits = search(app.db, "hoang van thai")
        assert hits and hits[0].document_id == out.results[0].document_id
    finally:
        app.close()
