"""Why a file is refused at intake: one enum, each member with the message a clerk reads."""

from __future__ import annotations

from enum import StrEnum


class RejectReason(StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    EXTENSION_MISMATCH = "extension_mismatch"
    TRUNCATED = "truncated"
    CORRUPT_IMAGE = "corrupt_image"
    CORRUPT_PDF = "corrupt_pdf"
    PDF_ENCRYPTED = "pdf_encrypted"
    NO_PAGES = "no_pages"
    TOO_MANY_PAGES = "too_many_pages"
    DECOMPRESSION_BOMB = "decompression_bomb"
    UNREADABLE = "unreadable"
    PAGE_UNREADABLE = "page_unreadable"
    SYMLINK = "symlink"
    NOT_REGULAR = "not_regular"

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_MESSAGES = {
    RejectReason.EMPTY: "Tệp rỗng (0 byte).",
    RejectReason.TOO_LARGE: "Tệp quá lớn so với giới hạn cho phép.",
    RejectReason.UNSUPPORTED_TYPE: "Không phải tệp ảnh (JPEG, PNG, TIFF) hay PDF.",
    RejectReason.EXTENSION_MISMATCH: "Đuôi tệp không khớp với nội dung tệp.",
    RejectReason.TRUNCATED: "Tệp bị cắt cụt (chưa ghi xong hoặc hỏng khi sao chép).",
    RejectReason.CORRUPT_IMAGE: "Ảnh bị hỏng, không giải mã được.",
    RejectReason.CORRUPT_PDF: "Tệp PDF bị hỏng, không đọc được.",
    RejectReason.PDF_ENCRYPTED: "Tệp PDF có mật khẩu.",
    RejectReason.NO_PAGES: "Tệp không có trang nào.",
    RejectReason.TOO_MANY_PAGES: "Tệp có quá nhiều trang so với giới hạn cho phép.",
    RejectReason.DECOMPRESSION_BOMB: "Kích thước ảnh bất thường (quá nhiều điểm ảnh).",
    RejectReason.UNREADABLE: "Không có quyền đọc tệp.",
    RejectReason.PAGE_UNREADABLE: "Một trang của tệp không giải mã được khi xử lý.",
    RejectReason.SYMLINK: "Liên kết tượng trưng (symlink): sohoa không đi theo liên kết, không đọc tệp đích.",
    RejectReason.NOT_REGULAR: "Không phải tệp thường (ống FIFO, socket hay thiết bị): không đọc.",
}


class Rejected(Exception):
    """A file sohoa will not take, with the reason and a technical detail."""

    def __init__(self, reason: RejectReason, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail
