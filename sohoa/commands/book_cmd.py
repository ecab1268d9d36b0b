"""``sohoa book …`` and ``sohoa entry …``: register books, their digitisation, their entries.

Exit codes: 0 done; 1 done with something to look at (missing/double pages, refused files);
2 a request that cannot be carried out (the message says why, in Vietnamese).
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from indexer.registers import digitise
from indexer.registers.books import close_book, create_book, find_book, list_books
from indexer.registers.entries import edit_entry, find_entry_id, get_entry, verify_entry
from indexer.registers.model import RegisterError, fmt_date, parse_date
from indexer.registers.vocabulary import BOOK_TYPES, LAYOUT_VI, ORIGIN_VI, STATUS_VI
from sohoa import bookfiles
from sohoa.app import App


def actor(by: str | None = None) -> str:
    if by:
        return by[:80]
    try:
        return f"cli:{getpass.getuser()}"[:80]
    except Exception:
        return "cli"


def guarded(fn: Callable[..., int]) -> Callable[..., int]:
    """Run a command; a RegisterError is told to the clerk (exit 2), nothing else is swallowed."""

    def run(*a: Any, **kw: Any) -> int:
        try:
            return fn(*a, **kw)
        except RegisterError as exc:
            click.echo(f"Lỗi: {exc.message}", err=True)
            return 2

    run.__doc__ = fn.__doc__
    return run


def _date(text: str | None) -> date | None:
    if not text:
        return None
    d = parse_date(text)
    if d is None:
        raise RegisterError(f"Ngày «{text}» không hợp lệ (dd/mm/yyyy).")
    return d


@guarded
def new(
    app: App,
    *,
    book_type: str,
    year: int,
    volume: str,
    layout: str | None,
    commune: str | None,
    commune_code: str | None,
    scheme: str,
    opened: str | None,
    closed: str | None,
    pages: int | None,
    by: str | None,
) -> int:
    b = create_book(
        app.db,
        book_type,
        year,
        volume,
        layout=layout,
        commune=commune,
        commune_code=commune_code,
        scheme=scheme,
        opened_on=_date(opened),
        closed_on=_date(closed),
        expected_pages=pages,
        actor=actor(by),
    )
    click.echo(f"Đã tạo sổ số {b.id}: {b.label} ({LAYOUT_VI[b.layout]}). Khóa sổ: {b.key}")
    if b.commune.code == "00000":
        click.echo('  Lưu ý: chưa đặt tên xã — thêm --commune "Tên xã" --commune-code MÃ khi tạo sổ sau.')
    return 0


@guarded
def list_(app: App, *, book_type: str | None, year: int | None) -> int:
    from indexer.registers.vocabulary import book_type as bt_of

    t = bt_of(book_type) if book_type else None
    if book_type and t is None:
        raise RegisterError(f"Không có loại sổ «{book_type}».")
    rows = list_books(app.db, book_type_id=t.id if t else None, year=year)
    con = Console()
    if not rows:
        con.print("Chưa có sổ nào. Tạo sổ: sohoa book new --type khai_sinh --year 2012 --volume 01")
        return 0
    tab = Table(title=f"Sổ hộ tịch: {len(rows)}")
    for col in (
        "Số sổ",
        "Khóa",
        "Loại sổ",
        "Năm",
        "Quyển",
        "Kiểu",
        "Xã",
        "Trang",
        "Mục",
        "Đã kiểm tra",
        "Khóa sổ ngày",
    ):
        tab.add_column(col, overflow="fold")
    for r in rows:
        b = r.book
        tab.add_row(
            str(b.id),
            b.key,
            b.type.short,
            str(b.year),
            b.volume,
            "kẻ cột" if b.layout == "ledger" else "mỗi trang 1 mục",
            b.commune.name,
            str(r.pages),
            str(r.entries),
            str(r.verified),
            fmt_date(b.closed_on),
        )
    con.print(tab)
    return 0


def _print_report(rep: digitise.Report) -> int:
    con = Console()
    b = rep.book
    con.print(
        f"[bold]Sổ {b.id}[/bold] {b.label} — {rep.pages} trang, {rep.entries} mục ({rep.unverified} chưa kiểm tra)"
    )
    states = ", ".join(f"{digitise.STATE_VI.get(k, k)}: {n}" for k, n in sorted(rep.states.items()))
    if states:
        con.print(f"  Trang: {states}")
    if rep.page_numbers:
        con.print(f"  Số trang có: {_span(rep.page_numbers)}")
    if rep.missing_pages:
        con.print(f"  [yellow]⚠ Thiếu trang: {_span(rep.missing_pages)}[/yellow]")
    for d in rep.double_pages:
        con.print(f"  [yellow]⚠ Trang trùng: {d}[/yellow]")
    if rep.number_gaps:
        gaps = ", ".join(f"{a}" if a == z else f"{a}–{z}" for a, z in rep.number_gaps[:20])
        con.print(f"  [yellow]⚠ Không thấy các số: {gaps} (thiếu trang hoặc đọc sai số)[/yellow]")
    for p in rep.problems[:30]:
        con.print(f"  • {p}")
    if rep.complete:
        con.print("  ✓ Không thấy thiếu hay trùng trang.")
    return 0 if rep.complete else 1


def _span(nums: list[int]) -> str:
    out: list[str] = []
    for a, z in digitise._ranges(nums):
        out.append(str(a) if a == z else f"{a}–{z}")
    return ", ".join(out)


@guarded
def take(app: App, book_ref: str, paths: list[Path], *, start_page: int | None, process: bool, by: str | None) -> int:
    """``book import`` / ``book scan PATH…``: files in page order, OCR, entries, report."""
    book = find_book(app.db, book_ref)
    res = bookfiles.add_files(app, book.id, paths, start_page=start_page, actor=actor(by))
    _print_added(res)
    rc = _finish(app, book.id, process, by)
    return 1 if res.refused else rc


def _print_added(res: digitise.AddResult) -> None:
    click.echo(
        f"Đã thêm {len(res.added)} trang" + (f"; {len(res.already)} tệp đã có trong sổ (bỏ qua)" if res.already else "")
    )
    for no, name in res.added[:50]:
        click.echo(f"  trang {no}: {name}")
    if len(res.added) > 50:
        click.echo(f"  … và {len(res.added) - 50} trang nữa")
    for d in res.doubles:
        click.echo(f"  ⚠ {d}", err=True)
    for name, why in res.refused:
        click.echo(f"  ✗ {name}: {why}", err=True)


def _finish(app: App, book_id: int, process: bool, by: str | None) -> int:
    if process:
        from sohoa.distributed import make_runner

        click.echo("Đang nhận dạng các trang (có thể mất vài phút)…")
        make_runner(app, watch=False).run(once=True)  # with a broker: on the `sohoa worker` machines
    built = digitise.build_entries(app.db, book_id, actor=actor(by))
    if built.pages:
        click.echo(f"Đã lập {built.entries} mục sổ từ {built.pages} trang (chưa kiểm tra: cần người đối chiếu).")
    return _print_report(digitise.book_report(app.db, book_id))


@guarded
def scan(
    app: App,
    book_ref: str,
    *,
    profile: str | None,
    device: str | None,
    start_page: int | None,
    process: bool,
    by: str | None,
) -> int:
    """``book scan BOOK`` without paths: the book's pages from the scanner (profile ``book``)."""
    from sohoa.scanning import UnknownBatch, UnknownProfile, run_scan

    book = find_book(app.db, book_ref)
    try:
        outcome = run_scan(app, profile or "book", device=device)
    except (UnknownProfile, UnknownBatch) as exc:
        raise RegisterError(exc.message) from None
    docs = [
        (r.document_id, f"lô {outcome.batch_id} tờ {r.page.sheet}")
        for r in outcome.results
        if r.document_id is not None
    ]
    res = digitise.attach_documents(app.db, book.id, docs, start_page=start_page, actor=actor(by))
    _print_added(res)
    if outcome.failure is not None:
        click.echo(
            f"Máy quét dừng: {outcome.message} — các trang đã quét được giữ; chạy lại lệnh để quét tiếp.", err=True
        )
    rc = _finish(app, book.id, process, by)
    return 1 if outcome.failure is not None or res.refused else rc


