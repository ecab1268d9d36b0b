"""Helpers for the register tests: an app on SQLite or PostgreSQL, dossier documents with fields
stored through the real intake → queue → ``results.complete`` path (so filing runs as it does in
production), without OCR."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config import Settings
from indexer import jobs, results
from indexer.db import Database
from indexer.fields import DocumentReading, FieldReading
from indexer.registers.entries import create_entry_in
from indexer.results import PageOutput
from sohoa.app import App
from tests.pages import name_page, save

_n = itertools.count(1)


def create_entry(db: Database, book_id: int, data: dict[str, Any], **kw: Any) -> int:
    """A new register entry in a transaction of its own (the app creates entries inside the
    transaction of what makes them: ``indexer.registers.digitise``, ``indexer.registers.filing``)."""
    with db.write() as s:
        return create_entry_in(s, book_id, data, **kw).id


def make_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    a = App(Settings(data_dir=tmp_path / "data", database_url=url, workers=1))
    a.settings.ensure_dirs()
    yield a
    a.close()


def output(reading: DocumentReading | None, *, text: str = "x", width: int = 1000, height: int = 700) -> PageOutput:
    return PageOutput(
        text=text,
        words=[],
        mean_conf=90.0,
        rotation=0,
        skew_deg=0.0,
        blank=False,
        width=width,
        height=height,
        dpi=150,
        engine="test",
        reading=reading,
    )


def reading(doc_type: str, fields: dict[str, str], confirmed: bool = False) -> DocumentReading:
    r = DocumentReading(doc_type, 1.0, doc_type)
    r.fields = {k: FieldReading(k, v, v, confidence=0.9) for k, v in fields.items()}
    return r


def take_image(app: App, label: str) -> int:
    """A new document (one page) in the store; returns its id."""
    path = save(name_page(f"{label} {next(_n)}"), app.settings.inbox_dir / f"doc-{next(_n)}.png")
    res = app.intake.take(path, source="import", remove=True)
    assert res.document_id is not None
    return res.document_id


def dossier(app: App, doc_type: str, fields: dict[str, str]) -> int:
    """A dossier document whose page was read with these fields: stored by ``results.complete``
    (which files it). Returns the document id."""
    doc = take_image(app, "Hồ sơ")
    [job] = [j for j in jobs.claim(app.db, "host:1", limit=50) if j.document_id == doc]
    assert results.complete(app.db, job, "host:1", output(reading(doc_type, fields)))
    return doc
