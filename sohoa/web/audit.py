"""Quản trị — nhật ký: browse the audit trail with filters, newest first; export it as CSV.
Admins only; an export is itself written to the trail."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse

from indexer.accounts import Role, UserInfo
from indexer.audit import ACTION_VI, OBJECT_VI, AuditFilter, audit, audit_page, detail_vi, iter_audit
from sohoa.web.security import desk_of, require_role
from sohoa.web.templating import render

admin_only = require_role(Role.ADMIN)
router = APIRouter(prefix="/admin", dependencies=[Depends(admin_only)])

PAGE = 100


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filter(
    request: Request, actor: str, action: str, object_type: str, object_id: str, since: str | None, until: str | None
) -> AuditFilter:
    tz = desk_of(request).tz
    d0, d1 = _date(since), _date(until)
    return AuditFilter(
        actor=actor.strip(),
        action=action.strip(),
        object_type=object_type.strip(),
        object_id=object_id.strip(),
        since=datetime.combine(d0, datetime.min.time(), tzinfo=tz) if d0 else None,
        until=datetime.combine(d1 + timedelta(days=1), datetime.min.time(), tzinfo=tz) if d1 else None,
    )


Text = Annotated[str, Query(max_length=100)]


@router.get("/audit")
def audit_log(
    request: Request,
    actor: Text = "",
    action: Text = "",
    object_type: Text = "",
    object_id: Text = "",
    since: Text = "",
    until: Text = "",
    before: int | None = None,
) -> Response:
    flt = _filter(request, actor, action, object_type, object_id, since, until)
    rows, more = audit_page(desk_of(request).app.db, flt, before_id=before, limit=PAGE)
    params = {
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "since": since,
        "until": until,
    }
    return render(
        request,
        "admin/audit.html",
        {
            "rows": rows,
            "more": more,
            "next_before": rows[-1].id if rows and more else None,
            "params": params,
            "action_vi": ACTION_VI,
            "object_vi": OBJECT_VI,
            "detail_vi": detail_vi,
            "first_page": before is None,
        },
        active="admin",
    )


@router.get("/audit.csv")
def audit_csv(
    request: Request,
    user: Annotated[UserInfo, Depends(admin_only)],
    actor: Text = "",
    action: Text = "",
    object_type: Text = "",
    object_id: Text = "",
    since: Text = "",
    until: Text = "",
) -> Response:
    desk = desk_of(request)
    flt = _filter(request, actor, action, object_type, object_id, since, until)
    with desk.app.db.write() as s:
        audit(
            s,
            user.username,
            "audit.export",
            "audit_log",
            None,
            {
                k: v
                for k, v in {
                    "actor": actor,
                    "action": action,
                    "object_type": object_type,
                    "object_id": object_id,
                    "since": since,
                    "until": until,
                }.items()
                if v
            },
        )

    def rows() -> Iterator[str]:
        buf = io.StringIO()
        w = csv.writer(buf)
        buf.write("\ufeff")  # so that spreadsheet programs read the Vietnamese as UTF-8
        w.writerow(["id", "thoi_diem", "nguoi_thuc_hien", "hanh_dong", "doi_tuong", "ma_doi_tuong", "chi_tiet"])
        for r in iter_audit(desk.app.db, flt):
            w.writerow(
                [
                    r.id,
                    r.at.astimezone(desk.tz).isoformat(timespec="seconds"),
                    r.actor,
                    r.action,
                    r.object_type,
                    r.object_id or "",
                    json.dumps(r.detail, ensure_ascii=False, sort_keys=True),
                ]
            )
            if buf.tell() > 64 * 1024:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()

    stamp = datetime.now(desk.tz).strftime("%Y%m%d-%H%M")
    return StreamingResponse(
        rows(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="nhat-ky-{stamp}.csv"'},
    )
