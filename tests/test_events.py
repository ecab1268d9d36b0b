"""Events out, with real parts: the outbox written in the transaction of what it tells (and not when
that rolls back), a real HTTP receiver (threaded ``http.server``) that checks the HMAC-SHA256
signature and fails before it succeeds, a lease that runs out after a sender died mid-way, the
``sohoa run`` sender thread, and a real Redis stream at 127.0.0.1:6379."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import select

from config import Settings
from indexer import outbox
from indexer.audit import audit
from indexer.fieldedits import confirm_all
from indexer.models import FieldValue, Page
from indexer.outbox import OutboxRow
from indexer.registers import filing
from indexer.registers.books import create_book
from sohoa.app import App
from sohoa.events import EventSender, send_due, target_of
from tests.registers_util import create_entry, dossier, make_app

SECRET = "chia-sẻ-bí-mật"


class Receiver:
    """A local webhook receiver: answers 500 to the first ``fail_first`` requests, then 204; keeps
    every request's headers and body."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.requests: list[tuple[dict[str, str], bytes, int]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = 500 if len(outer.requests) < outer.fail_first else 204
                outer.requests.append((dict(self.headers), body, status))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *a: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def delivered(self) -> list[dict[str, Any]]:
        return [json.loads(b) for _, b, st in self.requests if st == 204]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does, written here without sohoa's code."""
    msg = headers["X-Sohoa-Timestamp"].encode() + b"." + body
    want = "sha256=" + hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, headers["X-Sohoa-Signature"])


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail_first=2)
    yield r
    r.close()


def _app(tmp_path: Path, **events: Any) -> App:
    a = App(Settings(data_dir=tmp_path / "data", workers=1, **events))
    a.settings.ensure_dirs()
    return a


def _events(app: App) -> list[OutboxRow]:
    with app.db.read() as s:
        return list(s.scalars(select(OutboxRow).order_by(OutboxRow.id)))


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    yield from make_app(request, tmp_path)


def test_outbox_rows_come_with_the_change_and_only_with_it(any_db_app: App) -> None:
    app = any_db_app
    book = create_book(app.db, "khai_sinh", 2012, "01", commune="Cát Thành")
    eid = create_entry(
        app.db,
        book.id,
        {"so": "47", "nksHoTen": "Nguyễn Văn An", "nksNgaySinh": "02/03/2012", "ngayDangKy": "10/03/2012"},
        origin="legacy",
        actor="t",
    )
    doc = dossier(app, "to_khai_dang_ky_khai_sinh", {"child_name": "Nguyễn Văn An", "child_birth_date": "02/03/2012"})
    with app.db.read() as s:
        to_review = s.scalars(
            select(FieldValue.field_id).where(FieldValue.document_id == doc, FieldValue.needs_review.is_(True))
        ).all()
    kinds = [(e.kind, e.payload["document_id"]) for e in _events(app)]
    assert ("document.indexed", doc) in kinds
    indexed = next(e for e in _events(app) if e.kind == "document.indexed")
    assert indexed.payload["pages"] == 1 and indexed.payload["fields_to_review"] == len(set(to_review))
    assert (("document.needs_review", doc) in kinds) == bool(to_review)

    with app.db.read() as s:
        pages = s.scalars(select(Page.id).where(Page.document_id == doc)).all()
    for p in pages:
        confirm_all(app.db, p, actor="tiepnhan")
    filing.confirm(app.db, doc, eid, actor="tiepnhan")
    filed = [e for e in _events(app) if e.kind == "document.filed"]
    assert [f.payload | {"at": None} for f in filed][-1] == {
        "document_id": doc,
        "entry_id": eid,
        "book_key": "khai_sinh/2012/01",
        "so": "47",
        "method": "manual",
        "by": "tiepnhan",
        "at": None,
    }

    bad = app.settings.inbox_dir / "CCCD 079203001234.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    app.intake.take(bad, source="hotfolder", remove=True)
    q = [e for e in _events(app) if e.kind == "document.quarantined"]
    assert len(q) == 1 and q[0].payload["document_id"] is None and q[0].payload["arrival_id"]
    assert q[0].payload["file_name"] == "CCCD 0792******34.pdf"  # ID numbers masked as in the logs

    before = len(_events(app))
    with pytest.raises(RuntimeError), app.db.write() as s:
        audit(s, "system", "document.indexed", "document", doc, {"pages": 1})
        s.flush()
        raise RuntimeError("the change fails")
    assert len(_events(app)) == before  # rolled back with it
    assert len({e.event_id for e in _events(app)}) == before  # ids unique


def test_webhook_signed_retried_until_the_receiver_takes_it(tmp_path: Path, receiver: Receiver) -> None:
    app = _app(tmp_path, events={"webhook_url": receiver.url, "secret": SECRET, "retry_base_s": 0.2})
    target = target_of(app.settings)
    assert target is not None and target.name == "webhook"
    try:
        doc = dossier(app, "giay_khai_sinh", {"child_name": "Trần Thị Thủy"})
        assert send_due(app.db, app.settings, target) == (0, 1)  # 500: kept, retried later
        assert send_due(app.db, app.settings, target) == (0, 0)  # not yet due (backoff)
        row = next(e for e in _events(app) if e.kind == "document.indexed")
        assert row.attempts == 1 and row.delivered_at is None and row.last_error == "HTTP 500"
        time.sleep(0.25)
        assert send_due(app.db, app.settings, target) == (0, 1)  # second 500, next wait doubled
        time.sleep(0.25)
        assert send_due(app.db, app.settings, target) == (0, 0)  # 0.4 s backoff not over
        time.sleep(0.25)
        sent, failed = send_due(app.db, app.settings, target)
        assert failed == 0 and sent == len(_events(app))
        assert all(e.delivered_at is not None for e in _events(app))

        first = [h for h, b, _ in receiver.requests if json.loads(b)["type"] == "document.indexed"]
        assert len({h["X-Sohoa-Delivery"] for h in first}) == 1 and len(first) == 3  # same id on every retry
        for headers, body, _ in receiver.requests:
            assert verify(SECRET, headers, body)
            assert not verify("another secret", headers, body)
            assert not verify(SECRET, headers, body.replace(b'"document_id":', b'"document_id": '))
        got = next(d for d in receiver.delivered() if d["type"] == "document.indexed")
        assert got["data"]["document_id"] == doc and got["id"] == first[0]["X-Sohoa-Delivery"]
        assert got["at"] == got["data"]["at"] and first[0]["Content-Type"].startswith("application/json")
        assert send_due(app.db, app.settings, target) == (0, 0)  # nothing sent twice
    finally:
        target.close()
        app.close()


