"""A field whose value is handwritten: marked "viết tay — cần nhập" by the words the OCR stage set
aside as handwriting, and shown on the desk with its image crop beside the input (audited as a
view of the page). Invented people; hand-built readings (the OCR side is tested in ocr tests)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import select

from indexer import accounts, jobs, results
from indexer.audit import AuditFilter, audit_page
from indexer.fields import DocumentReading, FieldReading
from indexer.fields.handwriting import HANDWRITTEN, handwriting_boxes, mark_handwritten
from indexer.models import FieldValue
from sohoa.app import App
from sohoa.web import create_app
from tests.registers_util import output, take_image
from tests.webdesk import PASSWORD, logged_in


def _reading() -> DocumentReading:
    r = DocumentReading("to_khai_dang_ky_khai_sinh")
    r.fields = {
        "child_name": FieldReading("child_name", "N LI T HA", "N LI T HA", confidence=0.3, boxes=[(300, 200, 260, 40)]),
        "mother_name": FieldReading(
            "mother_name", "TRẦN THỊ HOA", "TRẦN THỊ HOA", confidence=0.9, boxes=[(300, 260, 220, 30)]
        ),
    }
    return r


ASIDE = [
    {"text": "N«„", "reason": "handwriting", "left": 310, "top": 198, "width": 90, "height": 44},
    {"text": "·", "reason": "junk", "left": 320, "top": 262, "width": 6, "height": 6},
]


def test_a_field_holding_a_handwritten_word_is_marked_and_its_reading_kept() -> None:
    r = _reading()
    assert mark_handwritten(r, handwriting_boxes(ASIDE)) == ["child_name"]
    f = r.fields["child_name"]
    assert f.needs_review and HANDWRITTEN in f.review_reasons and f.value == "N LI T HA"
    assert not r.fields["mother_name"].needs_review  # a junk speck over a printed value is not handwriting
    assert mark_handwritten(_reading(), []) == []


def test_the_desk_shows_the_handwritten_value_cropped_from_the_page(app: App) -> None:
    doc = take_image(app, "Tờ khai viết tay")
    [job] = [j for j in jobs.claim(app.db, "host:1", limit=50) if j.document_id == doc]
    r = _reading()
    mark_handwritten(r, handwriting_boxes(ASIDE))
    assert results.complete(app.db, job, "host:1", output(r, width=1000, height=700))
    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk")
    desk: FastAPI = create_app(app)
    c, _ = logged_in(desk, "tiepnhan")

    page = c.get(f"/documents/{doc}").text
    assert HANDWRITTEN in page
    assert f'src="/documents/{doc}/pages/1/fields/child_name/crop.jpg"' in page
    assert "/fields/mother_name/crop.jpg" not in page

    crop = c.get(f"/documents/{doc}/pages/1/fields/child_name/crop.jpg")
    assert crop.status_code == 200 and crop.headers["content-type"] == "image/jpeg" and crop.content[:2] == b"\xff\xd8"
    assert c.get(f"/documents/{doc}/pages/1/fields/khong_co/crop.jpg").status_code == 404
    assert c.get(f"/documents/{doc}/pages/9/fields/child_name/crop.jpg").status_code == 404
    rows, _ = audit_page(app.db, AuditFilter(action="page.image"), limit=50)
    assert any((r.detail or {}).get("field") == "child_name" for r in rows)
    with app.db.read() as s:
        v = s.scalars(
            select(FieldValue).where(FieldValue.document_id == doc, FieldValue.field_id == "child_name")
        ).one()
        assert HANDWRITTEN in v.review_reasons


def test_an_unsure_word_much_taller_than_the_print_is_set_aside_as_handwriting() -> None:
    from ocr.doubt import set_aside
    from ocr.types import Word

    printed = [
        Word(t, 95.0, 100 + 80 * i, 100, 70, 30, 1, 1, 1)
        for i, t in enumerate(["Họ", "chữ", "đệm", "tên", "người", "yêu", "cầu"])
    ]
    pen = Word("N«„", 2.4, 620, 90, 95, 62, 1, 1, 1)  # a cursive capital read as junk, twice the print's height
    speck = Word("t", 48.0, 810, 110, 28, 16, 1, 1, 1)
    heading = Word("KHAI", 96.0, 100, 40, 200, 64, 1, 1, 1)  # tall but read surely: print
    kept, aside = set_aside([*printed, pen, speck, heading])
    reasons = {a.word.text: a.reason for a in aside}
    assert reasons == {"N«„": "handwriting", "t": "junk"}
    assert heading in kept and all(w in kept for w in printed)