@guarded
def build(app: App, book_ref: str, by: str | None) -> int:
    book = find_book(app.db, book_ref)
    return _finish(app, book.id, False, by)


@guarded
def show(app: App, book_ref: str, *, entries: bool) -> int:
    book = find_book(app.db, book_ref)
    rc = _print_report(digitise.book_report(app.db, book.id))
    if entries:
        from indexer.registers.entries import book_entries

        tab = Table(title="Các mục")
        for col in ("Mục", "Số", "Trang", "Ngày ĐK", "Họ tên", "Ngày sinh", "Trạng thái", "Nguồn", "Ghi chú"):
            tab.add_column(col, overflow="fold")
        for e in book_entries(app.db, book.id):
            tab.add_row(
                str(e.id),
                e.so or f"({e.so_raw})",
                str(e.page_no or ""),
                fmt_date(e.registration_date),
                e.name,
                fmt_date(e.birth_date),
                STATUS_VI.get(e.status, e.status),
                ORIGIN_VI.get(e.origin, e.origin),
                e.notes or "",
            )
        Console().print(tab)
    return rc


@guarded
def close(app: App, book_ref: str, on: str | None, by: str | None) -> int:
    b = close_book(app.db, book_ref, _date(on) or date.today(), actor=actor(by))
    click.echo(f"Đã khóa sổ {b.key} ngày {fmt_date(b.closed_on)}.")
    return 0


