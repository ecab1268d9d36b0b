"""Tiếp nhận: the documents that arrived on a day (today by default), refreshed live by htmx —
each titled by what it is and whom it names, with its thumbnail, the fields left to check and
whether it is filed; filters: "cần kiểm tra", "chưa vào sổ", a document type, a day.

The Scan button (scanner profiles, issue 4) is above the list: ``sohoa/web/scan.py``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from indexer.accounts import UserInfo
from indexer.documents import documents_between
from sohoa.web.intake_rows import SHOW, intake_rows, keep
from sohoa.web.pageimages import THUMB
from sohoa.web.security import current_user, desk_of
from sohoa.web.templating import render

router = APIRouter(dependencies=[Depends(current_user)])

POLL_SECONDS = 3


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, start + timedelta(days=1)


def _day(request: Request, day: str | None) -> date:
    today = datetime.now(desk_of(request).tz).date()
    if day:
        try:
            return min(date.fromisoformat(day), today)
        except ValueError:
            pass
    return today


def _context(request: Request, day: date, show: str = "", kind: str = "") -> dict[str, object]:
    desk = desk_of(request)
    start, end = day_bounds(day, desk.tz)
    docs = documents_between(desk.app.db, start, end)
    today = datetime.now(desk.tz).date()
    rows = intake_rows(desk.app.db, docs)
    show = show if show in SHOW else ""
    kinds = sorted({(r.kind, r.kind_vi) for r in rows if r.kind}, key=lambda k: k[1])
    params = {k: v for k, v in (("day", day.isoformat() if day != today else ""), ("show", show), ("type", kind)) if v}
    return {
        "docs": docs,
        "rows": keep(rows, show, kind),
        "all_count": len(rows),
        "show": show,
        "show_vi": SHOW,
        "kind": kind,
        "kinds": kinds,
        "query": urlencode(params),
        "thumb": THUMB,
        "day": day,
        "is_today": day == today,
        "prev_day": (day - timedelta(days=1)).isoformat(),
        "next_day": (day + timedelta(days=1)).isoformat() if day < today else None,
        "poll_seconds": POLL_SECONDS,
        "pending": sum(1 for d in docs if d.state in ("captured", "processing")),
    }


Filter = Annotated[str, Query(max_length=80)]


@router.get("/intake")
def intake_page(
    request: Request,
    user: Annotated[UserInfo, Depends(current_user)],
    day: str | None = None,
    show: Filter = "",
    type: Filter = "",
) -> Response:
    from sohoa.web.scan import scanner_context

    ctx = _context(request, _day(request, day), show, type)
    ctx.update(scanner_context(request))
    return render(request, "intake/page.html", ctx, active="intake")


@router.get("/intake/list")
def intake_list(request: Request, day: str | None = None, show: Filter = "", type: Filter = "") -> Response:
    """The list alone, for htmx to swap in every few seconds."""
    return render(request, "intake/_list.html", _context(request, _day(request, day), show, type))
