"""A page's reading is stored with the page, in the same transaction, on SQLite and PostgreSQL;
the document's type is its first non-blank page's type."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from config import Settings
from indexer import jobs, results
from indexer.fields import DocumentReading, FieldReading
from indexer.fieldstore import document_fields
from indexer.models import Document, FieldValue
from indexer.results import PageOutput
from sohoa.app import App
from tests.pages import name_page


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    a = App(Settings(data_dir=tmp_path / "data", database_url=url, workers=1))
    a.settings.ensure_dirs()
    yield a
    a.close()


def _output(reading: DocumentReading | None, blank: bool = False) -> PageOutput:
    return PageOutput(
        text="x",
        words=[],
        mean_conf=90.0,
        rotation=0,
        skew_deg=0.0,
        blank=blank,
        width=100,
        height=100,
        dpi=150,
        engine="test",
        reading=reading,
    )


def test_fields_are_stored_with_the_page_and_the_document_gets_its_type(any_app: App) -> None:
    pages = [name_page("Trang Trắng"), name_page("Nguyễn Văn An")]
    path = any_app.settings.inbox_dir / "two.pdf"
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=150)
    any_app.intake.take(path, source="import", remove=True)
    claimed = jobs.claim(any_app.db, "host:1", limit=2)
    by_page = {j.page_no: j for j in claimed}
    reading = DocumentReading("to_khai_dang_ky_khai_sinh", 1.0, "TỜ KHAI ĐĂNG KÝ KHAI SINH")
    f = FieldReading("child_name", "TRẤN VĂN AN", "TRẦN VĂN AN", confidence=0.7, boxes=[(1, 2, 3, 4)])
    f.corrected_from, f.corrections = "TRẤN VĂN AN", ["TRẤN → TRẦN (danh mục tên)"]
    f.review("độ tin cậy thấp")
    reading.fields = {
        "child_name": f,
        "child_sex": FieldReading("child_sex", "Nam", "Nam", normalized="Nam", confidence=0.95),
    }
    # page 2 (the form) finishes first; page 1 (blank) later: the form still names the document
    assert results.complete(any_app.db, by_page[2], "host:1", _output(reading))
    assert results.complete(any_app.db, by_page[1], "host:1", _output(DocumentReading("trang_trang"), blank=True))
    with any_app.db.read() as s:
        doc = s.scalars(select(Document)).one()
        assert doc.doc_type == "to_khai_dang_ky_khai_sinh"
        rows = {r.field_id: r for r in s.scalars(select(FieldValue))}
    assert rows["child_name"].value == "TRẦN VĂN AN" and rows["child_name"].raw_value == "TRẤN VĂN AN"
    assert rows["child_name"].corrected_from == "TRẤN VĂN AN" and "danh mục" in rows["child_name"].correction_reason
    assert rows["child_name"].needs_review and rows["child_name"].review_reasons == ["độ tin cậy thấp"]
    assert rows["child_name"].boxes == [[1, 2, 3, 4]] and not rows["child_sex"].needs_review
    shown = document_fields(any_app.db, doc.id)
    assert shown is not None and [f.field_id for f in shown.fields] == ["child_name", "child_sex"]
    assert shown.page_types == [(1, "trang_trang"), (2, "to_khai_dang_ky_khai_sinh")]


def test_a_page_without_a_reading_is_still_indexed(any_app: App) -> None:
    p = any_app.settings.inbox_dir / "a.png"
    name_page("Lê Văn Tám").save(p)
    any_app.intake.take(p, source="import", remove=True)
    [job] = jobs.claim(any_app.db, "host:1")
    assert results.complete(any_app.db, job, "host:1", _output(None))
    with any_app.db.read() as s:
        assert s.scalars(select(Document)).one().doc_type is None
        assert s.scalars(select(FieldValue)).all() == []
