"""A dossier with a declaration on page 1 and a CCCD copy on page 2, through the real worker
(Tesseract ``vie``, zxing-cpp, SQLite): the card's QR code is read on page 2, stored on its page,
and the declaration's identity fields on page 1 are checked against it — a disagreement is
flagged with the card's value, an agreement recorded beside the value, nothing printed is changed,
and checking again gives the same marks once. People and numbers are invented."""

from __future__ import annotations

import numpy as np
import segno
from PIL import Image
from sqlalchemy import select

from indexer.fields.cccd import QR_SOURCE
from indexer.idcards import check_document
from indexer.models import Document, FieldValue, Page
from sohoa.app import App
from sohoa.runner import Runner
from sohoa.samples import HEADER, Line, render_page

NUMBER = "027177435539"  # Bắc Ninh (027), female born 1977: invented
CARD = f"{NUMBER}|125678901|Trần Thị Thu Thảo|12031977|Nữ|Thôn Đông, xã Yên Lạc, huyện Gia Bình, tỉnh Bắc Ninh|25052020"


def declaration() -> Image.Image:
    return render_page(
        HEADER
        + [
            Line("TỜ KHAI ĐĂNG KÝ KHAI SINH", 15, bold=True, center=True),
            "",
            "Kính gửi: Ủy ban nhân dân xã Yên Lạc, tỉnh Bắc Ninh",
            "Họ, chữ đệm, tên người yêu cầu: TRẦN THỊ THU THOA",
            f"Giấy tờ tùy thân: CCCD số {NUMBER}, cấp ngày 25/05/2020",
            "Quan hệ với người được khai sinh: Mẹ",
            "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
            "Họ, chữ đệm, tên: NGUYỄN VĂN AN",
            "Ngày, tháng, năm sinh: 02/12/2023",
            "Giới tính: Nam    Dân tộc: Kinh    Quốc tịch: Việt Nam",
            "Nơi sinh: Trạm y tế xã Yên Lạc, tỉnh Bắc Ninh",
            "Họ, chữ đệm, tên người mẹ: TRẦN THỊ THU THOA",
            "Họ, chữ đệm, tên người cha: NGUYỄN VĂN BÌNH",
        ],
        dpi=200,
    )


def id_copy(payload: str) -> Image.Image:
    page = render_page(
        [
            "",
            Line("CĂN CƯỚC CÔNG DÂN", 14, bold=True),
            "Citizen Identity Card",
            "Bản sao",
        ],
        dpi=200,
    )
    code = np.pad(np.array(segno.make(payload, error="m", micro=False, encoding="utf-8").matrix, dtype=np.uint8), 4)
    qr = Image.fromarray(((1 - code) * 255).astype(np.uint8))
    qr = qr.resize((code.shape[1] * 4, code.shape[0] * 4), Image.Resampling.NEAREST)
    page.paste(qr, (900, 250))
    return page


def test_a_card_on_page_two_checks_the_declaration_on_page_one(app: App) -> None:
    first, second = declaration(), id_copy(CARD)
    first.save(app.settings.inbox_dir / "ho-so.tif", save_all=True, append_images=[second], dpi=(200, 200))
    Runner(app).run(once=True)

    with app.db.read() as s:
        doc = s.scalars(select(Document)).one()
        pages = {p.page_no: p for p in s.scalars(select(Page).where(Page.document_id == doc.id))}
        assert pages[1].id_cards is None
        assert pages[2].id_cards is not None and [c["number"] for c in pages[2].id_cards] == [NUMBER]
        rows = {r.field_id: r for r in s.scalars(select(FieldValue).where(FieldValue.document_id == doc.id))}

    name, id_doc = rows["requester_name"], rows["requester_id_doc"]
    # The printed name stays as printed; the card's other name is a flag a clerk sees.
    assert name.value == "TRẦN THỊ THU THOA"
    assert name.needs_review
    assert [r for r in name.review_reasons if QR_SOURCE in r] == [f"khác {QR_SOURCE}: “Trần Thị Thu Thảo”"]
    assert name.parsed is not None and name.parsed["cccd_qr"]["name"] == "Trần Thị Thu Thảo"
    # The ID number agrees: recorded beside the value, no flag of the card's.
    assert NUMBER in id_doc.value
    assert not [r for r in id_doc.review_reasons if QR_SOURCE in r]
    assert id_doc.parsed is not None and id_doc.parsed["cccd_qr"]["number"] == NUMBER

    # Checking again (a page re-processed, another page stored) leaves the same marks, once.
    with app.db.write() as s:
        assert check_document(s, doc.id) == 1
    with app.db.read() as s:
        again = s.scalars(
            select(FieldValue).where(FieldValue.document_id == doc.id, FieldValue.field_id == "requester_name")
        ).one()
        assert again.review_reasons == name.review_reasons
        assert again.value == "TRẦN THỊ THU THOA"


def test_a_document_without_a_card_is_not_touched(app: App) -> None:
    declaration().save(app.settings.inbox_dir / "to-khai.png", dpi=(200, 200))
    Runner(app).run(once=True)
    with app.db.read() as s:
        doc = s.scalars(select(Document)).one()
        rows = s.scalars(select(FieldValue).where(FieldValue.document_id == doc.id)).all()
        assert rows and all(QR_SOURCE not in r for row in rows for r in row.review_reasons)
        assert all(not (row.parsed or {}).get("cccd_qr") for row in rows)
    with app.db.write() as s:
        assert check_document(s, doc.id) == 0
