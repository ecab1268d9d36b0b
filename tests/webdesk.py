"""Helpers for the web desk's tests: HTTP clients that log in, CSRF tokens read off the pages,
documents put in the database without running OCR."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from fastapi import FastAPI

from indexer import jobs, results
from indexer.results import PageOutput
from indexer.vntext import fold
from sohoa.app import App
from tests.pages import name_page, save

with warnings.catch_warnings():
    # Starlette 1.x prefers the httpx2 fork and warns when it runs on httpx; both work.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

__all__ = ["TestClient", "add_document", "client", "csrf_of", "logged_in", "login"]

PASSWORD = "mat-khau-tot-1"
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
_HX_CSRF = re.compile(r'"X-CSRF-Token": "([0-9a-f]+)"')


def client(api: FastAPI) -> TestClient:
    return TestClient(api, base_url="http://127.0.0.1", follow_redirects=False)


def csrf_of(html: str) -> str:
    m = _CSRF.search(html) or _HX_CSRF.search(html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def login(c: TestClient, username: str, password: str = PASSWORD, next_: str = "/"):  # type: ignore[no-untyped-def]
    page = c.get("/login")
    return c.post(
        "/login", data={"username": username, "password": password, "next": next_, "csrf_token": csrf_of(page.text)}
    )


def logged_in(api: FastAPI, username: str, password: str = PASSWORD) -> tuple[TestClient, str]:
    """A client with a live session, and the CSRF token of that session."""
    c = client(api)
    r = login(c, username, password)
    assert r.status_code == 303, r.text
    return c, csrf_of(c.get("/account").text)


def add_document(
    app: App, name: str, text: str | None = None, *, file: str | None = None, pdf: bool = True, ocr: bool = True
) -> int:
    """A one-page document as if scanned and OCR'd: ``text`` is its recognised text."""
    inbox = app.settings.inbox_dir
    file = file or f"{re.sub(r'[^a-z0-9]+', '-', fold(name)).strip('-') or 'trang'}.png"
    im = name_page(name)
    save(im, inbox / file)
    taken = app.intake.take(inbox / file, source="hotfolder", remove=True)
    assert taken.document_id is not None
    if not ocr:
        return taken.document_id
    [job] = [j for j in jobs.claim(app.db, "test:1", limit=50) if j.document_id == taken.document_id]
    pdf_key = None
    if pdf:
        pdf_key = app.archive_key(job.sha256, job.page_no, ".pdf")
        out: Path = app.archive_path(pdf_key)
        out.parent.mkdir(parents=True, exist_ok=True)
        im.save(out, "PDF", resolution=150)
    words = [["Họ", 95.0, 150, 160, 40, 30, 1, 1, 1], ["và", 40.0, 200, 160, 40, 30, 1, 1, 1]]
    out_ = PageOutput(
        text=text if text is not None else f"Họ và tên: {name}",
        words=words,
        mean_conf=88.0,
        rotation=0,
        skew_deg=0.0,
        blank=False,
        width=im.width,
        height=im.height,
        dpi=150,
        engine="test",
        pdf_key=pdf_key,
    )
    assert results.complete(app.db, job, "test:1", out_)
    return taken.document_id
