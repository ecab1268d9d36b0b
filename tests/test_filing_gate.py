"""The filing gate and its undo: a dossier enters the register only from fields a person confirmed
— on the desk, by a forged post and on the command line alike — and a filing can be taken back the
same day (a created entry deleted only while no later number rests on it), audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update

from indexer import accounts
from indexer.audit import AuditFilter, audit_page
from indexer.models import FieldValue, RegisterEntry, RegisterFiling
from indexer.registers import filing
from indexer.registers.books import create_book
from indexer.registers.gate import fields_to_confirm
from indexer.registers.model import RegisterError
from sohoa.app import App
from sohoa.web import create_app
from tests.registers_util import create_entry, dossier
from tests.webdesk import PASSWORD, logged_in

HX = {"HX-Request": "true"}
DECLARATION = {"child_name": "PHAM MINH KHOA", "child_birth_date": "01/05/2024", "mother_name": "Võ Thị Tuyết"}


def _confirm_all(app: App, doc: int) -> None:
    with app.db.write() as s:
        s.execute(update(FieldValue).where(FieldValue.document_id == doc).values(confirmed_by="clerk1"))


def _linked(app: App, doc: int) -> int | None:
    with app.db.read() as s:
        return s.scalar(
            select(RegisterFiling.entry_id).where(RegisterFiling.document_id == doc, RegisterFiling.state == "linked")
        )


@pytest.fixture
def book(app: App) -> int:
    b = create_book(app.db, "khai_sinh", 2024, "01", commune="Cát Thành")
    create_entry(
        app.db, b.id, {"so": "1", "nksHoTen": "Trần Thị Lan", "ngayDangKy": "10/05/2024"}, origin="legacy", actor="t"
    )
    return b.id


def test_no_entry_is_created_from_unconfirmed_fields(app: App, book: int) -> None:
    doc = dossier(app, "to_khai_dang_ky_khai_sinh", DECLARATION)
    with app.db.read() as s:
        assert [f.field_id for f in fields_to_confirm(s, doc)] == ["child_name", "child_birth_date", "mother_name"]
    with pytest.raises(RegisterError, match=r"còn 3 trường chưa được xác nhận \(.*\)"):
        filing.create_from_document(app.db, doc, actor="clerk1")
    with app.db.write() as s:  # two of three checked: still refused
        s.execute(
            update(FieldValue)
            .where(FieldValue.document_id == doc, FieldValue.field_id != "mother_name")
            .values(confirmed_by="clerk1")
        )
    with pytest.raises(RegisterError, match="còn 1 trường chưa được xác nhận"):
        filing.create_from_document(app.db, doc, actor="clerk1")
    with app.db.read() as s:
        assert s.scalar(select(func.count()).select_from(RegisterEntry)) == 1  # only the legacy entry
    assert filing.document_filing(app.db, doc).to_confirm[0].field_id == "mother_name"


def test_the_command_line_obeys_the_same_gate(app: App, book: int, capsys: pytest.CaptureFixture[str]) -> None:
    from sohoa.commands import file_cmd

    doc = dossier(app, "to_khai_dang_ky_khai_sinh", DECLARATION)
    kw = dict(confirm=None, reject=None, book=None, so=None, registration_date="15/05/2024", refile=False, by="clerk1")
    assert file_cmd.run(app, doc, create=True, **kw) == 2
    err = capsys.readouterr().err
    assert "Lỗi: Chưa vào sổ: còn 3 trường chưa được xác nhận" in err
    assert _linked(app, doc) is None
    _confirm_all(app, doc)
    assert file_cmd.run(app, doc, create=True, **kw) == 0
    assert _linked(app, doc) is not None


def test_a_link_is_taken_back_the_same_day_and_audited(app: App, book: int) -> None:
    doc = dossier(app, "trich_luc_khai_sinh", {"child_name": "Trần Thị Lan", "child_birth_date": "05/04/2024"})
    _confirm_all(app, doc)
    filing.confirm(app.db, doc, 1, actor="clerk1")
    view = filing.document_filing(app.db, doc)
    assert view.linked is not None and view.undo_until is not None
    with pytest.raises(RegisterError, match="Chỉ hủy vào sổ được trong ngày"):
        filing.undo(app.db, doc, actor="clerk1", now=datetime.now(UTC) + timedelta(days=1, hours=1))
    said = filing.undo(app.db, doc, actor="clerk1")
    assert said.startswith("Đã hủy vào sổ") and _linked(app, doc) is None
    assert any(p.entry_id == 1 and p.state == "proposed" for p in filing.document_filing(app.db, doc).proposals)
    [row] = audit_page(app.db, AuditFilter(action="filing.undo"))[0]
    assert row.actor == "clerk1" and row.detail["entry"] == 1
    with pytest.raises(RegisterError, match="chưa được vào sổ"):
        filing.undo(app.db, doc, actor="clerk1")


def test_a_created_entry_is_deleted_only_while_it_is_the_last_number(app: App, book: int) -> None:
    doc = dossier(app, "to_khai_dang_ky_khai_sinh", {**DECLARATION, "registration_date": "15/05/2024"})
    _confirm_all(app, doc)
    eid = filing.create_from_document(app.db, doc, actor="clerk1")
    doc2 = dossier(
        app, "to_khai_dang_ky_khai_sinh", {**DECLARATION, "child_name": "LE VAN TAM", "registration_date": "15/05/2024"}
    )
    _confirm_all(app, doc2)
    eid2 = filing.create_from_document(app.db, doc2, actor="clerk1")
    with pytest.raises(RegisterError, match="Sổ đã có số sau số 2"):
        filing.undo(app.db, doc, actor="clerk1")
    assert filing.undo(app.db, doc2, actor="clerk1") == "Đã hủy vào sổ: mục số 3 vừa lập đã được xóa khỏi sổ."
    with app.db.read() as s:
        assert s.get(RegisterEntry, eid2) is None and s.get(RegisterEntry, eid) is not None
    [row] = audit_page(app.db, AuditFilter(action="filing.undo"))[0]
    assert row.detail["deleted"] and row.detail["data"]["nksHoTen"] == "LE VAN TAM"
    assert filing.undo(app.db, doc, actor="clerk1").endswith("đã được xóa khỏi sổ.")  # now the last: it goes too
    # numbers run on again from the first free one
    assert filing.create_from_document(app.db, doc, actor="clerk1") and _linked(app, doc) is not None


@pytest.fixture
def desk(app: App) -> FastAPI:
    for username, role in (("tiepnhan", "clerk"), ("luutru", "archivist")):
        accounts.create_user(app.db, username, PASSWORD, role)
    return create_app(app)


def test_the_desk_undo_button_for_clerks_only(desk: FastAPI, app: App, book: int) -> None:
    doc = dossier(app, "to_khai_dang_ky_khai_sinh", {**DECLARATION, "registration_date": "15/05/2024"})
    _confirm_all(app, doc)
    c, token = logged_in(desk, "tiepnhan")
    r = c.post(f"/documents/{doc}/filing/create", headers={"X-CSRF-Token": token, **HX})
    assert "Đã lập mục mới" in r.text and "Hủy vào sổ</button>" in r.text
    a, atoken = logged_in(desk, "luutru")
    assert a.post(f"/documents/{doc}/filing/undo", headers={"X-CSRF-Token": atoken, **HX}).status_code == 403
    assert "Hủy vào sổ</button>" not in a.get(f"/documents/{doc}").text
    r = c.post(f"/documents/{doc}/filing/undo", headers={"X-CSRF-Token": token, **HX})
    assert "Đã hủy vào sổ: mục số 2 vừa lập đã được xóa khỏi sổ." in r.text and _linked(app, doc) is None
    assert "Lập mục mới trong sổ" in r.text


def test_a_clerk_without_an_open_book_is_told_whom_to_ask(desk: FastAPI, app: App) -> None:
    doc = dossier(app, "to_khai_dang_ky_khai_sinh", {**DECLARATION, "registration_date": "15/05/2031"})
    _confirm_all(app, doc)
    c, token = logged_in(desk, "tiepnhan")
    page = c.get(f"/documents/{doc}").text
    assert "Chưa mở sổ khai sinh 2031 — báo người quản trị." in page and "sohoa book" not in page
    r = c.post(f"/documents/{doc}/filing/create", headers={"X-CSRF-Token": token, **HX})
    assert "Chưa mở sổ khai sinh 2031 — báo người quản trị." in r.text and "sohoa book" not in r.text


def test_a_link_the_machine_made_waits_for_a_person(desk: FastAPI, app: App) -> None:
    b = create_book(app.db, "khai_sinh", 2012, "01", commune="Cát Thành")
    eid = create_entry(
        app.db,
        b.id,
        {"so": "47", "nksHoTen": "Nguyễn Văn Trường", "nksNgaySinh": "02/03/2012", "ngayDangKy": "10/03/2012"},
        origin="legacy",
        actor="t",
    )
    doc = dossier(
        app,
        "giay_khai_sinh",
        {
            "reg_number": "47",
            "book_number": "01",
            "registration_date": "10/03/2012",
            "child_name": "NGUYỄN VĂN TRƯỜNG",
            "child_birth_date": "02/03/2012",
        },
    )
    view = filing.document_filing(app.db, doc)
    assert view.linked is not None and view.linked.decided_by == "system"  # certain, by its number
    c, token = logged_in(desk, "tiepnhan")
    page = c.get(f"/documents/{doc}").text
    assert "Máy thấy khớp chắc chắn — chờ cán bộ xác nhận" in page and "Đã vào sổ:" not in page
    assert "Đúng mục này: còn 5 trường chưa xác nhận →" in page
    row = c.get("/intake/list").text.split(f'data-document="{doc}"')[1].split("</tr>")[0]
    assert "chưa vào sổ" in row
    _confirm_all(app, doc)
    r = c.post(f"/documents/{doc}/filing/confirm", data={"entry_id": eid}, headers={"X-CSRF-Token": token, **HX})
    assert "Đã vào sổ:" in r.text and "chờ cán bộ xác nhận" not in r.text
    assert filing.document_filing(app.db, doc).linked.decided_by == "tiepnhan"  # type: ignore[union-attr]
    row = c.get("/intake/list").text.split(f'data-document="{doc}"')[1].split("</tr>")[0]
    assert "đã vào sổ" in row


def test_the_fields_left_say_whose_when_a_label_repeats(app: App, book: int) -> None:
    doc = dossier(
        app, "to_khai_dang_ky_khai_sinh", {**DECLARATION, "mother_birth_year": "1994", "father_birth_year": "1990"}
    )
    with app.db.read() as s:
        labels = [f.label for f in fields_to_confirm(s, doc)]
    assert "Năm sinh (mẹ)" in labels and "Năm sinh (cha)" in labels and "Năm sinh" not in labels
    with pytest.raises(RegisterError, match=r"còn 5 trường chưa được xác nhận \(.*Năm sinh \(mẹ\), …\)"):
        filing.create_from_document(app.db, doc, actor="clerk1")
