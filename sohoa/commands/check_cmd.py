"""``sohoa check``: re-hash originals and archive files, verify the audit trail's hash chain,
print the problems in Vietnamese, record the result for ``sohoa status``; exit 1 on any problem."""

from __future__ import annotations

import click

from sohoa.app import App
from sohoa.fixity import check, save_result, summary_vi

SHOW = 30


def run(app: App) -> int:
    rep = check(app)
    save_result(app, rep)
    click.echo(
        f"Đã kiểm tra {rep.originals} bản gốc, {rep.archive_files} tệp lưu trữ và {rep.audit_rows} dòng nhật ký "
        f"trong {rep.seconds:.1f} giây."
    )
    for items, title in (
        (rep.missing, "Tệp MẤT (cơ sở dữ liệu có, ổ đĩa không có)"),
        (rep.altered, "Tệp BỊ THAY ĐỔI (nội dung không còn khớp mã băm)"),
        (rep.unreferenced, "Tệp LẠ (không hồ sơ nào dùng)"),
        (rep.audit_problems, "Nhật ký kiểm toán BỊ CAN THIỆP"),
    ):
        if items:
            click.echo(f"{title}: {len(items)}")
            for it in items[:SHOW]:
                click.echo(f"  - {it}")
            if len(items) > SHOW:
                click.echo(f"  … và {len(items) - SHOW} mục khác")
    from dataclasses import asdict

    click.echo(summary_vi({**asdict(rep), "ok": rep.ok}))
    if not rep.ok:
        click.echo("Khôi phục tệp mất hoặc bị thay đổi từ bản sao lưu: sohoa restore (xem README).")
    return 0 if rep.ok else 1
