"""What the API's modules share: id parameters within the database's integer range, times in UTC
ISO form, the desk (the app's settings and database) of a request."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Path, Request

MAX_ID = 2**31 - 1
DocId = Annotated[int, Path(ge=1, le=MAX_ID, description="mã hồ sơ (document id)")]
PageNo = Annotated[int, Path(ge=1, le=100_000, description="số thứ tự trang trong hồ sơ, từ 1")]
EntryId = Annotated[int, Path(ge=1, le=MAX_ID, description="mã mục sổ (entry id)")]
BookId = Annotated[int, Path(ge=1, le=MAX_ID, description="mã sổ (book id)")]


def app_of(request: Request) -> Any:
    """The :class:`sohoa.app.App` behind the API (settings, database, store, intake)."""
    return request.app.state.desk.app


def utc(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


def iso_date(d: date | None) -> str | None:
    return d.isoformat() if d else None
