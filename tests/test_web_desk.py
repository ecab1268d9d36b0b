"""The desk's working parts over HTTP: fields corrected as the clerk types and confirmed with
Enter (audited, old and new value, personal IDs masked), filing a dossier to a register entry,
register books (progress, page-by-page verification), the Scan button and the scanner's state —
and who may do what: anonymous nothing, no post without its CSRF token, clerks file but do not
verify books, archivists verify books but do not file, admins do both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from PIL import Image
from sqlalchemy import select

from indexer import accounts
from indexer.audit import AuditFilter, audit_page
from indexer.models import FieldValue, Page, RegisterFiling, ScanBatch
from indexer.registers.books import create_book
from indexer.registers.digitise import attach_documents
from indexer.registers.entries import Region, get_entry
from sohoa.app import App
from sohoa.web import create_app
from tests.registers_util import create_entry, dossier
from tests.webdesk import PASSWORD, TestClient, add_document, client, logged_in

HX = {"HX-Request": "true"}


@pytest.fixture
def desk(app: App) -> FastAPI:
    for username, role in (("quantri", "admin"), ("tiepnhan", "clerk"), ("luutru", "archivist")):
        accounts.create_user(app.db, username, PASSWORD, role)
    return create_app(app)


@pytest.fixture
def clerk(desk: FastAPI) -> tuple[TestClient, str]:
    return logged_in(desk, "tiepnhan")


@pytest.fixture
def archivist(desk: FastAPI) -> tuple[TestClient, str]:
    return logged_in(desk, "luutru")


@pytest.fixture
def admin(desk: FastAPI) -> tuple[TestClient, str]:
    return logged_in(desk, "quantri")


@pytest.fixture
def book(app: App) -> Iterator[int]:
    b = create_book(app.db, "khai_sinh", 2024, "01", commune="Cát Thành", expected_pages=3)
    for so, name, born, mother in (
        ("1", "Nguyễn Văn Trường", "02/03/2024", "Lê Thị Hoa"),
        ("2", "Trần Thị Lan", "05/04/2024", "Phạm Thị Mai"),
    ):
        create_entry(
            app.db,
            b.id,
            {"so": so, "nksHoTen": name, "nksNgaySinh": born, "meHoTen": mother, "ngayDangKy": "10/05/2024"},
            origin="legacy",
            actor="t",
        )
    yield b.id


def _audit(app: App, **flt: str) -> list:  # type: ignore[type-arg]
    rows, _ = audit_page(app.db, AuditFilter(**flt), limit=1000)
    return rows


def _field(app: App, doc: int, field_id: str) -> FieldValue:
    with app.db.read() as s:
        f = s.scalar(select(FieldValue).where(FieldValue.document_id == doc, FieldValue.field_id == field_id))
        assert f is not None
        return f


def _declaration(app: App, name: str = "NGUYEN VAN TRUONG", **more: str) -> int:
    return dossier(
        app,
        "to_khai_dang_ky_khai_sinh",
        {"child_name": name, "child_birth_date": "02/03/2024", "mother_name": "Le Thi Hoa", **more},
    )


# -- fields: typed, saved, confirmed ---------------------------------------------------------------


def test_fields_are_inputs_in_tab_order_with_enter_to_confirm(clerk: tuple[TestClient, str], app: App) -> None:
    c, _ = clerk
    doc = _declaration(app)
    r = c.get(f"/documents/{doc}")
    assert r.status_code == 200
    html = r.text
    # One form per field: its input saves as the clerk types (after a pause, or on leaving the field);
    # Enter submits the form, which confirms. The buttons are out of the Tab order: Tab goes field to field.
    assert f'hx-post="/documents/{doc}/pages/1/fields/child_name/confirm"' in html
    assert 'hx-trigger="input changed delay:500ms, change"' in html
    read, missing = html.split('class="missing-fields"')
    assert read.count('name="value"') == 3 and 'tabindex="-1">Xác nhận</button>' in html
    # the type's other fields, not read, are offered apart (closed), empty, after the ones read
    assert "<details" in read[-300:] and 'id="field-father_name" name="value" value=""' in missing
    assert 'id="field-child_name" name="value" value="NGUYEN VAN TRUONG"' in html


def test_a_correction_is_saved_as_typed_survives_a_reload_and_is_audited(
    clerk: tuple[TestClient, str], app: App
) -> None:
    c, token = clerk
    doc = _declaration(app)
    url = f"/documents/{doc}/pages/1/fields/child_name"
    for partial in ("Nguyễn Văn Trư", "Nguyễn Văn Trường"):  # two pauses while typing
        r = c.post(url, data={"value": partial}, headers={"X-CSRF-Token": token, **HX})
        assert r.status_code == 200 and "Đã lưu" in r.text
    f = _field(app, doc, "child_name")
    assert (f.value, f.confirmed_value, f.confirmed_by) == ("NGUYEN VAN TRUONG", "Nguyễn Văn Trường", None)
    assert 'value="Nguyễn Văn Trường"' in c.get(f"/documents/{doc}").text  # a reload shows the clerk's value
    edits = [e.detail for e in _audit(app, action="field.edit", actor="tiepnhan")]
    assert [(d["old"], d["new"]) for d in reversed(edits)] == [
        ("NGUYEN VAN TRUONG", "Nguyễn Văn Trư"),
        ("Nguyễn Văn Trư", "Nguyễn Văn Trường"),
    ]
    # Saving the same value again (a late autosave) changes nothing and writes nothing.
    c.post(url, data={"value": "Nguyễn Văn Trường"}, headers={"X-CSRF-Token": token, **HX})
    assert len(_audit(app, action="field.edit")) == 2
    # The corrected name is what the name search finds now.
    r = c.get("/search", params={"q": "Nguyễn Văn Trường"})
    assert f'href="/documents/{doc}"' in r.text and "Người có tên khớp" in r.text


def test_enter_confirms_a_field_and_the_page_shows_it(clerk: tuple[TestClient, str], app: App) -> None:
    c, token = clerk
    doc = _declaration(app)
    with app.db.write() as s:  # a doubtful date
        f = s.scalar(select(FieldValue).where(FieldValue.document_id == doc, FieldValue.field_id == "child_birth_date"))
        f.needs_review, f.review_reasons, f.boxes = True, ["ngày sinh không rõ"], [[10, 20, 100, 30]]
        pg = s.scalar(select(Page).where(Page.document_id == doc))
        pg.pdf_key = "test/trang-1.pdf"  # boxes are drawn on the searchable PDF's image (the OCR pixels)
    pdf = app.archive_path("test/trang-1.pdf")
    pdf.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", (1000, 700), 255).save(pdf, "PDF", resolution=150)
    page = c.get(f"/documents/{doc}").text
    assert '<form class="field-row doubt"' in page and "1 trường cần kiểm tra" in page
    assert 'class="box box-doubt" data-box="10,20,100,30" data-ref="child_birth_date"' in page
    assert "data-autosave autofocus" in page.split('id="field-child_birth_date"')[1].split(">")[0] + ">"
    r = c.post(
        f"/documents/{doc}/pages/1/fields/child_birth_date/confirm",
        data={"value": "02/03/2024"},
        headers={"X-CSRF-Token": token, **HX},
    )
    assert r.status_code == 200
    assert '<form class="field-row sure confirmed"' in r.text and "✓ đã xác nhận (tiepnhan)" in r.text
    assert 'id="fields-summary" hx-swap-oob="true"' in r.text and "cần kiểm tra" not in r.text
    f = _field(app, doc, "child_birth_date")
    assert f.confirmed_by == "tiepnhan" and f.confirmed_value == "02/03/2024"
    assert [e.detail["field"] for e in _audit(app, action="field.confirm")] == ["child_birth_date"]
    page = c.get(f"/documents/{doc}").text
    assert 'class="box box-field" data-box="10,20,100,30"' in page and "cần kiểm tra" not in page
    # Typing again after confirming takes the confirmation back: the value is no longer what was checked.
    c.post(
        f"/documents/{doc}/pages/1/fields/child_birth_date",
        data={"value": "03/03/2024"},
        headers={"X-CSRF-Token": token, **HX},
    )
    assert _field(app, doc, "child_birth_date").confirmed_by is None
    # Without htmx (no JavaScript), Enter posts the form and the page comes back.
    r = c.post(
        f"/documents/{doc}/pages/1/fields/mother_name/confirm", data={"value": "Lê Thị Hoa", "csrf_token": token}
    )
    assert r.status_code == 303 and r.headers["location"] == f"/documents/{doc}?page=1#fields"
    # Confirm the rest at once.
    r = c.post(f"/documents/{doc}/pages/1/fields/confirm-all", data={"csrf_token": token})
    assert r.status_code == 303
    with app.db.read() as s:
        assert not s.scalars(
            select(FieldValue).where(FieldValue.document_id == doc, FieldValue.confirmed_by.is_(None))
        ).all()
    assert "Đã xác nhận tất cả các trường." in c.get(f"/documents/{doc}").text


def test_personal_id_numbers_are_masked_in_the_audit_trail(clerk: tuple[TestClient, str], app: App) -> None:
    c, token = clerk
    doc = _declaration(app, mother_personal_id="087196471480")
    r = c.post(
        f"/documents/{doc}/pages/1/fields/mother_personal_id",
        data={"value": "087196471489"},
        headers={"X-CSRF-Token": token, **HX},
    )
    assert r.status_code == 200
    [e] = _audit(app, action="field.edit")
    assert e.detail["old"] == "0871******80" and e.detail["new"] == "0871******89"
    assert _field(app, doc, "mother_personal_id").confirmed_value == "087196471489"  # stored in full


def test_field_routes_refuse_unknown_fields_pages_and_posts_without_csrf(
    clerk: tuple[TestClient, str], app: App, desk: FastAPI
) -> None:
    c, token = clerk
    doc = _declaration(app)
    h = {"X-CSRF-Token": token}
    assert c.post(f"/documents/{doc}/pages/1/fields/khong_co", data={"value": "x"}, headers=h).status_code == 404
    assert c.post(f"/documents/{doc}/pages/9/fields/child_name", data={"value": "x"}, headers=h).status_code == 404
    assert c.post(f"/documents/{doc}/pages/1/fields/child_name", data={"value": "x"}).status_code == 403
    assert (
        c.post(
            f"/documents/{doc}/pages/1/fields/child_name", data={"value": "x"}, headers={"X-CSRF-Token": "0" * 64}
        ).status_code
        == 403
    )
    anon = client(desk)
    assert anon.post(f"/documents/{doc}/pages/1/fields/child_name", data={"value": "x"}).status_code in (401, 403)
    assert _field(app, doc, "child_name").confirmed_value is None
    # A page still in OCR has no fields to edit.
    pending = add_document(app, "Lê Văn Bốn", ocr=False)
    assert c.post(f"/documents/{pending}/pages/1/fields/child_name", data={"value": "x"}, headers=h).status_code == 404


# -- filing ---------------------------------------------------------------------------------------


def test_clerk_files_a_dossier_from_the_proposals(clerk: tuple[TestClient, str], app: App, book: int) -> None:
    c, token = clerk
    doc = dossier(app, "trich_luc_khai_sinh", {"child_name": "Nguyễn Văn Trường", "child_birth_date": "02/03/2024"})
    page = c.get(f"/documents/{doc}").text
    assert 'class="panel panel-filing"' in page and "Mục sổ có thể khớp" in page
    assert "Không phải" in page
    # Two fields nobody has checked: the button leads to the first of them instead of filing.
    assert "Đúng mục này: còn 2 trường chưa xác nhận →" in page
    assert f'href="/documents/{doc}?page=1#field-child_name"' in page and 'data-goto="field-child_name"' in page
    e1 = get_entry(app.db, 1)
    assert e1.name == "Nguyễn Văn Trường"
    # Without the CSRF token nothing is filed.
    assert c.post(f"/documents/{doc}/filing/confirm", data={"entry_id": e1.id}, headers=HX).status_code == 403
    assert c.post(f"/documents/{doc}/filing/create", headers=HX).status_code == 403
    assert get_entry(app.db, e1.id).documents == [(doc, "proposed")]
    # Posted anyway (a forged or stale page): refused in Vietnamese, nothing filed.
    r = c.post(f"/documents/{doc}/filing/confirm", data={"entry_id": e1.id}, headers={"X-CSRF-Token": token, **HX})
    assert "Chưa vào sổ: còn 2 trường chưa được xác nhận" in r.text and 'class="alert error"' in r.text
    assert get_entry(app.db, e1.id).documents == [(doc, "proposed")]
    # Enter on the first field: the filing panel says one is left (out of band, no reload).
    r = c.post(
        f"/documents/{doc}/pages/1/fields/child_name/confirm",
        data={"value": "Nguyễn Văn Trường"},
        headers={"X-CSRF-Token": token, **HX},
    )
    assert '<div id="filing" hx-swap-oob="true">' in r.text and "còn 1 trường chưa xác nhận" in r.text
    assert "Xác nhận tất cả 1 trường còn lại" in r.text
    r = c.post(
        f"/documents/{doc}/pages/1/fields/child_birth_date/confirm",
        data={"value": "02/03/2024"},
        headers={"X-CSRF-Token": token, **HX},
    )
    assert "trường còn lại" not in r.text and "Đã xác nhận tất cả các trường." in r.text
    assert "chưa xác nhận →" not in r.text and ">Đúng mục này</button>" in r.text
    r = c.post(f"/documents/{doc}/filing/confirm", data={"entry_id": e1.id}, headers={"X-CSRF-Token": token, **HX})
    assert r.status_code == 200 and 'id="filing"' in r.text and "Đã vào sổ" in r.text
    assert f'href="/entries/{e1.id}">Sổ khai sinh 2024, quyển 01, số 1</a>' in r.text
    assert get_entry(app.db, e1.id).documents == [(doc, "linked")]
    assert [e.action for e in _audit(app, actor="tiepnhan", action="filing.")] == ["filing.link"]
    # The entry page lists the document; the search result of the page links to the entry.
    assert f'href="/documents/{doc}"' in c.get(f"/entries/{e1.id}").text


def test_choose_another_entry_by_searching_and_reject_a_proposal(
    clerk: tuple[TestClient, str], app: App, book: int
) -> None:
    c, token = clerk
    doc = dossier(app, "trich_luc_khai_sinh", {"child_name": "Nguyễn Văn Trường", "child_birth_date": "02/03/2024"})
    c.post(f"/documents/{doc}/pages/1/fields/confirm-all", data={"csrf_token": token})
    r = c.get(f"/documents/{doc}/filing/find", params={"q": "tran thi lan"}, headers=HX)
    assert r.status_code == 200 and "Trần Thị Lan" in r.text and "Chọn mục này" in r.text
    r = c.get(f"/documents/{doc}/filing/find", params={"q": "khai_sinh/2024/01#2"}, headers=HX)
    assert "Trần Thị Lan" in r.text
    assert "Không thấy mục sổ nào" in c.get(f"/documents/{doc}/filing/find", params={"q": "zzz qqq"}).text
    assert _audit(app, action="filing.search")[0].detail["q"] == "zzz qqq"
    e2 = get_entry(app.db, 2)
    r = c.post(f"/documents/{doc}/filing/confirm", data={"entry_id": e2.id}, headers={"X-CSRF-Token": token, **HX})
    assert "Trần Thị Lan" in r.text.split("Đã vào sổ:")[-1]
    r = c.post(f"/documents/{doc}/filing/reject", data={"entry_id": 1}, headers={"X-CSRF-Token": token, **HX})
    assert r.status_code == 200
    with app.db.read() as s:
        states = dict(
            s.execute(
                select(RegisterFiling.entry_id, RegisterFiling.state).where(RegisterFiling.document_id == doc)
            ).all()
        )
    assert states[e2.id] == "linked" and states[1] == "rejected"
    # An entry not proposed cannot be rejected: said plainly, nothing changes.
    r = c.post(f"/documents/{doc}/filing/reject", data={"entry_id": 999}, headers={"X-CSRF-Token": token, **HX})
    assert r.status_code == 200 and 'class="alert error"' in r.text


def test_create_the_entry_from_the_confirmed_fields(clerk: tuple[TestClient, str], app: App, book: int) -> None:
    c, token = clerk
    doc = dossier(
        app,
        "to_khai_dang_ky_khai_sinh",
        {
            "child_name": "PHAM MINH KHOA",
            "child_birth_date": "01/05/2024",
            "mother_name": "Võ Thị Tuyết",
            "registration_date": "15/05/2024",
        },
    )
    assert "Lập mục mới: còn 4 trường chưa xác nhận →" in c.get(f"/documents/{doc}").text
    h = {"X-CSRF-Token": token, **HX}
    c.post(f"/documents/{doc}/pages/1/fields/child_name/confirm", data={"value": "Phạm Minh Khoa"}, headers=h)
    r = c.post(f"/documents/{doc}/filing/create", headers=h)  # three fields nobody checked: refused
    assert "Chưa vào sổ: còn 3 trường chưa được xác nhận" in r.text
    with app.db.read() as s:
        assert s.scalar(select(RegisterFiling.id).where(RegisterFiling.state == "linked")) is None
    c.post(f"/documents/{doc}/pages/1/fields/confirm-all", data={"csrf_token": token})
    assert "Lập mục mới trong sổ" in c.get(f"/documents/{doc}").text
    r = c.post(f"/documents/{doc}/filing/create", headers=h)
    assert r.status_code == 200 and "Đã lập mục mới" in r.text, r.text
    with app.db.read() as s:
        eid = s.scalar(
            select(RegisterFiling.entry_id).where(RegisterFiling.document_id == doc, RegisterFiling.state == "linked")
        )
    e = get_entry(app.db, eid)
    assert (e.name, e.so, e.origin) == ("Phạm Minh Khoa", "3", "desk")
    assert [a.action for a in _audit(app, actor="tiepnhan", action="filing.create")] == ["filing.create"]
    # Twice is refused in plain Vietnamese.
    r = c.post(f"/documents/{doc}/filing/create", headers=h)
    assert "đã được vào sổ" in r.text


def test_who_may_file(
    archivist: tuple[TestClient, str], admin: tuple[TestClient, str], desk: FastAPI, app: App, book: int
) -> None:
    doc = dossier(app, "trich_luc_khai_sinh", {"child_name": "Nguyễn Văn Trường", "child_birth_date": "02/03/2024"})
    a, atoken = archivist
    page = a.get(f"/documents/{doc}").text
    assert 'class="panel panel-filing"' in page and "Đúng mục này" not in page  # sees, cannot file
    for path, data in (("confirm", {"entry_id": 1}), ("reject", {"entry_id": 1}), ("create", {}), ("refresh", {})):
        assert a.post(f"/documents/{doc}/filing/{path}", data=data, headers={"X-CSRF-Token": atoken}).status_code == 403
    assert a.get(f"/documents/{doc}/filing/find", params={"q": "lan"}).status_code == 403
    m, mtoken = admin
    m.post(f"/documents/{doc}/pages/1/fields/confirm-all", data={"csrf_token": mtoken})
    r = m.post(f"/documents/{doc}/filing/confirm", data={"entry_id": 1, "csrf_token": mtoken})
    assert r.status_code == 303 and r.headers["location"] == f"/documents/{doc}#filing"
    anon = client(desk)
    assert anon.get(f"/documents/{doc}/filing/find?q=lan").status_code == 303
    assert anon.post(f"/documents/{doc}/filing/confirm", data={"entry_id": 1}).status_code in (401, 403)


# -- register books -------------------------------------------------------------------------------


def _scanned_page(app: App, book: int) -> tuple[int, int]:
    """A scanned page 1 of the book with entry no. 3 read on it (a row box); returns (document, entry)."""
    doc = add_document(app, "Sổ khai sinh trang 1")
    attach_documents(app.db, book, [(doc, "trang-001.png")], start_page=1)
    with app.db.read() as s:
        pid = s.scalar(select(Page.id).where(Page.document_id == doc))
    eid = create_entry(
        app.db,
        book,
        {"so": "3", "nksHoTen": "Hoàng Văn Bẩy", "nksNgaySinh": "01/06/2024", "trangSo": "1"},
        origin="ocr",
        actor="system",
        regions=[Region(pid, "row", (40, 300, 900, 60))],
    )
    return doc, eid


def test_books_by_type_and_year_with_progress(clerk: tuple[TestClient, str], app: App, book: int) -> None:
    c, _ = clerk
    create_book(app.db, "khai_tu", 2023, "01", commune="Cát Thành")
    _scanned_page(app, book)
    r = c.get("/books")
    assert r.status_code == 200
    assert "Sổ đăng ký khai sinh — năm 2024" in r.text and "Sổ đăng ký khai tử — năm 2023" in r.text
    assert f'href="/books/{book}">Quyển 01</a>' in r.text
    r = c.get("/books", params={"type": "khai_tu"})
    assert "khai tử — năm 2023" in r.text and "khai sinh — năm 2024" not in r.text
    assert "Chưa có sổ nào" in c.get("/books", params={"year": 1999}).text
    r = c.get(f"/books/{book}")
    assert r.status_code == 200
    assert '1/3</span><span class="l">trang đã quét' in r.text  # one page of three scanned
    assert "Thiếu trang: 2–3" in r.text
    assert "Hoàng Văn Bẩy" in r.text and "chưa đối chiếu" in r.text
    assert "Đối chiếu tiếp" not in r.text  # a clerk does not verify


def test_archivist_verifies_a_page_of_entries(
    archivist: tuple[TestClient, str], clerk: tuple[TestClient, str], app: App, book: int
) -> None:
    a, token = archivist
    doc, eid = _scanned_page(app, book)
    r = a.get(f"/books/{book}")
    assert f'href="/books/{book}/pages/1">Đối chiếu tiếp từ trang 1</a>' in r.text
    r = a.get(f"/books/{book}/pages/1")
    assert r.status_code == 200
    assert f'src="/documents/{doc}/pages/1/image?w=' in r.text  # the page image beside the entries
    assert f'data-box="40,300,900,60" data-ref="entry-{eid}"' in r.text
    assert 'name="f_nksHoTen" value="Hoàng Văn Bẩy"' in r.text
    # Every column of the book type is there: the registration date, required, flagged as empty;
    # the other empty columns folded.
    assert "Ngày, tháng, năm đăng ký <strong>— còn trống, cần điền</strong>" in r.text
    assert 'name="f_meHoTen" value=""' in r.text and "cột còn trống" in r.text
    form = {"csrf_token": token, "f_nksHoTen": "Hoàng Văn Bảy", "f_nksNgaySinh": "01/06/2024", "f_so": "3"}
    # An incomplete entry is not verified without a reason (htmx: answered in place, no reload).
    r = a.post(f"/books/{book}/pages/1/entries/{eid}", data={**form, "action": "verify"}, headers=HX)
    assert r.status_code == 200
    assert 'class="alert error"' in r.text and "Mục còn thiếu Ngày, tháng, năm đăng ký" in r.text
    assert get_entry(app.db, eid).status != "verified"
    # Correct the name and confirm, saying why the date is empty: the history keeps old and new,
    # the entry is verified, the reason audited.
    r = a.post(
        f"/books/{book}/pages/1/entries/{eid}",
        data={**form, "reason": "sổ gốc để trống ngày đăng ký", "action": "verify"},
    )
    assert r.status_code == 303 and r.headers["location"] == f"/books/{book}/pages/1?saved={eid}#entry-{eid}"
    e = get_entry(app.db, eid)
    assert e.name == "Hoàng Văn Bảy" and e.status == "verified" and e.verified_by == "luutru"
    [fix] = [h for h in e.history if h.kind == "correction"]
    assert (fix.field, fix.old, fix.new) == ("nksHoTen", "Hoàng Văn Bẩy", "Hoàng Văn Bảy")
    assert {x.action for x in _audit(app, actor="luutru")} >= {"entry.correction", "entry.verify", "book.page.view"}
    [why] = _audit(app, action="entry.verify_incomplete")
    assert why.detail == {"missing": ["Ngày, tháng, năm đăng ký"], "reason": "sổ gốc để trống ngày đăng ký"}
    assert "đã đối chiếu" in a.get(f"/entries/{eid}").text
    # A bad date is refused plainly and nothing is verified twice.
    r = a.post(f"/books/{book}/pages/1/entries/{eid}", data={"csrf_token": token, "f_nksNgaySinh": "31/02/2024"})
    assert r.status_code == 303 and "error=" in r.headers["location"]
    # A clerk may look at the page but not verify or correct.
    c, ctoken = clerk
    page = c.get(f"/books/{book}/pages/1").text
    assert "Hoàng Văn Bảy" in page and 'name="f_nksHoTen"' not in page
    r = c.post(f"/books/{book}/pages/1/entries/{eid}", data={"csrf_token": ctoken, "f_nksHoTen": "X"})
    assert r.status_code == 403 and get_entry(app.db, eid).name == "Hoàng Văn Bảy"
    # No CSRF token, no change.
    assert a.post(f"/books/{book}/pages/1/entries/{eid}", data={"f_nksHoTen": "X"}).status_code == 403
    assert a.get(f"/books/{book}/pages/7").status_code == 404 and a.get("/books/999").status_code == 404


# -- scanning -------------------------------------------------------------------------------------


@pytest.fixture
def scan_desk(app: App) -> FastAPI:
    from tests.test_scanner import SANE_DIR

    app.settings.scanner.device = "test:0"
    app.settings.scanner.sane_config_dir = SANE_DIR
    app.settings.scanner.default_profile = "mat-kinh"
    from config.settings import ScanProfileSettings

    app.settings.scanner.profiles = {
        "mat-kinh": ScanProfileSettings(source="flatbed", resolution=75, options={"test-picture": "Grid"}),
        "nap-giay": ScanProfileSettings(source="feeder", resolution=75, options={"test-picture": "Grid"}),
    }
    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk")
    return create_app(app)


def test_scan_button_scans_with_a_profile_and_the_state_shows(scan_desk: FastAPI, app: App) -> None:
    c, token = logged_in(scan_desk, "tiepnhan")
    page = c.get("/intake").text
    assert 'hx-post="/intake/scan"' in page and '<option value="mat-kinh" selected>' in page
    r = c.post("/intake/scan", data={"profile": "mat-kinh"}, headers={"X-CSRF-Token": token, **HX})
    assert r.status_code == 200 and 'id="scanner"' in r.text
    scan_desk.state.scan_control.join(120)
    with app.db.read() as s:
        b = s.scalars(select(ScanBatch)).one()
    assert (b.profile, b.state, b.pages) == ("mat-kinh", "complete", 1)
    state = c.get("/intake/scanner").text
    assert "Lần quét gần nhất" in state and "xong, 1 trang" in state
    assert "1 hồ sơ" in c.get("/intake/list").text  # the scanned page is in today's list
    status = c.get("/status").text
    assert "Máy quét" in status and "test:0" in status and "mat-kinh" in status
    devices = c.get("/status/scanners").text
    assert "test:0" in devices and "đang dùng" in devices
    assert [e.detail["profile"] for e in _audit(app, actor="tiepnhan", action="scan.")] == ["mat-kinh"]
    # An unknown profile is refused in Vietnamese; no post without the CSRF token.
    r = c.post("/intake/scan", data={"profile": "khong-co"}, headers={"X-CSRF-Token": token, **HX})
    assert "Không có hồ sơ quét «khong-co»" in r.text
    assert c.post("/intake/scan", data={"profile": "mat-kinh"}).status_code == 403
    with app.db.read() as s:
        assert len(s.scalars(select(ScanBatch)).all()) == 1


def test_every_post_route_refuses_a_signed_in_post_without_its_csrf_token(
    admin: tuple[TestClient, str], app: App, book: int
) -> None:
    from fastapi.routing import APIRoute

    from sohoa.web.desk import ROUTERS

    c, _ = admin
    doc = _declaration(app)
    posts = [
        r.path
        for router in ROUTERS
        for r in router.routes
        if isinstance(r, APIRoute) and "POST" in r.methods and r.path != "/login"
    ]
    assert len(posts) >= 15
    for path in posts:
        url = (
            path.replace("{doc_id}", str(doc))
            .replace("{page_no}", "1")
            .replace("{field_id}", "child_name")
            .replace("{book_id}", str(book))
            .replace("{entry_id}", "1")
            .replace("{username}", "tiepnhan")
        )
        assert c.post(url, data={"value": "X", "entry_id": "1", "profile": "intake"}).status_code == 403, path
    assert _field(app, doc, "child_name").confirmed_value is None
    assert not _audit(app, action="field.") and not _audit(app, action="filing.link")


def test_thumbnails_come_from_the_scan_reduced_first_any_mode(app: App, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PIL import ImageDraw

    from sohoa.web.pageimages import THUMB, _draw

    for mode in ("1", "L", "RGB", "I;16"):
        im = Image.new("L", (2480, 3508), 255)
        ImageDraw.Draw(im).rectangle((200, 300, 2200, 500), fill=0)  # a dark band across the page
        src = tmp_path / f"scan-{mode.replace(';', '')}.tif"
        (im.convert(mode) if mode != "I;16" else im.convert("I").point(lambda v: v * 256).convert("I;16")).save(src)
        out = tmp_path / f"thumb-{mode.replace(';', '')}.jpg"
        _draw(out, src, "image/tiff", 0, THUMB, 90)  # turned upright: 90° counter-clockwise
        with Image.open(out) as t:
            assert t.format == "JPEG" and t.width == THUMB and t.height == round(2480 * THUMB / 3508)
            g = t.convert("L")
            # the band, now vertical near the left edge, is dark; the middle of the page is white
            assert g.getpixel((round(400 / 3508 * THUMB), t.height // 2)) < 80, mode
            assert g.getpixel((t.width // 2, t.height // 2)) > 200, mode


def test_thumbnail_drawn_by_the_worker_is_served_as_it_is(app: App, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    from indexer.documents import PageRef
    from ocr.thumbnail import thumbnail_path, write_thumbnail
    from sohoa.web.pageimages import THUMB, ImageUnavailable, page_image

    sha = "ab" * 32
    key = app.archive_key(sha, 1, ".pdf")
    pdf = app.archive_path(key)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")  # never rendered: the thumbnail beside it is used
    ref = PageRef(1, 1, 1, "t", "indexed", sha, "nowhere/x.png", "image/png", key, 0, 0.0, 1000, 1400)
    grey = np.full((1400, 1000), 255, np.uint8)
    write_thumbnail(grey, thumbnail_path(pdf))
    path, ocr_coords = page_image(app, ref, THUMB)
    assert path == thumbnail_path(pdf) and ocr_coords
    with Image.open(path) as t:
        assert t.size == (THUMB, 336)
    # Without it (a page OCR'd before thumbnails were drawn), the PDF is rendered as before.
    thumbnail_path(pdf).unlink()
    with pytest.raises(ImageUnavailable):
        page_image(app, ref, THUMB)  # the fake PDF cannot be drawn: proof the worker's file was used


def test_a_jammed_scan_keeps_its_pages_and_the_desk_resumes_it(scan_desk: FastAPI, app: App) -> None:
    from sohoa.scanning import run_scan

    # A jam after the first sheet (the SANE test backend's injected status): the batch stops, incomplete.
    out = run_scan(app, "nap-giay", faults={1: {"read-return-value": "SANE_STATUS_JAMMED"}})
    assert not out.complete and out.tally.pages == 1
    c, token = logged_in(scan_desk, "tiepnhan")
    state = c.get("/intake/scanner").text
    assert "Kẹt giấy" in state and f'name="resume" value="{out.batch_id}"' in state and "Đã giữ 1 trang" in state
    assert f"Quét tiếp lô {out.batch_id}" in state
    assert state.count("btn-primary") == 1 and ">Quét lô mới</button>" in state  # one primary action: resume
    r = c.post("/intake/scan", data={"resume": str(out.batch_id)}, headers={"X-CSRF-Token": token, **HX})
    assert r.status_code == 200
    scan_desk.state.scan_control.join(120)
    with app.db.read() as s:
        again = s.scalars(select(ScanBatch).where(ScanBatch.resumes_batch_id == out.batch_id)).one()
    assert (again.profile, again.state, again.pages) == ("nap-giay", "complete", 10)  # the test feeder: 10 a load
    assert "Quét tiếp lô" not in c.get("/intake/scanner").text  # the last batch ended well: nothing to resume
    # Resuming a batch that ended well, or one that does not exist, is refused in Vietnamese.
    r = c.post("/intake/scan", data={"resume": str(again.id)}, headers={"X-CSRF-Token": token, **HX})
    assert "không cần quét tiếp" in r.text
    r = c.post("/intake/scan", data={"resume": "999"}, headers={"X-CSRF-Token": token, **HX})
    assert "Không có lô quét số 999" in r.text
    details = [e.detail for e in _audit(app, actor="tiepnhan", action="scan.")]
    assert {"profile": "nap-giay", "resume": out.batch_id} in details  # the batch's own profile
