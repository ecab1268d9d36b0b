"""Every endpoint of ``/api/v1`` with every role, refusals included, against a real SQLite database:
uploads through the real intake (a dossier of several files, a multi-page TIFF, a bad file
quarantined), a document polled to its pages and text, fields corrected and confirmed through the
desk's code (history in the audit trail), filing behind the desk's gate, search, books and entries
corrected by the desk's rule, quarantine and status — each answer or refusal in its documented shape."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from indexer.audit import AuditFilter, audit_page
from indexer.models import Arrival, FieldValue, RegisterEntry
from indexer.registers.books import create_book
from sohoa.app import App
from tests.apiutil import ROLES, Api, error_of, make_api
from tests.pages import name_page
from tests.registers_util import create_entry, dossier
from tests.webdesk import add_document

DECLARATION = {"child_name": "PHAM MINH KHOA", "child_birth_date": "01/05/2024", "mother_name": "Võ Thị Tuyết"}


@pytest.fixture
def api(app: App) -> Api:
    return make_api(app)


def _png(text: str) -> bytes:
    buf = io.BytesIO()
    name_page(text).save(buf, "PNG")
    return buf.getvalue()


def _tiff(pages: int) -> bytes:
    buf = io.BytesIO()
    frames = [name_page(f"TRANG {i}") for i in range(1, pages + 1)]
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:], compression="tiff_lzw")
    return buf.getvalue()


def test_upload_takes_files_through_the_intake_and_quarantines_bad_ones(api: Api) -> None:
    files = [
        ("files", ("to-khai.png", _png("NGUYỄN VĂN AN"), "image/png")),
        ("files", ("../../etc/cccd.png", _png("TRẦN THỊ BÌNH"), "image/png")),
        ("files", ("hong.jpg", b"\xff\xd8\xff\xe0 khong phai anh", "image/jpeg")),
    ]
    r = api.c.post("/api/v1/documents", files=files, headers=api.h("clerk"))
    assert r.status_code == 201, r.text
    body = r.json()
    docs = body["documents"]
    assert [d["outcome"] for d in docs] == ["new", "new", "quarantined"]
    assert [d["file"] for d in docs] == ["to-khai.png", "cccd.png", "hong.jpg"]  # no path from the client kept
    assert all(d["state"] == "captured" for d in docs[:2]) and docs[2]["document_id"] is None
    assert docs[2]["quarantine"] == {"reason": "corrupt_image", "message": "Ảnh bị hỏng, không giải mã được."}
    with api.app.db.read() as s:
        metas = [a.meta for a in s.scalars(select(Arrival).where(Arrival.source == "api").order_by(Arrival.id))]
    assert {m["dossier"] for m in metas} == {body["dossier"]} and {m["user"] for m in metas} == {"tiepnhan"}
    assert not any((api.app.settings.data_dir / "uploads" / "api").rglob("*.*"))  # nothing left staged
    # The same content again is the first document; a multi-page TIFF is one document of its pages.
    again = api.c.post("/api/v1/documents", files=[("files", ("lai.png", files[0][1][1]))], headers=api.h("admin"))
    assert again.status_code == 201 and again.json()["documents"][0]["outcome"] == "duplicate"
    assert again.json()["documents"][0]["document_id"] == docs[0]["document_id"]
    tif = api.c.post("/api/v1/documents", files=[("files", ("bo-ho-so.tif", _tiff(3)))], headers=api.h("clerk")).json()
    doc = api.c.get(f"/api/v1/documents/{tif['documents'][0]['document_id']}", headers=api.h("archivist")).json()
    assert doc["page_count"] == 3 and [p["page_no"] for p in doc["pages"]] == [1, 2, 3]
    assert {p["job_state"] for p in doc["pages"]} == {"queued"} and doc["state"] == "captured"
    q = api.c.get("/api/v1/quarantine", headers=api.h("archivist")).json()
    assert q["total"] == 1 and q["files"][0]["file_name"] == "hong.jpg"
    # Archivists digitise books; dossiers come in at the counter.
    error_of(api.c.post("/api/v1/documents", files=files[:1], headers=api.h("archivist")), 403, "forbidden")
    error_of(api.c.post("/api/v1/documents", headers=api.h("clerk")), 422, "invalid_request")


def test_a_document_is_polled_to_its_pages_and_text(api: Api) -> None:
    doc = add_document(api.app, "NGUYỄN THỊ HOA")
    waiting = add_document(api.app, "LÊ VĂN TÁM", ocr=False)
    for role in ROLES:
        d = api.c.get(f"/api/v1/documents/{doc}", headers=api.h(role)).json()
        assert d["state"] == "indexed" and d["pages"][0]["state"] == "indexed" and d["created_at"].endswith("Z")
    t = api.c.get(f"/api/v1/documents/{doc}/text", headers=api.h("clerk")).json()
    assert t["pages"] == [{"page_no": 1, "state": "indexed", "text": "Họ và tên: NGUYỄN THỊ HOA"}]
    assert api.c.get(f"/api/v1/documents/{waiting}", headers=api.h("clerk")).json()["state"] == "captured"
    e = error_of(api.c.get("/api/v1/documents/424242", headers=api.h("clerk")), 404, "not_found")
    assert "424242" in e["message"]
    error_of(api.c.get("/api/v1/documents/424242/text", headers=api.h("clerk")), 404, "not_found")
    error_of(api.c.get("/api/v1/documents/abc", headers=api.h("clerk")), 422, "invalid_request")
    error_of(api.c.get("/api/v1/khong-co", headers=api.h("clerk")), 404, "not_found")
    error_of(api.c.delete(f"/api/v1/documents/{doc}", headers=api.h("admin")), 405, "method_not_allowed")


def test_other_software_polls_the_documents_that_changed_page_by_page(api: Api) -> None:
    from indexer.models import Document

    docs = [add_document(api.app, name, ocr=False) for name in ("AN", "BÌNH", "CHI")]
    seen: list[int] = []
    cursor = None
    for _ in range(5):
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        r = api.c.get("/api/v1/documents", params=params, headers=api.h("clerk")).json()
        seen += [d["id"] for d in r["documents"]]
        cursor = r["next_cursor"]
        if not r["more"]:
            break
    assert seen == docs and cursor  # every document once, in the order it changed
    idle = api.c.get("/api/v1/documents", params={"cursor": cursor}, headers=api.h("clerk")).json()
    assert idle == {"documents": [], "next_cursor": cursor, "more": False}  # nothing new: same cursor back
    with api.app.db.write() as s:  # a document changes again: it comes after the cursor once more
        d = s.get(Document, docs[0])
        assert d is not None
        d.state = "failed"
    again = api.c.get("/api/v1/documents", params={"cursor": cursor}, headers=api.h("clerk")).json()
    assert [d["id"] for d in again["documents"]] == [docs[0]] and again["documents"][0]["state"] == "failed"
    error_of(api.c.get("/api/v1/documents", params={"cursor": "xx"}, headers=api.h("clerk")), 422, "invalid_request")


def test_fields_are_corrected_and_confirmed_through_the_desks_code(api: Api) -> None:
    doc = dossier(api.app, "to_khai_dang_ky_khai_sinh", {**DECLARATION, "mother_id_number": "001203004567"})
    fields = api.c.get(f"/api/v1/documents/{doc}/fields", headers=api.h("archivist")).json()["fields"]
    by_id = {f["field_id"]: f for f in fields}
    assert by_id["child_name"]["value"] == "PHAM MINH KHOA" and by_id["child_name"]["printed"] == "PHAM MINH KHOA"
    assert by_id["child_name"]["confirmed_by"] is None and by_id["child_name"]["page_no"] == 1
    assert {"label", "normalized", "parsed", "confidence", "flags", "needs_review", "corrected_from"} <= set(
        by_id["child_name"]
    )
    url = f"/api/v1/documents/{doc}/pages/1/fields"
    r = api.c.put(f"{url}/child_name", json={"value": "PHẠM MINH KHOA"}, headers=api.h("clerk"))
    assert r.status_code == 200 and r.json()["changed"] and r.json()["confirmed_by"] is None
    r = api.c.put(f"{url}/child_name", json={"confirm": True}, headers=api.h("clerk"))
    assert r.json()["value"] == "PHẠM MINH KHOA" and r.json()["confirmed_by"] == "tiepnhan"
    assert r.json()["changed"] is False and r.json()["confirmed_at"]
    r = api.c.put(
        f"{url}/mother_id_number", json={"value": "001203004568", "confirm": True}, headers=api.h("archivist")
    )
    assert r.json()["confirmed_by"] == "luutru"
    with api.app.db.read() as s:
        f = s.scalars(
            select(FieldValue).where(FieldValue.document_id == doc, FieldValue.field_id == "child_name")
        ).one()
        assert (f.value, f.confirmed_value, f.confirmed_by) == ("PHAM MINH KHOA", "PHẠM MINH KHOA", "tiepnhan")
    trail = audit_page(api.app.db, AuditFilter(action="field.", object_type="document", object_id=str(doc)))[0]
    assert [(x.actor, x.action, x.detail["field"]) for x in trail] == [
        ("luutru", "field.confirm", "mother_id_number"),
        ("luutru", "field.edit", "mother_id_number"),
        ("tiepnhan", "field.confirm", "child_name"),
        ("tiepnhan", "field.edit", "child_name"),
    ]
    assert "001203004568" not in str([x.detail for x in trail])
    n = api.c.post(f"{url}/confirm-all", headers=api.h("admin")).json()["confirmed"]
    assert n == 2  # the birth date and the mother's name
    error_of(api.c.put(f"{url}/khong_co", json={"value": "x"}, headers=api.h("clerk")), 404, "field_not_found")
    error_of(
        api.c.put(f"/api/v1/documents/{doc}/pages/9/fields/child_name", json={}, headers=api.h("clerk")),
        404,
        "not_found",
    )
    error_of(api.c.put(f"{url}/child_name", json={"value": 5}, headers=api.h("clerk")), 422, "invalid_request")
    error_of(api.c.get("/api/v1/documents/999/fields", headers=api.h("clerk")), 404, "not_found")
    waiting = add_document(api.app, "LÊ VĂN TÁM", ocr=False)
    error_of(
        api.c.post(f"/api/v1/documents/{waiting}/pages/1/fields/confirm-all", headers=api.h("clerk")), 409, "not_ready"
    )


@pytest.fixture
def book(app: App) -> int:
    b = create_book(app.db, "khai_sinh", 2024, "01", commune="Cát Thành")
    create_entry(
        app.db,
        b.id,
        {"so": "1", "nksHoTen": "Trần Thị Lan", "nksNgaySinh": "05/04/2024", "ngayDangKy": "10/05/2024"},
        origin="legacy",
        actor="t",
    )
    return b.id


def test_filing_goes_through_the_desks_gate(api: Api, book: int) -> None:
    doc = dossier(api.app, "trich_luc_khai_sinh", {"child_name": "Trần Thị Lan", "child_birth_date": "05/04/2024"})
    f = api.c.get(f"/api/v1/documents/{doc}/filing", headers=api.h("archivist")).json()
    assert f["book_type"] == "khai_sinh" and f["proposals"][0]["entry_id"] == 1 and f["linked_entry_id"] is None
    assert [t["field_id"] for t in f["to_confirm"]] == ["child_name", "child_birth_date"]
    url = f"/api/v1/documents/{doc}/filing"
    error_of(api.c.post(f"{url}/confirm", json={"entry_id": 1}, headers=api.h("archivist")), 403, "forbidden")
    e = error_of(api.c.post(f"{url}/confirm", json={"entry_id": 1}, headers=api.h("clerk")), 409, "fields_unconfirmed")
    assert "còn 2 trường chưa được xác nhận" in e["message"] and [d["field_id"] for d in e["details"]] == [
        "child_name",
        "child_birth_date",
    ]
    api.c.post(f"/api/v1/documents/{doc}/pages/1/fields/confirm-all", headers=api.h("clerk"))
    r = api.c.post(f"{url}/confirm", json={"entry_id": 1}, headers=api.h("clerk"))
    assert r.status_code == 200 and r.json()["filing"]["linked_entry_id"] == 1 and r.json()["filing"]["undo_until"]
    entry = api.c.get("/api/v1/entries/1", headers=api.h("clerk")).json()
    assert entry["documents"] == [{"document_id": doc, "state": "linked"}]
    r = api.c.post(f"{url}/undo", headers=api.h("admin"))
    assert r.status_code == 200 and r.json()["filing"]["linked_entry_id"] is None
    e = error_of(api.c.post(f"{url}/undo", headers=api.h("clerk")), 409, "register_refused")
    assert "không có gì để hủy" in e["message"]
    r = api.c.post(f"{url}/reject", json={"entry_id": 1}, headers=api.h("clerk"))
    assert r.json()["filing"]["proposals"][0]["state"] == "rejected"
    acts = [x.action for x in audit_page(api.app.db, AuditFilter(action="filing."))[0]]
    assert acts == ["filing.reject", "filing.undo", "filing.link"]
    error_of(api.c.post(f"{url}/confirm", json={}, headers=api.h("clerk")), 422, "invalid_request")
    error_of(api.c.get("/api/v1/documents/999/filing", headers=api.h("clerk")), 404, "not_found")
    error_of(api.c.post("/api/v1/documents/999/filing/create", headers=api.h("clerk")), 404, "not_found")


def test_a_new_entry_is_made_only_from_confirmed_fields_in_an_open_book(api: Api) -> None:
    doc = dossier(api.app, "to_khai_dang_ky_khai_sinh", DECLARATION)
    url = f"/api/v1/documents/{doc}/filing/create"
    error_of(api.c.post(url, headers=api.h("clerk")), 409, "fields_unconfirmed")
    api.c.post(f"/api/v1/documents/{doc}/pages/1/fields/confirm-all", headers=api.h("clerk"))
    e = error_of(api.c.post(url, headers=api.h("clerk")), 409, "no_open_book")
    assert "báo người quản trị" in e["message"]
    create_book(api.app.db, "khai_sinh", 2026, "01", commune="Cát Thành")
    create_book(api.app.db, "khai_sinh", 2024, "01", commune="Cát Thành")
    r = api.c.post(url, headers=api.h("clerk"))
    assert r.status_code == 200, r.text
    new = r.json()["filing"]["linked_entry_id"]
    entry = api.c.get(f"/api/v1/entries/{new}", headers=api.h("archivist")).json()
    assert entry["name"] == "PHAM MINH KHOA" and entry["origin"] == "desk" and entry["created_by"] == "tiepnhan"
    assert entry["history"][0]["kind"] == "create"


def test_books_and_entries_are_read_and_corrected_by_the_desks_rule(api: Api, book: int) -> None:
    for role in ROLES:
        books = api.c.get("/api/v1/books", headers=api.h(role)).json()
        assert [(b["key"], b["entries"], b["commune"]) for b in books] == [("khai_sinh/2024/01", 1, "Cát Thành")]
    assert api.c.get("/api/v1/books", params={"year": 1999}, headers=api.h("clerk")).json() == []
    error_of(api.c.get("/api/v1/books", params={"type": "khong_co"}, headers=api.h("clerk")), 422, "invalid_request")
    b = api.c.get(f"/api/v1/books/{book}", headers=api.h("clerk")).json()
    assert b["type_label"] == "Sổ đăng ký khai sinh" and b["verified"] == 0
    error_of(api.c.get("/api/v1/books/77", headers=api.h("clerk")), 404, "not_found")
    lst = api.c.get(f"/api/v1/books/{book}/entries", headers=api.h("clerk")).json()
    assert lst["total"] == 1 and lst["entries"][0]["name"] == "Trần Thị Lan"
    assert (
        api.c.get(f"/api/v1/books/{book}/entries", params={"status": "verified"}, headers=api.h("clerk")).json()[
            "total"
        ]
        == 0
    )
    error_of(api.c.get("/api/v1/books/77/entries", headers=api.h("clerk")), 404, "not_found")
    url = "/api/v1/entries/1"
    error_of(api.c.patch(url, json={"changes": {"nksHoTen": "Trần Thị Lân"}}, headers=api.h("clerk")), 403, "forbidden")
    r = api.c.patch(
        url, json={"changes": {"nksHoTen": "Trần Thị Lân"}, "reason": "sổ gốc ghi Lân"}, headers=api.h("archivist")
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["changed"] == ["nksHoTen"] and out["verified_now"] and out["entry"]["status"] == "verified"
    change = next(h for h in out["entry"]["history"] if h["kind"] == "correction")
    assert (change["old"], change["new"], change["reason"], change["actor"]) == (
        "Trần Thị Lan",
        "Trần Thị Lân",
        "sổ gốc ghi Lân",
        "luutru",
    )
    # Required columns emptied: verified only with a reason, as on the desk.
    e = error_of(
        api.c.patch(url, json={"changes": {"nksNgaySinh": ""}}, headers=api.h("admin")), 409, "register_refused"
    )
    assert "Mục còn thiếu" in e["message"]
    with api.app.db.read() as s:
        assert s.get(RegisterEntry, 1).data["nksNgaySinh"] == "05/04/2024"  # nothing written
    r = api.c.patch(url, json={"changes": {"nksNgaySinh": ""}, "reason": "sổ gốc để trống"}, headers=api.h("admin"))
    assert r.json()["missing"] == ["Ngày, tháng, năm sinh"] and r.json()["entry"]["status"] == "verified"
    e = error_of(
        api.c.patch(url, json={"changes": {"khongCo": "x"}, "verify": False}, headers=api.h("admin")),
        409,
        "register_refused",
    )
    assert "không có trường «khongCo»" in e["message"]
    error_of(api.c.patch("/api/v1/entries/99", json={}, headers=api.h("admin")), 404, "not_found")
    error_of(api.c.get("/api/v1/entries/99", headers=api.h("clerk")), 404, "not_found")
    acts = [x.action for x in audit_page(api.app.db, AuditFilter(object_type="register_entry"))[0]]
    assert acts == [
        "entry.verify_incomplete",
        "entry.verify",
        "entry.correction",
        "entry.verify",
        "entry.correction",
        "entry.create",
    ]


def test_search_finds_people_and_pages(api: Api, book: int) -> None:
    add_document(api.app, "TRẦN THỊ LAN", text="Giấy xác nhận: Trần Thị Lan, sinh năm 2024")
    for role in ROLES:
        r = api.c.get("/api/v1/search", params={"q": "tran thi lan"}, headers=api.h(role))
        assert r.status_code == 200
        body = r.json()
        assert body["people"][0]["name"] == "Trần Thị Lan" and body["people"][0]["entry_id"] == 1
        assert body["pages"][0]["snippet"] and body["pages"][0]["document_id"]
    only_people = api.c.get(
        "/api/v1/search", params={"q": "Trần Thị Lan", "pages": "false", "born": "2024"}, headers=api.h("clerk")
    )
    assert only_people.json()["pages"] == [] and "năm sinh" in only_people.json()["people"][0]["matched"]
    error_of(api.c.get("/api/v1/search", headers=api.h("clerk")), 422, "invalid_request")
    error_of(
        api.c.get("/api/v1/search", params={"q": "x", "limit": 1000}, headers=api.h("clerk")), 422, "invalid_request"
    )


def test_status_for_every_role(api: Api) -> None:
    add_document(api.app, "NGUYỄN VĂN AN")
    for role in ROLES:
        st = api.c.get("/api/v1/status", headers=api.h(role)).json()
        assert st["documents"] == {"indexed": 1} and st["pages_indexed"] == 1 and st["quarantine_total"] == 0
