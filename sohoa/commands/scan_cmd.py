"""``sohoa scanners``, ``sohoa scan``, ``sohoa separator``: scanning at the counter.

Everything a clerk reads is Vietnamese; technical details (SANE status, driver output) go to
the log. Exit codes: 0 done, 1 the scan stopped early (pages kept, batch resumable), 2 a wrong
profile or batch number.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import click

from capture.scanner.batch import Fate, PageResult
from capture.scanner.errors import Problem, ScanFailure
from capture.scanner.session import Opened, describe_device, list_devices
from config import Settings
from sohoa.app import App
from sohoa.scanning import ScanOutcome, UnknownBatch, UnknownProfile, child_config, ocr_behind, run_scan

INTERESTING_OPTIONS = ("source", "mode", "resolution", "depth", "adf-mode", "duplex", "br-x", "br-y")


def scanners(settings: Settings, *, details: bool) -> int:
    cfg = child_config(settings)
    try:
        devices = list_devices(cfg)
    except ScanFailure as f:
        click.echo(f.message, err=True)
        return 1
    if not devices:
        click.echo(ScanFailure(Problem.NO_SCANNER).message, err=True)
        return 1
    default = settings.scanner.device or devices[0].name
    click.echo(f"Máy quét tìm thấy ({len(devices)}):")
    for d in devices:
        mark = "  (mặc định)" if d.name == default else ""
        click.echo(f"  {d.name:<28} {d.vendor} {d.model} — {d.type}{mark}")
        if details:
            try:
                _, opts = describe_device(cfg, d.name)
            except ScanFailure as f:
                click.echo(f"      {f.message}")
                continue
            for info, value in opts:
                if info.name in INTERESTING_OPTIONS and info.active:
                    unit = f" {info.unit}" if info.unit else ""
                    click.echo(
                        f"      {info.name}: {_fmt(value)}{unit}  [hợp lệ: {', '.join(map(str, info.valid_values()))}]"
                    )
    click.echo(
        "Hồ sơ quét: "
        + ", ".join(f"{n} ({p.source}, {p.mode}, {p.resolution} dpi)" for n, p in settings.scanner.profiles.items())
    )
    return 0


def _fmt(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _describe_opened(ev: Opened, profile: str, batch_id: int) -> str:
    where = "khay nạp giấy" if ev.feeder else "mặt kính"
    sides = ", hai mặt" if ev.duplex else ""
    mode = f", {ev.mode}" if ev.mode else ""
    dpi = f", {ev.resolution:g} dpi" if ev.resolution else ""
    return f"Lô quét {batch_id}: máy {ev.device}, hồ sơ quét «{profile}» ({where}{sides}{mode}{dpi})."


def _describe_page(r: PageResult) -> str:
    p = r.page
    where = f"tờ {p.sheet} {p.side.vi}"
    if r.fate is Fate.STORED:
        dup = ", trùng nội dung đã có" if r.duplicate else ""
        return f"  {where}: đã lưu vào hồ sơ {r.dossier} (tài liệu {r.document_id}{dup})"
    if r.fate is Fate.SEPARATOR:
        return f"  {where}: tờ phân cách — trang sau bắt đầu hồ sơ mới"
    if r.fate is Fate.BLANK_BACK:
        return f"  {where}: trống — không nhận dạng (ảnh vẫn được lưu)"
    return f"  {where}: ảnh lỗi, đã cách ly"


def scan(app: App, *, profile: str | None, device: str | None, resume: int | None, process: bool) -> int:
    state: dict[str, Any] = {"batch": "?", "profile": profile or ""}

    def on_start(batch_id: int, profile_name: str) -> None:
        state.update(batch=batch_id, profile=profile_name)

    def on_event(ev: Opened | PageResult) -> None:
        if isinstance(ev, Opened):
            click.echo(_describe_opened(ev, state["profile"], state["batch"]))
        else:
            click.echo(_describe_page(ev))

    behind = ocr_behind(app.settings) if process else contextlib.nullcontext()
    try:
        with behind:
            try:
                outcome = run_scan(app, profile, device=device, resume=resume, on_event=on_event, on_start=on_start)
            except (UnknownProfile, UnknownBatch) as exc:
                click.echo(exc.message, err=True)
                return 2
            _summary(outcome)
            # On the glass, one page per scan: at a terminal, offer the next page of the same
            # dossier (each page is a batch continuing the previous one).
            while _another_page(outcome):
                outcome = run_scan(
                    app,
                    outcome.profile,
                    device=outcome.device,
                    resume=outcome.batch_id,
                    on_event=on_event,
                    on_start=on_start,
                )
                _summary(outcome)
            if process and outcome.tally.pages:
                click.echo("Đang chờ nhận dạng chữ (OCR) các trang vừa quét…")
    except KeyboardInterrupt:
        click.echo("\nĐã dừng. Các trang đã quét vẫn được giữ lại.", err=True)
        return 1
    if process and outcome.tally.pages:
        click.echo('Đã nhận dạng xong; tra cứu bằng: sohoa search "họ tên"')
    return 0 if outcome.complete else 1


def _another_page(o: ScanOutcome) -> bool:
    if not (o.complete and o.opened is not None and not o.opened.feeder and sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    answer = click.prompt(
        "Đặt trang tiếp theo lên mặt kính rồi nhấn Enter (gõ q để kết thúc)", default="", show_default=False
    )
    return answer.strip().lower() not in ("q", "x", "thoát", "thoat", "xong")


def _summary(o: ScanOutcome) -> None:
    t = o.tally
    extra = []
    if t.separators:
        extra.append(f"{len(t.separators)} tờ phân cách")
    if t.dropped:
        extra.append(f"{len(t.dropped)} mặt sau trống không nhận dạng")
    if t.quarantined:
        extra.append(f"{len(t.quarantined)} trang bị cách ly")
    more = f" ({', '.join(extra)})" if extra else ""
    dossiers = ", ".join(t.dossiers) or "—"
    if o.complete:
        click.echo(f"Xong lô quét {o.batch_id}: {t.pages} trang từ {t.sheets} tờ, hồ sơ {dossiers}{more}.")
        if t.pages:
            click.echo("Các trang đã vào hàng đợi nhận dạng chữ; `sohoa run` xử lý chúng ngay.")
        return
    f = o.failure
    assert f is not None
    click.echo(f"LỖI: {f.message}", err=True)
    click.echo(
        f"Lô quét {o.batch_id} chưa xong. Đã giữ lại {t.pages} trang đã quét (hồ sơ {dossiers}){more}.", err=True
    )
    if f.problem not in (
        Problem.INVALID_OPTION,
        Problem.NO_SCANNER,
        Problem.SANE_UNAVAILABLE,
        Problem.DEVICE_NOT_FOUND,
    ):
        click.echo(f"Để quét tiếp các tờ còn lại vào cùng hồ sơ: sohoa scan --resume {o.batch_id}", err=True)


def separator(out: Path) -> int:
    from capture.scanner.separator import write_separator_pdf

    path = write_separator_pdf(out)
    click.echo(f"Đã tạo tờ phân cách hồ sơ: {path}")
    click.echo(
        "In tờ này (in hai mặt, hoặc đặt mặt in lên trên) và đặt trước tờ đầu tiên của mỗi hồ sơ "
        "trong khay nạp giấy. Một lần quét có thể gồm nhiều hồ sơ."
    )
    return 0
