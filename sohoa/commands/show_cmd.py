"""``sohoa show DOC``: a document's type and fields, with Vietnamese labels and review marks."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from indexer.fields.catalogue import BLANK, OTHER, load
from indexer.fieldstore import document_fields
from sohoa.app import App

TYPE_VI = {BLANK: "Trang trắng", OTHER: "Văn bản khác"}
REVIEW = "⚠ cần kiểm tra"


def type_vi(doc_type: str | None) -> str:
    if not doc_type:
        return "chưa xác định"
    dt = load().get(doc_type)
    return dt.title_vi if dt else TYPE_VI.get(doc_type, doc_type)


def label_vi(doc_type: str, field_id: str) -> str:
    dt = load().get(doc_type)
    return dt.label_vi(field_id) if dt else field_id


def show(app: App, document_id: int) -> int:
    con = Console()
    doc = document_fields(app.db, document_id)
    if doc is None:
        con.print(f"Không có hồ sơ số {document_id}.")
        return 1
    con.print(f"[bold]Hồ sơ {doc.document_id}[/bold]: {doc.title} — {type_vi(doc.doc_type)}")
    if len(doc.page_types) > 1:
        con.print("Các trang: " + "; ".join(f"trang {n}: {type_vi(t)}" for n, t in doc.page_types))
    if not doc.fields and not doc.register_entries:
        con.print("Chưa có trường nào được đọc." if doc.state != "indexed" else "Trang này không có trường để đọc.")
        return 0
    if doc.fields:
        review = sum(f.needs_review for f in doc.fields)
        t = Table(title=f"Các trường ({len(doc.fields)}; {review} cần kiểm tra)")
        for col in ("Trang", "Trường", "Giá trị", "Tin cậy", "Kiểm tra", "Đã sửa từ bản nhận dạng"):
            t.add_column(col, overflow="fold")
        for f in doc.fields:
            mark = (
                (REVIEW + ": " + "; ".join(f.review_reasons))
                if f.needs_review
                else ("✓ " + f.confirmed_by if f.confirmed_by else "")
            )
            fixed = f"{f.corrected_from} ({f.correction_reason})" if f.corrected_from else ""
            t.add_row(
                str(f.page_no),
                label_vi(f.doc_type, f.field_id),
                f.value,
                f"{f.confidence:.0%}",
                mark,
                fixed,
                style="yellow" if f.needs_review else None,
            )
        con.print(t)
    for page_no, entries in doc.register_entries:
        t = Table(title=f"Trang {page_no}: các mục trong sổ")
        cols = [
            "so",
            "registration_date",
            "child_name",
            "child_birth_date",
            "child_sex",
            "child_birth_place",
            "mother_name",
            "father_name",
        ]
        heads = ["Số", "Ngày đăng ký", "Họ, chữ đệm, tên", "Ngày sinh", "Giới tính", "Nơi sinh", "Mẹ", "Cha"]
        for h in heads:
            t.add_column(h, overflow="fold")
        for e in entries:
            t.add_row(*[str(e.get(c, "")) if isinstance(e, dict) else "" for c in cols])
        con.print(t)
    return 0
