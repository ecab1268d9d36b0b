"""sohoa learns a vendor's label from one correction, over the desk, with the real worker:
a receipt printed with "Di động:" (a wording the catalogue does not know for the applicant's
phone) is read without the phone; the desk offers the phone among the fields not read; the clerk
types and confirms it; the printed label is proposed; nothing changes until an admin accepts it on
Quản trị → Nhãn mới; the next receipt of that form is read with the phone. Invented people."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import select

from indexer import accounts, labelvariants
from indexer.models import Document, FieldValue
from sohoa.app import App
from sohoa.runner import Runner
from sohoa.samples import HEADER, Line, render_page
from sohoa.web import create_app
from tests.webdesk import PASSWORD, csrf_of, logged_in

PHONE = "0912345678"


def receipt(code: str, applicant: str) -> object:
    return render_page(
        HEADER
        + [
            Line("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", 14, bold=True, center=True),
            f"Mã hồ sơ: {code}",
            f"Tiếp nhận hồ sơ của ông/bà: {applicant}",
            f"Di động: {PHONE}",
            "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
            "Ngày hẹn trả: 10 giờ 00 phút, ngày 06/12/2023",
        ],
        dpi=200,
    )


def _ingest(app: App, name: str, code: str, applicant: str) -> int:
    receipt(code, applicant).save(app.settings.inbox_dir / name, dpi=(200, 200))  # type: ignore[attr-defined]
    Runner(app).run(once=True)
    with app.db.read() as s:
        return s.scalars(select(Document.id).where(Document.title == name)).one()


def _phone(app: App, doc: int) -> FieldValue | None:
    with app.db.read() as s:
        return s.scalar(
            select(FieldValue).where(FieldValue.document_id == doc, FieldValue.field_id == "applicant_phone")
        )


def _desk(app: App) -> FastAPI:
    accounts.create_user(app.db, "quantri", PASSWORD, "admin")
    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk")
    return create_app(app)


def test_one_correction_teaches_a_new_label_once_an_admin_accepts_it(app: App) -> None:
    doc = _ingest(app, "bien-nhan-1.png", "000.17.31.H42-231205-0007", "Lê Thị Thu Thủy")
    assert _phone(app, doc) is None  # "Di động:" is not a label the catalogue knows
    desk = _desk(app)
    clerk, token = logged_in(desk, "tiepnhan")

    page = clerk.get(f"/documents/{doc}").text
    assert "Máy chưa đọc được" in page and 'id="field-applicant_phone"' in page  # offered, empty

    r = clerk.post(
        f"/documents/{doc}/pages/1/fields/applicant_phone/confirm",
        data={"value": PHONE},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert r.status_code == 200
    phone = _phone(app, doc)
    assert phone is not None and phone.confirmed_value == PHONE and phone.confirmed_by == "tiepnhan"
    assert phone.raw_value == "" and phone.value == ""  # nothing was read: the clerk's value stands beside
    [proposal] = labelvariants.pending(app.settings.data_dir)
    assert (proposal["field"], proposal["label"]) == ("applicant_phone", "Di động:")

    # Proposed, not accepted: the next receipt is still read without it.
    doc2 = _ingest(app, "bien-nhan-2.png", "000.17.31.H42-231205-0008", "Phạm Văn Hùng")
    assert _phone(app, doc2) is None

    # A clerk may not decide; an admin accepts on the desk.
    assert clerk.get("/admin/labels").status_code in (303, 403)
    admin, admin_token = logged_in(desk, "quantri")
    listing = admin.get("/admin/labels")
    assert "Di động:" in listing.text and "chờ duyệt" in listing.text
    r = admin.post(
        "/admin/labels/decide",
        data={
            "doc_type": "giay_tiep_nhan_ho_so",
            "field": "applicant_phone",
            "label": "Di động:",
            "decision": "accept",
            "csrf_token": csrf_of(listing.text),
        },
    )
    assert r.status_code == 303
    assert labelvariants.pending(app.settings.data_dir) == []
    assert admin_token

    doc3 = _ingest(app, "bien-nhan-3.png", "000.17.31.H42-231205-0009", "Đỗ Thị Lan")
    learnt = _phone(app, doc3)
    assert learnt is not None and learnt.value == PHONE


def test_a_confirmed_reading_or_an_empty_value_proposes_nothing(app: App) -> None:
    doc = _ingest(app, "bien-nhan.png", "000.17.31.H42-231205-0017", "Lê Thị Thu Thủy")
    clerk, token = logged_in(_desk(app), "tiepnhan")
    with app.db.read() as s:
        code = s.scalars(
            select(FieldValue).where(FieldValue.document_id == doc, FieldValue.field_id == "dossier_code")
        ).one()
    h = {"X-CSRF-Token": token, "HX-Request": "true"}
    clerk.post(f"/documents/{doc}/pages/1/fields/dossier_code/confirm", data={"value": code.value}, headers=h)
    clerk.post(f"/documents/{doc}/pages/1/fields/applicant_phone/confirm", data={"value": ""}, headers=h)
    assert labelvariants.read(app.settings.data_dir) == []
