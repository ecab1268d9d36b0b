"""What a person reads on the desk is Vietnamese: audit actions and details, failure reasons,
entry history sources, scanner profiles, book names; labels the page repeats say whose."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from indexer import accounts
from indexer.models import FieldValue, RegisterFiling
from indexer.registers import filing
from indexer.registers.books import create_book
from sohoa.app import App
from sohoa.web import create_app
from sohoa.web.templating import actor_vi, error_vi, ranges, reason_vi
from tests.registers_util import dossier
from tests.webdesk import PASSWORD, logged_in

HX = {"HX-Request": "true"}


def test_audit_log_entry_history_and_labels_read_in_vietnamese(app: App) -> None:
    accounts.create_user(app.db, "quantri", PASSWORD, "admin")
    desk = create_app(app)
    create_book(app.db, "khai_sinh", date.today().year, "01", commune="Phú Lộc")
    doc = dossier(
        app,
        "to_khai_dang_ky_khai_sinh",
        {
            "child_name": "TRẦN THỊ KIM TƯƠI",
            "mother_name": "VÕ THỊ TUYẾT",
            "mother_birth_year": "1994",
            "father_birth_year": "1990",
        },
    )
    c, token = logged_in(desk, "quantri")
    page = c.get(f"/documents/{doc}").text
    assert ">Năm sinh (mẹ)</label>" in page and ">Năm sinh (cha)</label>" in page
    c.post(
        f"/documents/{doc}/pages/1/fields/child_name/confirm",
        data={"value": "TRẦN THỊ KIM TƯƠI"},
        headers={"X-CSRF-Token": token, **HX},
    )
    with app.db.write() as s:
        s.execute(update(FieldValue).where(FieldValue.document_id == doc).values(confirmed_by="quantri"))
    eid = filing.create_from_document(app.db, doc, actor="quantri")
    log = c.get("/admin/audit").text
    assert '<td title="field.confirm">Xác nhận trường</td>' in log and "field.confirm field.confirm" not in log
    assert '<td title="filing.create">Lập mục sổ mới</td>' in log
    assert "trường: child_name; giá trị: TRẦN THỊ KIM TƯƠI" in log and '"field":' not in log
    entry = c.get(f"/entries/{eid}").text
    assert f"Lập tại bàn tiếp nhận, từ hồ sơ số {doc}" in entry and "document:" not in entry
    assert f"Sổ khai sinh {date.today().year}, quyển 01" in entry
    with app.db.read() as s:
        assert s.scalar(select(RegisterFiling.entry_id).where(RegisterFiling.document_id == doc)) == eid


def test_failure_reasons_and_sources_as_a_person_says_them() -> None:
    assert error_vi("RuntimeError: tesseract returned 1\nTraceback …") == "Lỗi khi xử lý trang"
    assert error_vi("TimeoutError: page took 300 s") == "Quá thời gian xử lý"
    assert error_vi("Ảnh bị hỏng, không giải mã được") == "Ảnh bị hỏng, không giải mã được"
    assert reason_vi("tạo từ desk (document:65)") == "Lập tại bàn tiếp nhận, từ hồ sơ số 65"
    assert reason_vi("tạo từ legacy") == "Nhập từ phần mềm cũ"
    assert reason_vi("sửa theo sổ giấy") == "sửa theo sổ giấy"


def test_missing_pages_as_runs_and_actors_in_words() -> None:
    assert ranges(list(range(1, 201))) == "1–200"
    assert ranges([9, 1, 2, 3, 7, 10]) == "1–3, 7, 9–10"
    assert ranges([]) == ""
    assert actor_vi("cli:root") == "dòng lệnh (root)" and actor_vi("system") == "hệ thống (tự động)"
    assert actor_vi("tiepnhan") == "tiepnhan"
