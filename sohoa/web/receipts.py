"""Paper from the desk: the intake receipt (Giấy tiếp nhận hồ sơ và hẹn trả kết quả, Mẫu 01) a
clerk hands the citizen for a dossier — a panel on the dossier's page proposes it (applicant,
content, papers, due date), the clerk issues it (``indexer.receipts``: the day's next dossier
code, stored before anything is printed), and it prints as a page with a print stylesheet and as
an A4 PDF of two copies (``sohoa.receipt_paper``).

Guarantees: clerks and admins issue (archivists see the panel read-only); without the office's
code in the settings (``[office] agency_code``) nothing is issued and the panel says whom to ask;
a dossier gets one receipt, reprinted as often as wanted with the same code and text; issuing,
viewing and printing are audited (a receipt names a citizen).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from indexer.accounts import Role, UserInfo
from indexer.audit import audit
from indexer.models import DossierReceipt
from indexer.procedures import BY_KEY, PROCEDURES, processing_days
from indexer.receipts import ReceiptDraft, ReceiptError, get_receipt, issue, receipt_of
from indexer.workdays import due_at
from sohoa.receipt_paper import COPIES, days_vi, draft_for, paper, write_pdf
from sohoa.web.panels import Panel, PanelContext, register
from sohoa.web.security import current_user, desk_of, require_role
from sohoa.web.templating import render

router = APIRouter(dependencies=[Depends(current_user)])
ISSUERS = (Role.CLERK, Role.ADMIN)
can_issue = require_role(*ISSUERS)


def _now(request: Request) -> datetime:
    return datetime.now(desk_of(request).tz)


@register
def receipt_panel(ctx: PanelContext) -> Panel | None:
    if ctx.document.state == "quarantined":
        return None
    office = ctx.app.settings.office
    r = receipt_of(ctx.app.db, ctx.document.id)
    c: dict[str, object] = {"doc_id": ctx.document.id, "receipt": r, "agency": office.agency_code}
    if r is None and office.agency_code and ctx.user.role in ISSUERS:
        from zoneinfo import ZoneInfo

        now = datetime.now(ZoneInfo(ctx.app.settings.web.timezone))
        c["draft"] = draft_for(ctx.app.db, ctx.document.id, office, ctx.user.display_name, now)
        c["procedures"] = [(p, days_vi(processing_days(p.key, office.processing_days))) for p in PROCEDURES]
    return Panel("receipt", "Giấy tiếp nhận hồ sơ", "receipts/_panel.html", c)


@router.post("/documents/{doc_id}/receipt")
def issue_receipt(
    request: Request,
    doc_id: int,
    user: Annotated[UserInfo, Depends(can_issue)],
    procedure: Annotated[str, Form()],
    applicant: Annotated[str, Form()] = "",
    content: Annotated[str, Form()] = "",
    applicant_address: Annotated[str, Form()] = "",
    applicant_phone: Annotated[str, Form()] = "",
    papers: Annotated[str, Form()] = "",
    sets: Annotated[int, Form(ge=1, le=99)] = 1,
    days: Annotated[str, Form()] = "",
    result_place: Annotated[str, Form()] = "",
) -> Response:
    app = desk_of(request).app
    office = app.settings.office
    if not office.agency_code:
        return _refused(request, doc_id, "Chưa đặt mã cơ quan (mục [office] agency_code) — báo người quản trị.")
    proc = BY_KEY.get(procedure)
    if proc is None:
        raise HTTPException(422)
    try:
        n_days = int(days) if days.strip() else processing_days(proc.key, office.processing_days)
    except ValueError:
        return _refused(request, doc_id, "Số ngày làm việc phải là một số.")
    if not 0 <= n_days <= 365:
        return _refused(request, doc_id, "Số ngày làm việc phải từ 0 đến 365.")
    now = _now(request)
    draft = ReceiptDraft(
        procedure=proc.key,
        content=content.strip() or (proc.title if proc.key != "khac" else ""),
        applicant=applicant,
        applicant_address=applicant_address,
        applicant_phone=applicant_phone,
        papers=papers.splitlines(),
        sets=sets,
        received_at=now,
        due_at=due_at(now, n_days, office.holidays, same_day_until=office.same_day_until, closing=office.closing_time),
        processing_days=n_days,
        receiver=user.display_name,
        result_place=result_place,
    )
    try:
        r = issue(app.db, doc_id, draft, agency_code=office.agency_code, actor=user.username)
    except ReceiptError as e:
        return _refused(request, doc_id, str(e))
    return RedirectResponse(f"/receipts/{r.id}", status_code=303)


def _refused(request: Request, doc_id: int, message: str) -> Response:
    return render(
        request,
        "receipts/refused.html",
        {"title": "Chưa cấp được giấy tiếp nhận", "message": message, "doc_id": doc_id},
        status_code=422,
    )


def _load(request: Request, receipt_id: int) -> DossierReceipt:
    r = get_receipt(desk_of(request).app.db, receipt_id)
    if r is None:
        raise HTTPException(404)
    return r


@router.get("/receipts/{receipt_id}")
def receipt_page(request: Request, receipt_id: int, user: Annotated[UserInfo, Depends(current_user)]) -> Response:
    desk = desk_of(request)
    r = _load(request, receipt_id)
    with desk.app.db.write() as s:
        audit(s, user.username, "receipt.view", "document", r.document_id, {"code": r.code})
    p = paper(r, desk.app.settings.office, desk.tz)
    return render(request, "receipts/print.html", {"r": r, "p": p, "copies": COPIES})


@router.get("/receipts/{receipt_id}/pdf")
def receipt_pdf(request: Request, receipt_id: int, user: Annotated[UserInfo, Depends(current_user)]) -> Response:
    desk = desk_of(request)
    r = _load(request, receipt_id)
    out = desk.app.settings.web_cache_dir / "print" / f"giay-tiep-nhan-{r.id}-{user.username}.pdf"
    write_pdf(paper(r, desk.app.settings.office, desk.tz), out)
    with desk.app.db.write() as s:
        audit(s, user.username, "receipt.print", "document", r.document_id, {"code": r.code})
    return FileResponse(
        out, media_type="application/pdf", filename=f"giay-tiep-nhan-{r.code}.pdf", content_disposition_type="inline"
    )