# -- entries ----------------------------------------------------------------------------------------


@guarded
def entry_show(app: App, ref: str) -> int:
    e = get_entry(app.db, find_entry_id(app.db, ref))
    con = Console()
    con.print(
        f"[bold]Mục sổ {e.id}[/bold] — sổ {e.book_key} ({e.commune}), số {e.so or '?'}"
        + (f", trang {e.page_no}" if e.page_no else "")
        + f" — {STATUS_VI.get(e.status, e.status)}"
        + (f" bởi {e.verified_by}" if e.verified_by else "")
        + f"; nguồn: {ORIGIN_VI.get(e.origin, e.origin)}"
    )
    tab = Table()
    tab.add_column("Trường")
    tab.add_column("Tên trường")
    tab.add_column("Giá trị", overflow="fold")
    for known in e.type.all_keys:
        if e.data.get(known.key):
            tab.add_row(known.key, known.label, e.data[known.key])
    for k, v in e.data.items():
        if e.type.key(k) is None:
            tab.add_row(k, "", v)
    con.print(tab)
    if e.notes:
        con.print(f"Ghi chú: {e.notes}")
    for r in e.regions:
        con.print(f"Ảnh: trang #{r.page_id}" + (f", dòng tại {r.box}" if r.box else ""))
    for d, st in e.documents:
        con.print(f"Hồ sơ {d}: {st}")
    if e.history:
        h = Table(title="Lịch sử")
        for col in ("Lúc", "Ai", "Loại", "Trường", "Cũ", "Mới", "Lý do"):
            h.add_column(col, overflow="fold")
        for c in e.history:
            h.add_row(f"{c.at:%d/%m/%Y %H:%M}", c.actor, c.kind, c.field, c.old or "", c.new or "", c.reason)
        con.print(h)
    return 0


@guarded
def entry_verify(app: App, refs: list[str], by: str | None) -> int:
    for ref in refs:
        eid = find_entry_id(app.db, ref)
        done = verify_entry(app.db, eid, actor=actor(by))
        click.echo(f"Mục {eid}: " + ("đã xác nhận khớp với sổ." if done else "đã được xác nhận trước đó."))
    return 0


@guarded
def entry_edit(app: App, ref: str, pairs: list[str], *, reason: str, amend: bool, by: str | None) -> int:
    changes: dict[str, str] = {}
    for p in pairs:
        if "=" not in p:
            raise RegisterError(f'«{p}» phải có dạng trường=giá trị (ví dụ: nksHoTen="Nguyễn Văn An").')
        k, v = p.split("=", 1)
        changes[k.strip()] = v
    eid = find_entry_id(app.db, ref)
    made = edit_entry(app.db, eid, changes, actor=actor(by), reason=reason, kind="amendment" if amend else "correction")
    if not made:
        click.echo("Không có gì thay đổi.")
    for c in made:
        click.echo(f"Mục {eid}: {c.field}: «{c.old or ''}» → «{c.new or ''}»")
    return 0


__all__ = [
    "BOOK_TYPES",
    "actor",
    "build",
    "close",
    "entry_edit",
    "entry_show",
    "entry_verify",
    "guarded",
    "list_",
    "new",
    "scan",
    "show",
    "take",
]
