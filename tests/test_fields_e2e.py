"""The field reader end to end: a rendered Vietnamese form goes through the real pipeline (Runner,
OCR workers, reader, indexer) and its fields land in the database; ``sohoa show`` prints them."""

from __future__ import annotations

from sqlalchemy import select

from indexer.models import Document, FieldValue, Page
from sohoa.app import App
from sohoa.runner import Runner
from tests.pages import Line, render_page, save

FORM = [
    Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True, center=True),
    Line("Độc lập - Tự do - Hạnh phúc", 13, bold=True, center=True),
    "",
    Line("TỜ KHAI ĐĂNG KÝ KHAI SINH", 15, bold=True, center=True),
    "",
    "Kính gửi: Ủy ban nhân dân xã Phú Lộc, tỉnh Đồng Tháp",
    "Họ, chữ đệm, tên người yêu cầu: LÊ THỊ MAI",
    "Giấy tờ tùy thân: CCCD số 087190123456, cấp ngày 02/03/2021",
    "Quan hệ với người được khai sinh: Mẹ",
    "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
    "Họ, chữ đệm, tên: NGUYỄN VĂN AN",
    "Ngày, tháng, năm sinh: 02/12/2023",
    "ghi bằng chữ: Ngày hai tháng mười hai năm hai nghìn không trăm hai mươi ba",
    "Giới tính: Nam    Dân tộc: Kinh    Quốc tịch: Việt Nam",
    "Họ, chữ đệm, tên người mẹ: LÊ THỊ MAI",
    "Năm sinh: 1990    Dân tộc: Kinh    Quốc tịch: Việt Nam",
    "Họ, chữ đệm, tên người cha: NGUYỄN VĂN BÌNH",
    "Năm sinh: 1988    Dân tộc: Kinh    Quốc tịch: Việt Nam",
]


def test_fields_of_a_rendered_form_are_stored_and_shown(app: App, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "250")
    blank = render_page([], dpi=200)
    form = render_page(FORM, dpi=200)
    path = app.settings.inbox_dir / "ho-so.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    blank.save(path, save_all=True, append_images=[form], resolution=200)  # a separator sheet first
    save(
        render_page(["Ủy ban nhân dân xã thông báo lịch tiếp nhận hồ sơ hộ tịch tại bộ phận một cửa."], dpi=150),
        app.settings.inbox_dir / "thong-bao.png",
    )
    Runner(app).run(once=True)
    with app.db.read() as s:
        doc = s.scalars(select(Document).where(Document.title == "ho-so.pdf")).one()
        assert doc.state == "indexed"
        assert doc.doc_type == "to_khai_dang_ky_khai_sinh"  # the first non-blank page's type
        pages = {p.page_no: p for p in s.scalars(select(Page).where(Page.document_id == doc.id))}
        assert pages[1].blank is True and pages[1].doc_type == "trang_trang"
        assert pages[2].doc_type == "to_khai_dang_ky_khai_sinh"
        rows = {f.field_id: f for f in s.scalars(select(FieldValue).where(FieldValue.document_id == doc.id))}
        other = s.scalars(select(Document).where(Document.title == "thong-bao.png")).one()
        assert other.doc_type == "van_ban"
    assert rows["child_name"].value == "NGUYỄN VĂN AN"
    assert rows["child_birth_date"].value == "02/12/2023"
    assert rows["father_name"].value == "NGUYỄN VĂN BÌNH"
    assert rows["mother_birth_year"].value == "1990"
    assert rows["child_sex"].value == "Nam" and rows["child_nationality"].value == "Việt Nam"
    assert rows["requester_id_doc"].normalized == "087190123456"
    assert rows["child_birth_date"].page_id == pages[2].id and rows["child_birth_date"].boxes
    assert all(0.0 <= r.confidence <= 1.0 for r in rows.values())
    assert isinstance(rows["child_name"].review_reasons, list)

    from sohoa.commands.show_cmd import show

    assert show(app, doc.id) == 0
    out = capsys.readouterr().out
    assert "Tờ khai đăng ký khai sinh" in out and "NGUYỄN VĂN AN" in out and "Họ, chữ đệm, tên người cha" in out
    assert show(app, 99999) == 1
