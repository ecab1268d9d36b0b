"""Jinja2 set-up: Vietnamese labels and dates, search highlights, and ``render`` that gives every
template the signed-in user, the CSRF token and the navigation."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.responses import Response

from indexer.accounts import ROLE_VI, Role
from indexer.vntext import fold
from sohoa.web.security import csrf_token, session_of

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

STATE_VI = {
    "queued": "chờ xử lý",
    "running": "đang xử lý",
    "done": "xong",
    "failed": "lỗi",
    "captured": "đã nhận, chờ xử lý",
    "processing": "đang xử lý",
    "ocr": "đang nhận dạng",
    "indexed": "xong",
    "quarantined": "cách ly",
}
SOURCE_VI = {"hotfolder": "hộp nhận", "import": "nhập hàng loạt", "scanner": "máy quét", "api": "phần mềm khác (API)"}

# The pages of the desk, in the order of the navigation bar; admin only where marked.
NAV = [
    ("intake", "/intake", "Tiếp nhận", None),
    ("work", "/work", "Việc của tôi", None),
    ("search", "/search", "Tra cứu", None),
    ("books", "/books", "Sổ hộ tịch", None),
    ("status", "/status", "Trạng thái", None),
    ("admin", "/admin/users", "Quản trị", Role.ADMIN),
]

_WORD = re.compile(r"\w+", re.UNICODE)


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def make_templates(tz: ZoneInfo) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.trim_blocks = True
    env.lstrip_blocks = True

    def local(dt: datetime | None) -> datetime | None:
        return None if dt is None else _aware(dt).astimezone(tz)

    def vn_datetime(dt: datetime | None) -> str:
        d = local(dt)
        return "" if d is None else d.strftime("%H:%M %d/%m/%Y")

    def vn_time(dt: datetime | None) -> str:
        d = local(dt)
        return "" if d is None else d.strftime("%H:%M:%S")

    def vn_date(dt: datetime | None) -> str:
        d = local(dt)
        return "" if d is None else d.strftime("%d/%m/%Y")

    env.filters.update(
        vn_datetime=vn_datetime,
        vn_time=vn_time,
        vn_date=vn_date,
        state_vi=lambda s: STATE_VI.get(s or "", s or ""),
        source_vi=lambda s: SOURCE_VI.get(s or "", s or ""),
        role_vi=lambda r: ROLE_VI.get(Role(r), r) if r in Role._value2member_map_ else r,
        pct=lambda v: "" if v is None else f"{v:.0f}%",
        filesize=_filesize,
        highlight=highlight,
        jsontext=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True),
        book_vi=book_vi,
        profile_vi=lambda p: PROFILE_VI.get(p or "", p or ""),
        error_kind_vi=lambda k: ERROR_KIND_VI.get(k or "", k or ""),
        error_vi=error_vi,
        reason_vi=reason_vi,
        ranges=ranges,
        actor_vi=actor_vi,
    )
    return templates


# The scanner profiles shipped in config/settings.py, as the clerk knows them; others by their name.
PROFILE_VI = {"intake": "Hồ sơ tiếp nhận (khay nạp giấy)", "book": "Trang sổ hộ tịch (mặt kính)"}
# Job.error_kind (ocr/types.py ErrorKind).
ERROR_KIND_VI = {
    "bad_input": "Tệp hỏng hoặc không đọc được",
    "engine_error": "Lỗi của bộ nhận dạng chữ",
    "timeout": "Quá thời gian xử lý",
    "worker_crashed": "Tiến trình xử lý bị dừng đột ngột",
    "output_error": "Không ghi được kết quả",
}
_EXC = re.compile(r"^\s*([A-Za-z_][\w.]*(?:Error|Exception|Timeout|Exit|Interrupt))\s*:?\s*(.*)$", re.S)
_EXC_VI = {
    "TimeoutError": "Quá thời gian xử lý",
    "MemoryError": "Máy hết bộ nhớ khi xử lý",
    "FileNotFoundError": "Không tìm thấy tệp",
    "PermissionError": "Không có quyền đọc hoặc ghi tệp",
    "OSError": "Lỗi đọc hoặc ghi tệp",
    "ValueError": "Dữ liệu trong tệp không hợp lệ",
}


def error_vi(text: str | None) -> str:
    """A failure's reason for a person: a Python exception line ("RuntimeError: …") becomes a
    Vietnamese sentence; the technical text stays available beside it (the template shows it folded)."""
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    m = _EXC.match(line)
    if m is None:
        return line[:160]
    name = m.group(1).rsplit(".", 1)[-1]
    return _EXC_VI.get(name, "Lỗi khi xử lý trang")


_REASON = re.compile(r"^tạo từ (\w+)(?: \((\w+):(\d+)\))?$")
_ORIGIN_VI = {"desk": "lập tại bàn tiếp nhận", "ocr": "đọc từ ảnh sổ", "legacy": "nhập từ phần mềm cũ"}


def reason_vi(reason: str | None) -> str:
    """An entry history reason as stored ("tạo từ desk (document:65)") as a person says it."""
    m = _REASON.match(reason or "")
    if m is None:
        return reason or ""
    said = _ORIGIN_VI.get(m.group(1), f"tạo từ {m.group(1)}")
    if m.group(2) == "document":
        said += f", từ hồ sơ số {m.group(3)}"
    return said[:1].upper() + said[1:]


def ranges(numbers: list[int] | None) -> str:
    """Page numbers as runs: ``[1, 2, 3, 7, 9, 10]`` → "1–3, 7, 9–10" (never 200 numbers one by one)."""
    out: list[str] = []
    nums = sorted(set(numbers or []))
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}–{nums[j]}")
        i = j + 1
    return ", ".join(out)


def actor_vi(actor: str | None) -> str:
    """Who did it, as a person reads the audit log: accounts by name; the machine and the command
    line said in words ("system" → "hệ thống", "cli:root" → "dòng lệnh (root)")."""
    a = actor or ""
    if a == "system":
        return "hệ thống (tự động)"
    if a.startswith("cli:"):
        return f"dòng lệnh ({a[4:]})"
    return a


def book_vi(key: str | None) -> str:
    """A book's key as a person says it: ``khai_sinh/2026/01`` → "Sổ khai sinh 2026, quyển 01"."""
    from indexer.registers.vocabulary import BOOK_TYPES

    parts = (key or "").split("/")
    if len(parts) != 3 or parts[0] not in BOOK_TYPES:
        return key or ""
    return f"Sổ {BOOK_TYPES[parts[0]].short} {parts[1]}, quyển {parts[2]}"


def _filesize(n: int | None) -> str:
    if n is None:
        return ""
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def highlight(text: str | None, query: str | None) -> Markup:
    """The text, escaped, with the words of the query marked — diacritics or not."""
    text = text or ""
    tokens = set(_WORD.findall(fold(query or "")))
    if not tokens:
        return Markup(escape(text))
    out: list[str] = []
    pos = 0
    for m in _WORD.finditer(text):
        out.append(str(escape(text[pos : m.start()])))
        word = m.group(0)
        if fold(word) in tokens:
            out.append(f"<mark>{escape(word)}</mark>")
        else:
            out.append(str(escape(word)))
        pos = m.end()
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    active: str = "",
) -> Response:
    desk = request.app.state.desk
    session = session_of(request)
    user = session.user if session else None
    ctx: dict[str, Any] = {
        "user": user,
        "csrf_token": csrf_token(request),
        "nav": [(key, href, label) for key, href, label, role in NAV if user and (role is None or user.role == role)],
        "active": active,
        "static_version": desk.static_version,
    }
    ctx.update(context or {})
    return desk.templates.TemplateResponse(request, name, ctx, status_code=status_code, headers=headers)
