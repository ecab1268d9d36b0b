"""The administrative procedures a commune's one-stop desk receives dossiers for, with the time the
law gives to settle each (in working days; 0 = the same working day) — what an intake receipt
prints as "Nội dung yêu cầu giải quyết" and from which its due date is counted.

The times are the statutory ones as remembered from Luật Hộ tịch 60/2014/QH13, Nghị định
123/2015/NĐ-CP and Nghị định 23/2015/NĐ-CP (domain.md §1); they are not checked against the
official texts (marked so below). An office sets its own in ``[office] processing_days``
(``ket_hon = 5`` where every marriage is verified), which always wins.

Guarantees: every document type the field reader knows that starts a procedure maps to exactly
one procedure here; anything else is ``khac`` (the clerk then names the content and the days).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Procedure:
    key: str
    title: str  # as the receipt prints it
    days: int  # working days to settle; 0 = the same working day
    doc_types: tuple[str, ...] = ()


PROCEDURES: tuple[Procedure, ...] = (
    # Luật Hộ tịch Đ.16: "ngay sau khi nhận đủ giấy tờ" [unverified wording]
    Procedure("khai_sinh", "Đăng ký khai sinh", 0, ("to_khai_dang_ky_khai_sinh",)),
    # Luật Hộ tịch Đ.18: at once; up to 5 working days when it must be verified [unverified]
    Procedure("ket_hon", "Đăng ký kết hôn", 0, ("to_khai_dang_ky_ket_hon",)),
    # Luật Hộ tịch Đ.34: at once [unverified]
    Procedure("khai_tu", "Đăng ký khai tử", 0, ("to_khai_dang_ky_khai_tu",)),
    # NĐ 123/2015 Đ.22: 3 working days [unverified]
    Procedure(
        "xac_nhan_hon_nhan",
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        3,
        ("to_khai_xac_nhan_tinh_trang_hon_nhan",),
    ),
    # NĐ 123/2015 Đ.64: the same day [unverified]
    Procedure("trich_luc", "Cấp bản sao trích lục hộ tịch", 0, ("trich_luc_khai_sinh", "trich_luc_khai_tu")),
    # NĐ 23/2015 Đ.7: the same day, the next working day when received after 15:00 (domain.md §1)
    Procedure("chung_thuc_ban_sao", "Chứng thực bản sao từ bản chính", 0, ("chung_thuc_ban_sao",)),
    Procedure("khac", "Thủ tục khác", 0),
)
BY_KEY = {p.key: p for p in PROCEDURES}
OTHER = BY_KEY["khac"]


def procedure_of(doc_type: str | None) -> Procedure:
    """The procedure a dossier of this document type asks for; ``khac`` when none is known."""
    for p in PROCEDURES:
        if doc_type and doc_type in p.doc_types:
            return p
    return OTHER


def processing_days(key: str, overrides: Mapping[str, int] | None = None) -> int:
    """The working days of procedure ``key``: the office's own setting, else the statutory time."""
    if overrides and key in overrides:
        return int(overrides[key])
    return BY_KEY.get(key, OTHER).days
