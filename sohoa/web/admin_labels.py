"""Quản trị — nhãn mới: the label wordings clerks' corrections proposed (``sohoa.labellearning``),
with the field and document type they name and how many corrections proposed them; an admin
accepts one (every worker reads it as that field's label from its next page on) or rejects it.
Admins only; each decision is written to the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from indexer import labelvariants
from indexer.accounts import Role, UserInfo
from indexer.audit import audit
from indexer.fields import catalogue
from sohoa.web.security import desk_of, require_role
from sohoa.web.templating import render

admin_only = require_role(Role.ADMIN)
router = APIRouter(prefix="/admin", dependencies=[Depends(admin_only)])

MESSAGES = {"accepted": "Đã nhận cách ghi nhãn mới.", "rejected": "Đã bỏ đề xuất."}
STATUS_VI = {"proposed": "chờ duyệt", "accepted": "đã nhận", "rejected": "đã bỏ"}


def _rows(data_dir: object) -> list[dict[str, object]]:
    cat = catalogue.load()
    out = []
    for v in labelvariants.read(str(data_dir)):
        dt = cat.get(str(v.get("doc_type", "")))
        out.append(
            {
                **v,
                "doc_title": dt.title_vi if dt else v.get("doc_type"),
                "field_vi": dt.label_vi(str(v.get("field", ""))) if dt else v.get("field"),
                "status_vi": STATUS_VI.get(str(v.get("status")), v.get("status")),
            }
        )
    order = {"proposed": 0, "accepted": 1, "rejected": 2}
    return sorted(out, key=lambda r: (order.get(str(r.get("status")), 3), -int(str(r.get("count", 1)))))


@router.get("/labels")
def labels(request: Request, msg: str = "", error: str = "") -> Response:
    data_dir = desk_of(request).app.settings.data_dir
    return render(
        request,
        "admin/labels.html",
        {"rows": _rows(data_dir), "message": MESSAGES.get(msg, ""), "error": error},
        active="admin",
    )


@router.post("/labels/decide")
def decide(
    request: Request,
    user: Annotated[UserInfo, Depends(admin_only)],
    doc_type: Annotated[str, Form(max_length=80)],
    field: Annotated[str, Form(max_length=80)],
    label: Annotated[str, Form(max_length=300)],
    decision: Annotated[str, Form(max_length=10)],
) -> Response:
    app = desk_of(request).app
    act = labelvariants.accept if decision == "accept" else labelvariants.reject
    try:
        act(app.settings.data_dir, doc_type, field, label, user.username)
    except LookupError:
        return labels(request, error="Không còn đề xuất này (có thể người khác đã duyệt).")
    with app.db.write() as s:
        audit(
            s,
            user.username,
            "label.accept" if decision == "accept" else "label.reject",
            "label",
            None,
            {"doc_type": doc_type, "field": field, "label": label},
        )
    return RedirectResponse(f"/admin/labels?msg={'accepted' if decision == 'accept' else 'rejected'}", status_code=303)
