"""Login guessing is slowed down, never turned into a lockout of the right password; password
checks are capped; X-Forwarded-For is believed only from configured proxies.

Real argon2 hashes, the real SQLite database, the real desk (and a real uvicorn for the header)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from config import Settings
from indexer import accounts
from indexer.accounts import LoginPolicy, LoginResult
from indexer.models import LoginAttempt
from sohoa.app import App
from sohoa.web import create_app
from sohoa.web.security import SESSION_COOKIE
from tests.webdesk import PASSWORD, client, csrf_of, login

POLICY = LoginPolicy(5, 20, timedelta(minutes=15))


def _attempt_ips(app: App) -> list[str]:
    with app.db.read() as s:
        return list(s.scalars(select(LoginAttempt.ip).order_by(LoginAttempt.id)))


def test_failures_slow_down_and_the_right_password_still_gets_in(app: App) -> None:
    accounts.create_user(app.db, "quantri", PASSWORD, "admin")
    c = client(create_app(app))
    for _ in range(5):
        assert login(c, "quantri", "doan-sai").status_code == 401
    r = login(c, "quantri")  # straight after the 5th failure: wait a moment
    assert r.status_code == 429 and 1 <= int(r.headers["Retry-After"]) <= 3
    assert login(c, "quantri", "doan-sai").status_code == 429  # not even checked
    time.sleep(int(r.headers["Retry-After"]) + 0.2)
    assert login(c, "quantri", "doan-sai-nua").status_code == 401  # checked again, after the pause
    r = login(c, "quantri")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 3  # the pause doubles
    time.sleep(int(r.headers["Retry-After"]) + 0.2)
    r = login(c, "quantri")  # after 6 failures in 15 minutes, the admin still gets in
    assert r.status_code == 303 and SESSION_COOKIE in c.cookies


def test_concurrent_guesses_at_one_account_are_not_all_checked(app: App) -> None:
    accounts.create_user(app.db, "quantri", PASSWORD, "admin")
    results: list[LoginResult] = []
    start = threading.Barrier(20)

    def guess(i: int) -> None:
        start.wait()
        r = accounts.login(
            app.db, "quantri", f"sai-{i}", "10.0.0.9", "t", policy=POLICY, session_lifetime=timedelta(hours=1)
        )
        results.append(r.result)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    checked = len(_attempt_ips(app))
    assert results.count(LoginResult.BAD_CREDENTIALS) == checked
    assert 1 <= checked <= 5, results
    assert results.count(LoginResult.LIMITED) == 20 - checked


def test_password_checks_at_once_are_capped(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(12):
        accounts.create_user(app.db, f"user{i}", PASSWORD, "clerk")
    now, peak = [0], [0]
    lock = threading.Lock()
    real_verify = accounts._verify

    def counting_verify(h: str, pw: str) -> bool:  # the real argon2 check, counted
        with lock:
            now[0] += 1
            peak[0] = max(peak[0], now[0])
        try:
            return real_verify(h, pw)
        finally:
            with lock:
                now[0] -= 1

    monkeypatch.setattr(accounts, "_verify", counting_verify)
    policy = LoginPolicy(5, 100, timedelta(minutes=15), max_concurrent_checks=3)
    start = threading.Barrier(12)
    results: list[LoginResult] = []

    def one(i: int) -> None:
        start.wait()
        r = accounts.login(app.db, f"user{i}", "sai", f"10.0.1.{i}", "t", policy=policy, session_lifetime=timedelta(1))
        results.append(r.result)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert 1 <= peak[0] <= 3
    assert len(results) == 12


def _post_login(base: str, forwarded_for: str) -> None:
    with httpx.Client(base_url=base, follow_redirects=False) as h:
        page = h.get("/login")
        r = h.post(
            "/login",
            data={"username": "quantri", "password": "sai", "next": "/", "csrf_token": csrf_of(page.text)},
            headers={"X-Forwarded-For": forwarded_for},
        )
        assert r.status_code in (401, 429)


@pytest.mark.parametrize("trusted", [[], ["127.0.0.1"]])
def test_x_forwarded_for_is_believed_only_from_configured_proxies(tmp_path, trusted: list[str]) -> None:  # type: ignore[no-untyped-def]
    from sohoa.web.server import DeskServer

    s = Settings(data_dir=tmp_path / "data", workers=1)
    s.web.trusted_proxies = trusted
    app = App(s)
    accounts.create_user(app.db, "quantri", PASSWORD, "admin")
    desk = DeskServer(app, host="127.0.0.1", port=0)
    assert desk.start()
    try:
        _post_login(f"http://127.0.0.1:{desk.port}", "203.0.113.7")
    finally:
        desk.stop()
        app.close()
    assert _attempt_ips(app) == (["203.0.113.7"] if trusted else ["127.0.0.1"])
