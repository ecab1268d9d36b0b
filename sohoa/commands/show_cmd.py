"""``sohoa show DOC``: a document's type and fields, with Vietnamese labels and review marks; with
``--json`` the same as one JSON document (:func:`as_json`, keys fixed, see ``jsonout``)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from indexer.fields.catalogue import BLANK, OTHER, load
from indexer.fieldstore import DocumentFields, document_fields
from sohoa.app import App
from sohoa.commands.jsonout import EXIT_ATTENTION, EXIT_OK, emit, error_doc

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


def as_json(doc: DocumentFields) -> dict[str, Any]:
    return {
        "document": {
            "id": doc.document_id,
            "title": doc.title,
            "state": doc.state,
            "doc_type": doc.doc_type,
            "type_label": type_vi(doc.doc_type),
            "pages": [{"page_no": n, "doc_type": t, "type_label": type_vi(t)} for n, t in doc.page_types],
            "fields": [
                {
                    "page_no": f.page_no,
                    "doc_type": f.doc_type,
                    "field_id": f.field_id,
                    "label": label_vi(f.doc_type, f.field_id),
                    "value": f.value,
                    "raw_value": f.raw_value,
                    "confidence": round(f.confidence, 4),
                    "needs_review": f.needs_review,
                    "review_reasons": list(f.review_reasons),
                    "corrected_from": f.corrected_from,
                    "correction_reason": f.correction_reason,
                    "confirmed_by": f.confirmed_by,
                }
                for f in doc.fields
            ],
            "register_entries": [
                {"page_no": n, "entries": [e for e in entries if isinstance(e, dict)]}
                for n, entries in doc.register_entries
            ],
        }
    }


def show(app: App, document_id: int, *, as_json_out: bool = False) -> int:
    """Exit 0 shown, 1 no such document."""
    con = Console()
    doc = document_fields(app.db, document_id)
    if doc is None:
        message = f"Không có hồ sơ số {document_id}."
        if as_json_out:
            emit(error_doc("not_found", message))
        else:
            con.print(message)
        return EXIT_ATTENTION
    if as_json_out:
        emit(as_json(doc))
        return EXIT_OK
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
