"""The filing gate: what a person must have checked before a dossier enters the register.

Guarantees: :func:`fields_to_confirm` lists, in page and reading order, every field of the
document's register pages (pages whose document type is filed in the document's book type; every
page when it has none) that no person has confirmed yet — empty ones included, since a value OCR
missed is as unchecked as one it read. :func:`require_confirmed` raises a Vietnamese
:class:`RegisterError` naming how many and which, so linking a dossier to an entry or creating an
entry from it (``indexer.registers.filing``), whoever asks — the desk, a forged request, the CLI —
never relies on an unchecked OCR reading.

Never: writes anything, or treats an automatic repair as a confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from indexer.models import FieldValue, Page
from indexer.registers.matching import query_from_fields
from indexer.registers.model import RegisterError


@dataclass(frozen=True)
class FieldToConfirm:
    page_no: int
    field_id: str
    label: str


def fields_to_confirm(s: Session, document_id: int) -> list[FieldToConfirm]:
    rows = s.execute(
        select(
            Page.page_no,
            FieldValue.doc_type,
            FieldValue.field_id,
            FieldValue.label,
            FieldValue.value,
            FieldValue.confirmed_value,
            FieldValue.confirmed_by,
        )
        .join(Page, Page.id == FieldValue.page_id)
        .where(FieldValue.document_id == document_id)
        .order_by(Page.page_no, FieldValue.id)
    ).all()
    q = query_from_fields([(dt, fid, c or v or "") for _, dt, fid, _, v, c, _ in rows])
    filed = set(q.book_type.doc_types) if q is not None else None
    labels = [_label(dt, fid, label) for _, dt, fid, label, *_ in rows]
    repeated = {lab for lab in labels if labels.count(lab) > 1}
    return [
        FieldToConfirm(page_no, fid, with_whose(fid, lab) if lab in repeated else lab)
        for (page_no, dt, fid, _, _, _, by), lab in zip(rows, labels, strict=True)
        if by is None and (filed is None or dt in filed)
    ]


# Whose a field is, from its id: said after a label a document repeats ("Năm sinh (mẹ)").
WHOSE = (
    ("child_", "trẻ"),
    ("mother_", "mẹ"),
    ("father_", "cha"),
    ("requester_", "người yêu cầu"),
    ("declarant_", "người khai"),
    ("deceased_", "người chết"),
    ("husband_", "chồng"),
    ("wife_", "vợ"),
    ("bride_", "vợ"),
    ("groom_", "chồng"),
    ("subject_", "người được xác nhận"),
    ("guardian_", "người giám hộ"),
    ("ward_", "người được giám hộ"),
)


def with_whose(field_id: str, label: str) -> str:
    who = next((w for p, w in WHOSE if field_id.startswith(p)), None)
    return f"{label} ({who})" if who and f"({who})" not in label else label


def _label(doc_type: str, field_id: str, printed: str) -> str:
    from indexer.documents import _field_label

    return _field_label(doc_type, field_id, printed)


def require_confirmed(s: Session, document_id: int) -> None:
    left = fields_to_confirm(s, document_id)
    if not left:
        return
    names = ", ".join(f.label for f in left[:4]) + (", …" if len(left) > 4 else "")
    raise RegisterError(
        f"Chưa vào sổ: còn {len(left)} trường chưa được xác nhận ({names}). "
        "Kiểm tra và xác nhận từng trường (Enter) trước khi vào sổ."
    )


__all__ = ["FieldToConfirm", "fields_to_confirm", "require_confirmed", "with_whose"]
