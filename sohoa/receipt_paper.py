"""The intake receipt as paper: what the desk proposes for a dossier before it is issued
(:func:`draft_for`: the applicant, address and phone read from the dossier's fields, the procedure
from its document type, the due date from the procedure's working days and the office's
holidays), and what the issued receipt prints (:func:`paper`: Mẫu 01 of TT 01/2018/TT-VPCP,
Vietnamese throughout), drawn the same way on the print page and in the PDF (:func:`write_pdf`).

Guarantees: the printed text comes from the stored receipt only (a reprint is the same paper);
the PDF is written with ``atomic_write`` (whole or not at all); nothing here writes the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from capture.fsutil import atomic_write
from config.settings import OfficeSettings
from indexer.db import Database
from indexer.fields import catalogue
from indexer.models import Document, DossierReceipt, FieldValue
from indexer.procedures import BY_KEY, procedure_of, processing_days
from indexer.receipts import ReceiptDraft, aware
from indexer.workdays import due_at

TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
COPIES = ("Liên 1: lưu tại bộ phận tiếp nhận", "Liên 2: giao người nộp hồ sơ")
# The dossier's fields that name who hands it in, best first.
_APPLICANT = ("applicant", "requester_name", "declarant_name", "full_name", "subject_name")
_ADDRESS = ("applicant_address", "requester_residence")
_PHONE = ("applicant_phone", "requester_phone")


def _fields(db: Database, document_id: int) -> tuple[str | None, str, dict[str, str]]:
    """The document's type, its title, and its fields' values (a person's confirmed value first)."""
    with db.read() as s:
        doc = s.get(Document, document_id)
        if doc is None:
            raise LookupError(document_id)
        values: dict[str, str] = {}
        kind = doc.doc_type
        for fid, dt, v, c in s.execute(
            select(FieldValue.field_id, FieldValue.doc_type, FieldValue.value, FieldValue.confirmed_value)
            .where(FieldValue.document_id == document_id)
            .order_by(FieldValue.page_id, FieldValue.id)
        ):
            kind = kind or dt
            values.setdefault(fid, (c or v or "").strip())
        return kind, doc.title, values


def _first(values: dict[str, str], keys: tuple[str, ...]) -> str:
    return next((values[k] for k in keys if values.get(k)), "")


def draft_for(
    db: Database, document_id: int, office: OfficeSettings, receiver: str, now: datetime, procedure: str | None = None
) -> ReceiptDraft:
    """What the desk proposes for a dossier received ``now`` (aware, the office's time zone)."""
    kind, title, values = _fields(db, document_id)
    proc = BY_KEY.get(procedure or "") or procedure_of(kind)
    days = processing_days(proc.key, office.processing_days)
    dt = catalogue.load().doc_types.get(kind) if kind else None
    paper_name = dt.title_vi if dt is not None else title
    return ReceiptDraft(
        procedure=proc.key,
        content=proc.title if proc.key != "khac" else "",
        applicant=_first(values, _APPLICANT),
        applicant_address=_first(values, _ADDRESS),
        applicant_phone=_first(values, _PHONE),
        papers=[paper_name],
        sets=1,
        received_at=now,
        due_at=due_at(now, days, office.holidays, same_day_until=office.same_day_until, closing=office.closing_time),
        processing_days=days,
        receiver=receiver,
        result_place=office.result_place,
    )


# -- the paper ------------------------------------------------------------------------------------


def vn_moment(dt: datetime) -> str:
    """``14 giờ 05 phút, ngày 03 tháng 12 năm 2026``."""
    return f"{dt:%H} giờ {dt:%M} phút, ngày {dt:%d} tháng {dt:%m} năm {dt:%Y}"


def days_vi(days: int) -> str:
    return "trong ngày làm việc" if days == 0 else f"{days:02d} ngày làm việc"


@dataclass(frozen=True)
class Paper:
    office: str  # left header, upper case
    unit: str
    date_line: str  # "Phú Lộc, ngày 03 tháng 12 năm 2026"
    code: str
    lines: list[tuple[str, str]]  # (label, value) before the numbered items
    items: list[tuple[str, str | list[str]]]  # numbered: (label, value or list of lines)
    applicant: str
    receiver: str


def paper(r: DossierReceipt, office: OfficeSettings, tz: ZoneInfo) -> Paper:
    received = aware(r.received_at).astimezone(tz)
    due = aware(r.due_at).astimezone(tz)
    place = office.place or ""
    date_line = f"{place + ', ' if place else ''}ngày {received:%d} tháng {received:%m} năm {received:%Y}"
    lines = [("Tiếp nhận hồ sơ của", r.applicant)]
    lines.append(("Địa chỉ", r.applicant_address or "…"))
    lines.append(("Số điện thoại", r.applicant_phone or "…"))
    lines.append(("Nội dung yêu cầu giải quyết", r.content))
    papers = [f"{i}) {p}" for i, p in enumerate(r.papers or [], 1)] or ["…"]
    items: list[tuple[str, str | list[str]]] = [
        ("Thành phần hồ sơ nộp gồm", papers),
        ("Số lượng hồ sơ", f"{r.sets:02d} (bộ)"),
        ("Thời gian giải quyết hồ sơ theo quy định là", days_vi(r.processing_days)),
        ("Thời gian nhận hồ sơ", vn_moment(received)),
        ("Thời gian trả kết quả giải quyết hồ sơ", vn_moment(due)),
        ("Đăng ký nhận kết quả tại", r.result_place or "…"),
    ]
    return Paper(
        office=(office.name or "").upper(),
        unit="BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
        date_line=date_line,
        code=r.code,
        lines=lines,
        items=items,
        applicant=r.applicant,
        receiver=r.receiver,
    )


# -- the PDF --------------------------------------------------------------------------------------


def write_pdf(p: Paper, out: Path) -> Path:
    """Two A4 copies of the receipt (one kept, one for the citizen)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    from indexer.registers.export import _fonts, _wrap

    regular, bold = _fonts()
    width, height = A4
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(out, durable=False) as tmp:
        c = canvas.Canvas(str(tmp), pagesize=A4)
        c.setTitle(f"Giấy tiếp nhận hồ sơ {p.code}")
        for copy in COPIES:
            _draw(c, p, copy, regular, bold, width, height, mm, _wrap)
            c.showPage()
        c.save()
    return out


def _draw(
    c: Any, p: Paper, copy: str, regular: str, bold: str, width: float, height: float, mm: float, wrap: Any
) -> None:
    left_x, right_x = 50 * mm, 140 * mm
    y = height - 20 * mm
    c.setFont(bold, 10.5)
    c.drawCentredString(left_x, y, p.office or "…")
    c.drawCentredString(right_x, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    y -= 5 * mm
    c.drawCentredString(left_x, y, p.unit)
    c.drawCentredString(right_x, y, "Độc lập - Tự do - Hạnh phúc")
    y -= 2 * mm
    c.line(left_x - 15 * mm, y, left_x + 15 * mm, y)
    c.line(right_x - 25 * mm, y, right_x + 25 * mm, y)
    y -= 7 * mm
    c.setFont(regular, 11)
    c.drawCentredString(right_x, y, p.date_line)
    y -= 14 * mm
    c.setFont(bold, 14)
    c.drawCentredString(width / 2, y, TITLE)
    y -= 7 * mm
    c.setFont(bold, 12)
    c.drawCentredString(width / 2, y, f"Mã hồ sơ: {p.code}")
    y -= 5.5 * mm
    c.setFont(regular, 10)
    c.drawCentredString(width / 2, y, f"({copy})")
    y -= 10 * mm
    x0, right = 22 * mm, width - 20 * mm

    def put(label: str, value: str, indent: float = 0) -> None:
        nonlocal y
        from reportlab.pdfbase.pdfmetrics import stringWidth

        c.setFont(regular, 11.5)
        text = f"{label}: " if label else ""
        c.drawString(x0 + indent, y, text)
        x = x0 + indent + stringWidth(text, regular, 11.5)
        c.setFont(bold, 11.5)
        for line in wrap(value, bold, 11.5, right - x):
            c.drawString(x, y, line)
            y -= 6.5 * mm

    for label, value in p.lines:
        put(label, value)
    for i, (label, item) in enumerate(p.items, 1):
        if isinstance(item, list):
            put(f"{i}. {label}", "")
            for v in item:
                put("", v, 6 * mm)
        else:
            put(f"{i}. {label}", item)
    y -= 8 * mm
    c.setFont(bold, 11.5)
    c.drawCentredString(55 * mm, y, "NGƯỜI NỘP HỒ SƠ")
    c.drawCentredString(145 * mm, y, "NGƯỜI TIẾP NHẬN HỒ SƠ")
    y -= 5 * mm
    c.setFont(regular, 10)
    c.drawCentredString(55 * mm, y, "(Ký và ghi rõ họ tên)")
    c.drawCentredString(145 * mm, y, "(Ký và ghi rõ họ tên)")
    y -= 28 * mm
    c.setFont(bold, 11.5)
    c.drawCentredString(55 * mm, y, p.applicant)
    c.drawCentredString(145 * mm, y, p.receiver)
