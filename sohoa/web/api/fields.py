"""A document's fields, and their confirmation or correction by a person (through the program).

* ``GET /documents/{id}/fields`` — every field of every page: the value now (a person's, else the
  reading), what the page prints as read (``printed``), the normalised form (``normalized``: a date
  in ISO form, an ID's digits), the parsed forms when the reader made them (``parsed``), the
  confidence, the review flags, what a repair changed, who confirmed it.
* ``PUT /documents/{id}/pages/{n}/fields/{field_id}`` — ``{"value": …, "confirm": true}``: the same
  :func:`indexer.fieldedits.save_field` as the desk (the value kept beside the reading, the change
  and the confirmation audited with ID numbers masked, the name index updated).
* ``POST /documents/{id}/pages/{n}/fields/confirm-all`` — confirm every field of the page as shown.

Any role may correct fields, as on the desk. A page still in OCR answers ``not_ready``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from indexer.documents import _field_label, page_ref
from indexer.fieldedits import FieldNotFound, confirm_all, save_field
from indexer.models import Document, FieldValue, Page
from sohoa.labellearning import learn_from_correction
from sohoa.web.api.auth import Caller
from sohoa.web.api.common import DocId, PageNo, app_of, utc
from sohoa.web.api.errors import ApiError, Code, responses

router = APIRouter(tags=["Trường thông tin"])
FieldId = Annotated[
    str, Path(min_length=1, max_length=80, pattern=r"^[a-z0-9_]+$", description="mã trường, ví dụ child_name")
]


class FieldOut(BaseModel):
    page_no: int
    field_id: str
    label: str
    doc_type: str
    value: str = Field(description="giá trị hiện tại: của người đã sửa, nếu không thì của máy đọc")
    printed: str = Field(description="giá trị như máy đọc trên trang")
    normalized: str | None = Field(description="dạng chuẩn hoá (ngày ISO, chữ số) khi có")
    parsed: dict[str, Any] | None = Field(
        description="các dạng đã phân tích của giá trị (ngày, số CCCD, đối chiếu mã QR) khi có"
    )
    confidence: float
    needs_review: bool
    flags: list[Any]
    corrected_from: str | None
    correction_reason: str | None
    confirmed_by: str | None
    confirmed_at: datetime | None


class DocumentFields(BaseModel):
    document_id: int
    fields: list[FieldOut]


class FieldEdit(BaseModel):
    value: str | None = Field(None, max_length=2000, description="giá trị mới; bỏ trống: giữ giá trị đang có")
    confirm: bool = Field(False, description="đánh dấu đã kiểm tra (như Enter trên bàn làm việc)")


class FieldSaved(BaseModel):
    field_id: str
    value: str
    changed: bool
    confirmed_by: str | None
    confirmed_at: datetime | None
    needs_review: bool


class Confirmed(BaseModel):
    confirmed: int


def _out(f: FieldValue, page_no: int) -> FieldOut:
    return FieldOut(
        page_no=page_no,
        field_id=f.field_id,
        label=_field_label(f.doc_type, f.field_id, f.label),
        doc_type=f.doc_type,
        value=f.confirmed_value if f.confirmed_value is not None else f.value,
        printed=f.raw_value,
        normalized=f.normalized,
        parsed=f.parsed or None,
        confidence=float(f.confidence or 0.0),
        needs_review=bool(f.needs_review) and not f.confirmed_by,
        flags=list(f.review_reasons or []),
        corrected_from=f.corrected_from,
        correction_reason=f.correction_reason,
        confirmed_by=f.confirmed_by,
        confirmed_at=utc(f.confirmed_at),
    )


@router.get(
    "/documents/{doc_id}/fields",
    response_model=DocumentFields,
    responses=responses(Code.NOT_FOUND),
    summary="Các trường của hồ sơ",
)
def get_fields(request: Request, doc_id: DocId, p: Caller) -> DocumentFields:
    with app_of(request).db.read() as s:
        if s.get(Document, doc_id) is None:
            raise ApiError(Code.NOT_FOUND, f"Không có hồ sơ số {doc_id}.")
        rows = s.execute(
            select(FieldValue, Page.page_no)
            .join(Page, Page.id == FieldValue.page_id)
            .where(FieldValue.document_id == doc_id)
            .order_by(Page.page_no, FieldValue.id)
        ).all()
        return DocumentFields(document_id=doc_id, fields=[_out(f, no) for f, no in rows])


def _page_id(request: Request, doc_id: int, page_no: int) -> int:
    ref = page_ref(app_of(request).db, doc_id, page_no)
    if ref is None:
        raise ApiError(Code.NOT_FOUND, f"Hồ sơ số {doc_id} không có trang {page_no}.")
    if ref.state != "indexed":
        raise ApiError(Code.NOT_READY)
    return ref.page_id


@router.put(
    "/documents/{doc_id}/pages/{page_no}/fields/{field_id}",
    response_model=FieldSaved,
    responses=responses(Code.NOT_FOUND, Code.NOT_READY, Code.FIELD_NOT_FOUND),
    summary="Sửa và/hoặc xác nhận một trường",
)
def put_field(
    request: Request, doc_id: DocId, page_no: PageNo, field_id: FieldId, p: Caller, edit: Annotated[FieldEdit, Body()]
) -> FieldSaved:
    page_id = _page_id(request, doc_id, page_no)
    db = app_of(request).db
    value = edit.value
    if value is None:
        with db.read() as s:
            f = s.scalar(select(FieldValue).where(FieldValue.page_id == page_id, FieldValue.field_id == field_id))
            if f is None:
                raise ApiError(Code.FIELD_NOT_FOUND)
            value = f.confirmed_value if f.confirmed_value is not None else f.value
    try:
        st = save_field(db, page_id, field_id, value, actor=p.username, confirm=edit.confirm)
    except FieldNotFound:
        raise ApiError(Code.FIELD_NOT_FOUND) from None
    if edit.confirm and edit.value is not None:  # as on the desk: the printed label may be a new wording
        learn_from_correction(db, app_of(request).settings.data_dir, page_id, field_id, value, p.username)
    return FieldSaved(
        field_id=st.field_id,
        value=st.value,
        changed=st.changed,
        confirmed_by=st.confirmed_by,
        confirmed_at=utc(st.confirmed_at),
        needs_review=st.needs_review,
    )


@router.post(
    "/documents/{doc_id}/pages/{page_no}/fields/confirm-all",
    response_model=Confirmed,
    responses=responses(Code.NOT_FOUND, Code.NOT_READY),
    summary="Xác nhận mọi trường của trang như đang có",
)
def post_confirm_all(request: Request, doc_id: DocId, page_no: PageNo, p: Caller) -> Confirmed:
    n = confirm_all(app_of(request).db, _page_id(request, doc_id, page_no), actor=p.username)
    return Confirmed(confirmed=n)