def test_a_sender_that_died_mid_way_is_replaced_when_its_lease_runs_out(tmp_path: Path) -> None:
    ok = Receiver()
    app = _app(tmp_path, events={"webhook_url": ok.url, "secret": SECRET})
    target = target_of(app.settings)
    assert target is not None
    try:
        dossier(app, "giay_khai_sinh", {"child_name": "Lê Văn Tám"})
        [taken] = [e for e in outbox.claim(app.db, lease_s=0.3) if e.kind == "document.indexed"]
        # … and the sender is killed here, before it sent or marked anything.
        assert send_due(app.db, app.settings, target) == (0, 0)  # leased: nobody else sends it
        time.sleep(0.35)
        assert send_due(app.db, app.settings, target) == (1, 0)
        assert [d["id"] for d in ok.delivered()] == [taken.event_id]
    finally:
        target.close()
        app.close()
        ok.close()


def test_the_run_thread_sends_as_events_happen(tmp_path: Path, receiver: Receiver) -> None:
    app = _app(tmp_path, events={"webhook_url": receiver.url, "secret": SECRET, "retry_base_s": 0.05, "poll_s": 0.05})
    sender = EventSender(app.db, app.settings).start()
    try:
        doc = dossier(app, "giay_khai_sinh", {"child_name": "Phạm Văn Đồng"})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not receiver.delivered():
            time.sleep(0.05)
        assert [d["data"]["document_id"] for d in receiver.delivered()] == [doc]
        assert len(receiver.requests) == 3  # two refusals, then taken
    finally:
        sender.stop()
        app.close()


def test_redis_stream_when_a_broker_is_configured(tmp_path: Path) -> None:
    stream = f"sohoa-test-events-{uuid.uuid4().hex[:8]}"
    url = "redis://127.0.0.1:6379/0"
    app = _app(tmp_path, broker_url=url, events={"redis_stream": stream, "secret": SECRET})
    r = redis.Redis.from_url(url)
    target = target_of(app.settings)
    assert target is not None and target.name == "redis"
    try:
        doc = dossier(app, "giay_khai_sinh", {"child_name": "Võ Thị Sáu"})
        sent, failed = send_due(app.db, app.settings, target)
        assert failed == 0 and sent >= 1
        entries = r.xrange(stream)
        assert len(entries) == sent
        fields = entries[0][1]
        body = fields[b"body"]
        want = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert fields[b"signature"].decode() == want
        doc_json = json.loads(body)
        assert doc_json["type"] == fields[b"type"].decode() == "document.indexed"
        assert doc_json["data"]["document_id"] == doc and doc_json["id"] == fields[b"id"].decode()
    finally:
        target.close()
        r.delete(stream)
        r.close()
        app.close()


def test_redis_away_is_retried(tmp_path: Path) -> None:
    app = _app(tmp_path, broker_url="redis://127.0.0.1:1/0", events={"retry_base_s": 60})
    target = target_of(app.settings)
    assert target is not None
    try:
        dossier(app, "giay_khai_sinh", {"child_name": "Đinh Bộ Lĩnh"})
        assert send_due(app.db, app.settings, target) == (0, 1)
        row = _events(app)[0]
        assert row.attempts == 1 and row.delivered_at is None and "ConnectionError" in (row.last_error or "")
    finally:
        target.close()
        app.close()


def test_a_webhook_without_a_secret_is_refused_at_start() -> None:
    from config import SettingsError, load_settings

    with pytest.raises(SettingsError, match="events"):
        load_settings(events={"webhook_url": "http://127.0.0.1:9/hook"})


def test_events_command_sends_and_counts(tmp_path: Path, receiver: Receiver) -> None:
    from tests.test_cli import sohoa

    app = _app(tmp_path)
    try:
        dossier(app, "giay_khai_sinh", {"child_name": "Hồ Xuân Hương"})
    finally:
        app.close()
    r = sohoa("events", cwd=tmp_path)
    assert r.returncode == 0 and "chưa đặt nơi nhận" in r.stdout and "Đang chờ: 1" in r.stdout
    env = {
        "SOHOA_EVENTS__WEBHOOK_URL": receiver.url,
        "SOHOA_EVENTS__SECRET": SECRET,
        "SOHOA_EVENTS__RETRY_BASE_S": "0.01",
    }
    r = sohoa("events", "--send", cwd=tmp_path, env=env)
    assert r.returncode == 1 and "1 chưa gửi được" in r.stdout  # the receiver's first answer is 500
    receiver.fail_first = 0
    time.sleep(0.05)
    r = sohoa("events", "--send", cwd=tmp_path, env=env)
    assert r.returncode == 0 and "Đang chờ: 0" in r.stdout and "đã gửi: 1" in r.stdout, r.stdout
    assert len(receiver.delivered()) == 1
