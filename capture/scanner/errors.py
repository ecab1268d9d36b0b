"""Why a scan stopped: one enum, each member with the message a clerk at the counter reads.

SANE reports a status code (``SANE_STATUS_JAMMED`` = 6, ...); :func:`problem_for_status` maps it
to a :class:`Problem`. The supervising parent adds the failures no driver can report itself: a
device that stops answering (TIMEOUT) and a driver that takes its process down (DRIVER_CRASHED).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Problem(StrEnum):
    NO_SCANNER = "no_scanner"
    DEVICE_NOT_FOUND = "device_not_found"
    DEVICE_BUSY = "device_busy"
    ACCESS_DENIED = "access_denied"
    PAPER_JAM = "paper_jam"
    COVER_OPEN = "cover_open"
    FEEDER_EMPTY = "feeder_empty"
    DEVICE_LOST = "device_lost"
    TIMEOUT = "timeout"
    DRIVER_CRASHED = "driver_crashed"
    INVALID_OPTION = "invalid_option"
    WARMING_UP = "warming_up"
    HW_LOCKED = "hw_locked"
    SANE_UNAVAILABLE = "sane_unavailable"
    CANCELLED = "cancelled"
    STORAGE_FAILED = "storage_failed"
    SCAN_ERROR = "scan_error"
    INTERRUPTED = "interrupted"


# SANE_Status values (sane.h) -> Problem
_SANE_STATUS = {
    1: Problem.SCAN_ERROR,  # UNSUPPORTED
    2: Problem.CANCELLED,
    3: Problem.DEVICE_BUSY,
    4: Problem.SCAN_ERROR,  # INVAL
    6: Problem.PAPER_JAM,
    7: Problem.FEEDER_EMPTY,  # NO_DOCS
    8: Problem.COVER_OPEN,
    9: Problem.DEVICE_LOST,  # IO_ERROR
    10: Problem.SCAN_ERROR,  # NO_MEM
    11: Problem.ACCESS_DENIED,
    12: Problem.WARMING_UP,
    13: Problem.HW_LOCKED,
}

SANE_STATUS_NAMES = {
    0: "GOOD",
    1: "UNSUPPORTED",
    2: "CANCELLED",
    3: "DEVICE_BUSY",
    4: "INVAL",
    5: "EOF",
    6: "JAMMED",
    7: "NO_DOCS",
    8: "COVER_OPEN",
    9: "IO_ERROR",
    10: "NO_MEM",
    11: "ACCESS_DENIED",
    12: "WARMING_UP",
    13: "HW_LOCKED",
}


def problem_for_status(status: int) -> Problem:
    return _SANE_STATUS.get(int(status), Problem.SCAN_ERROR)


_MESSAGES: dict[Problem, str] = {
    Problem.NO_SCANNER: (
        "Không tìm thấy máy quét nào. Kiểm tra máy quét đã bật, cáp USB hoặc mạng đã cắm, rồi thử lại."
    ),
    Problem.DEVICE_NOT_FOUND: "Không tìm thấy máy quét «{device}». Máy quét đang có: {valid}.",
    Problem.DEVICE_BUSY: "Máy quét đang bận (một chương trình khác đang dùng). Chờ một lát rồi thử lại.",
    Problem.ACCESS_DENIED: "Không có quyền dùng máy quét (tài khoản cần thuộc nhóm «scanner»).",
    Problem.PAPER_JAM: (
        "Kẹt giấy trong khay nạp. Mở nắp, gỡ tờ bị kẹt, đặt lại tờ đó cùng các tờ chưa quét vào khay, rồi quét tiếp."
    ),
    Problem.COVER_OPEN: "Nắp máy quét đang mở. Đóng nắp lại rồi quét tiếp.",
    Problem.FEEDER_EMPTY: "Khay nạp giấy trống. Đặt giấy vào khay rồi bấm quét lại.",
    Problem.DEVICE_LOST: (
        "Mất kết nối với máy quét giữa chừng (lỗi vào/ra). Kiểm tra cáp và nguồn điện của máy quét, "
        "rồi quét tiếp các tờ còn lại."
    ),
    Problem.TIMEOUT: (
        "Máy quét không phản hồi sau {seconds:.0f} giây. Tắt rồi bật lại máy quét, sau đó quét tiếp các tờ còn lại."
    ),
    Problem.DRIVER_CRASHED: (
        "Trình điều khiển máy quét bị lỗi và đã dừng. Tắt rồi bật lại máy quét, sau đó quét tiếp các tờ còn lại."
    ),
    Problem.INVALID_OPTION: (
        "Hồ sơ quét «{profile}»: giá trị «{value}» không dùng được cho «{option}» của máy quét "
        "{device}. Giá trị hợp lệ: {valid}."
    ),
    Problem.WARMING_UP: "Đèn máy quét đang khởi động. Chờ một lát rồi thử lại.",
    Problem.HW_LOCKED: "Máy quét đang bị khóa (khóa vận chuyển). Mở khóa rồi thử lại.",
    Problem.SANE_UNAVAILABLE: (
        "Chưa cài thư viện máy quét SANE (gói libsane1) hoặc pyinsane2. Chạy scripts/setup.sh rồi thử lại."
    ),
    Problem.CANCELLED: "Đã dừng quét theo yêu cầu.",
    Problem.STORAGE_FAILED: "Không lưu được trang vừa quét vào kho lưu trữ; đã dừng quét để không mất trang.",
    Problem.SCAN_ERROR: "Máy quét báo lỗi. Thử quét lại; nếu vẫn lỗi, tắt rồi bật lại máy quét.",
    Problem.INTERRUPTED: "Lô quét bị ngắt giữa chừng (chương trình đã dừng đột ngột).",
}


def _join(values: list[Any] | None) -> str:
    if not values:
        return "(không có)"
    return ", ".join(str(v) for v in values)


class ScanFailure(Exception):
    """A scan that cannot go on, with what a clerk needs to act on it.

    ``detail`` is technical (SANE status, driver output) and goes to the log, not to the clerk.
    """

    def __init__(
        self,
        problem: Problem,
        detail: str = "",
        *,
        device: str | None = None,
        option: str | None = None,
        value: Any = None,
        valid: list[Any] | None = None,
        profile: str | None = None,
        seconds: float | None = None,
        status: int | None = None,
    ) -> None:
        self.problem = problem
        self.detail = detail
        self.device = device
        self.option = option
        self.value = value
        self.valid = valid
        self.profile = profile
        self.seconds = seconds
        self.status = status
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)

    @property
    def message(self) -> str:
        return _MESSAGES[self.problem].format(
            device=self.device or "",
            option=self.option or "",
            value=self.value,
            valid=_join(self.valid),
            profile=self.profile or "",
            seconds=self.seconds or 0.0,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "problem": self.problem.value,
            "detail": self.detail,
            "device": self.device,
            "option": self.option,
            "value": self.value,
            "valid": self.valid,
            "profile": self.profile,
            "seconds": self.seconds,
            "status": self.status,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ScanFailure:
        try:
            problem = Problem(str(d.get("problem")))
        except ValueError:
            problem = Problem.SCAN_ERROR
        return cls(
            problem,
            d.get("detail") or "",
            device=d.get("device"),
            option=d.get("option"),
            value=d.get("value"),
            valid=d.get("valid"),
            profile=d.get("profile"),
            seconds=d.get("seconds"),
            status=d.get("status"),
        )


def message_for(problem: Problem) -> str:
    """The plain message of a problem (no device, option or values filled in)."""
    return ScanFailure(problem).message
