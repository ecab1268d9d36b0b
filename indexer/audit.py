"""The append-only audit trail: who or what did what to which record — and how a person reads it:
every action, object type and detail key of the trail has a Vietnamese label here (:data:`ACTION_VI`,
:func:`detail_vi`); an unknown one is shown as it is, never hidden."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from indexer import auditchain
from indexer.auditchain import canonical_detail
from indexer.models import AuditEntry, utcnow


def audit(
    session: Session, actor: str, action: str, object_type: str, object_id: object, detail: dict[str, Any] | None = None
) -> None:
    entry = AuditEntry(
        at=utcnow(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        detail=canonical_detail(detail),
    )
    auditchain.link(session, entry)  # each row carries the hash of the one before
    session.add(entry)


# -- reading the trail (the web desk's audit page and CSV export) ---------------------------------


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""  # a prefix: "document" finds document.view, document.pdf, ...
    object_type: str = ""
    object_id: str = ""
    since: datetime | None = None
    until: datetime | None = None

    def apply(self, q: Select) -> Select:
        if self.actor:
            q = q.where(AuditEntry.actor == self.actor)
        if self.action:
            q = q.where(AuditEntry.action.startswith(self.action, autoescape=True))
        if self.object_type:
            q = q.where(AuditEntry.object_type == self.object_type)
        if self.object_id:
            q = q.where(AuditEntry.object_id == self.object_id)
        # SQLite keeps times as UTC text without an offset: compare in UTC.
        if self.since is not None:
            q = q.where(AuditEntry.at >= self.since.astimezone(UTC))
        if self.until is not None:
            q = q.where(AuditEntry.at < self.until.astimezone(UTC))
        return q


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str | None
    detail: dict[str, Any]


def _row(e: AuditEntry) -> AuditRow:
    at = e.at if e.at.tzinfo else e.at.replace(tzinfo=UTC)
    return AuditRow(e.id, at, e.actor, e.action, e.object_type, e.object_id, e.detail or {})


def audit_page(
    db: Any, flt: AuditFilter, *, before_id: int | None = None, limit: int = 100
) -> tuple[list[AuditRow], bool]:
    """One page of entries, newest first, older than ``before_id``; and whether more follow."""
    q = flt.apply(select(AuditEntry))
    if before_id is not None:
        q = q.where(AuditEntry.id < before_id)
    with db.read() as s:
        rows = [_row(e) for e in s.scalars(q.order_by(AuditEntry.id.desc()).limit(limit + 1))]
    return rows[:limit], len(rows) > limit


def iter_audit(db: Any, flt: AuditFilter, batch: int = 2000) -> Iterator[AuditRow]:
    """Every matching entry, oldest first, read in batches (for the CSV export)."""
    after = 0
    while True:
        q = flt.apply(select(AuditEntry)).where(AuditEntry.id > after).order_by(AuditEntry.id).limit(batch)
        with db.read() as s:
            rows = [_row(e) for e in s.scalars(q)]
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].id


# -- how a person reads the trail -------------------------------------------------------------------

ACTION_VI = {
    "login": "Đăng nhập",
    "login.failed": "Đăng nhập sai",
    "login.limited": "Đăng nhập bị chặn (sai quá nhiều lần)",
    "logout": "Đăng xuất",
    "document.view": "Xem hồ sơ",
    "page.image": "Xem ảnh trang",
    "document.pdf": "Mở PDF",
    "document.original": "Tải bản gốc",
    "document.indexed": "Nhận dạng xong",
    "document.quarantine": "Cách ly hồ sơ",
    "page.failed": "Trang bị lỗi",
    "search": "Tra cứu",
    "field.edit": "Sửa trường",
    "field.confirm": "Xác nhận trường",
    "filing.auto_link": "Tự vào sổ (chắc chắn)",
    "filing.link": "Vào sổ (chọn mục)",
    "filing.reject": "Bỏ đề xuất mục sổ",
    "filing.create": "Lập mục sổ mới",
    "filing.undo": "Hủy vào sổ",
    "filing.search": "Tìm mục sổ để vào sổ",
    "entry.create": "Lập mục sổ",
    "entry.view": "Xem mục sổ",
    "entry.verify": "Đối chiếu mục sổ",
    "entry.verify_incomplete": "Đối chiếu mục sổ còn trống (có lý do)",
    "entry.correction": "Sửa mục sổ",
    "entry.amendment": "Ghi chú thay đổi mục sổ",
    "book.create": "Mở sổ",
    "book.close": "Khóa sổ",
    "book.import": "Nhập trang sổ",
    "book.page.add": "Thêm trang sổ",
    "book.page.view": "Xem trang sổ",
    "book.entries.build": "Lập mục từ trang sổ",
    "book.export": "Xuất sổ",
    "book.print": "In sổ",
    "receipt.issue": "Cấp giấy tiếp nhận hồ sơ",
    "receipt.view": "Xem giấy tiếp nhận hồ sơ",
    "receipt.print": "In giấy tiếp nhận hồ sơ (PDF)",
    "registers.export": "Xuất dữ liệu sổ",
    "registers.import": "Nhập dữ liệu sổ (tệp trao đổi)",
    "commune.create": "Thêm xã",
    "scan.request": "Yêu cầu quét",
    "scan.start": "Bắt đầu quét",
    "scan.end": "Quét xong",
    "scan.interrupted": "Quét bị gián đoạn",
    "scan.refused": "Không quét được",
    "user.create": "Tạo tài khoản",
    "user.activate": "Mở khóa tài khoản",
    "user.deactivate": "Khóa tài khoản",
    "user.password": "Đổi mật khẩu",
    "audit.export": "Xuất nhật ký",
    "jobs.retry": "Xử lý lại trang lỗi",
    "capture.new": "Nhận tệp mới",
    "capture.duplicate": "Nhận tệp trùng",
    "capture.quarantine": "Cách ly tệp",
    "quarantine.download": "Tải tệp bị cách ly",
    "quarantine.readmit": "Nhận lại tệp bị cách ly",
    "quarantine.delete": "Xóa tệp bị cách ly",
    "label.accept": "Nhận cách ghi nhãn mới",
    "label.reject": "Bỏ cách ghi nhãn đề xuất",
    "api.call": "Gọi API (phần mềm khác)",
    "api.refused": "Gọi API bị từ chối",
    "apitoken.create": "Cấp mã truy cập API",
    "apitoken.revoke": "Thu hồi mã truy cập API",
}

OBJECT_VI = {
    "document": "hồ sơ",
    "page": "trang",
    "entry": "mục sổ",
    "register_entry": "mục sổ",
    "book": "sổ",
    "user": "tài khoản",
    "label": "nhãn trường",
    "scan_batch": "lô quét",
    "job": "việc xử lý",
    "commune": "xã",
    "quarantine": "tệp cách ly",
    "api_token": "mã truy cập API",
}

DETAIL_VI = {
    "page": "trang",
    "page_id": "mã trang",
    "field": "trường",
    "fields": "các trường",
    "old": "cũ",
    "new": "mới",
    "value": "giá trị",
    "entry": "mục sổ",
    "entries": "các mục sổ",
    "book": "sổ",
    "so": "số",
    "name": "họ tên",
    "q": "tìm",
    "score": "điểm",
    "why": "vì sao",
    "deleted": "đã xóa mục",
    "data": "nội dung mục",
    "profile": "hồ sơ quét",
    "resume": "quét tiếp lô",
    "refresh": "tự cập nhật",
    "sha256": "mã tệp",
    "role": "vai trò",
    "reason": "lý do",
    "missing": "còn trống",
    "file": "tệp",
    "as": "thành tệp",
    "count": "số lượng",
    "pages": "số trang",
    "error": "lỗi",
    "message": "thông báo",
    "ip": "địa chỉ máy",
    "username": "tên đăng nhập",
    "method": "phương thức",
    "op": "thao tác",
    "path": "địa chỉ",
    "query": "tham số",
    "status": "kết quả",
    "days": "số ngày",
    "dossier": "bộ hồ sơ",
    "documents": "hồ sơ",
    "people": "người",
    "results": "số kết quả",
    "code": "mã hồ sơ",
    "due": "hẹn trả",
}


def action_vi(action: str) -> str:
    return ACTION_VI.get(action, action)


def detail_vi(detail: dict[str, Any] | None) -> str:
    """A detail dict as one line a person reads: Vietnamese keys, values as they are."""

    def show(v: Any) -> str:
        if isinstance(v, bool):
            return "có" if v else "không"
        if isinstance(v, dict):
            return "{" + detail_vi(v) + "}"
        if isinstance(v, (list, tuple)):
            return ", ".join(show(x) for x in v)
        return "" if v is None else str(v)

    return "; ".join(f"{DETAIL_VI.get(k, k)}: {show(v)}" for k, v in (detail or {}).items())
