"""``sohoa legacy import``, ``sohoa export`` and ``sohoa exchange import``: register data in and out."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from indexer.audit import audit
from indexer.registers import exchange, export, legacy_import
from indexer.registers.books import find_book
from sohoa import exports
from sohoa.app import App
from sohoa.commands.book_cmd import actor, guarded


@guarded
def legacy(
    app: App,
    path: Path,
    *,
    book: str,
    mapping: Path | None,
    pairs: list[str],
    encoding: str | None,
    sheet: str | None,
    report: Path | None,
    dry_run: bool,
    verified: bool,
    by: str | None,
) -> int:
    rep = legacy_import.import_file(
        app.db,
        book,
        path,
        mapping=legacy_import.load_mapping(mapping, pairs),
        encoding=encoding,
        sheet=sheet,
        actor=actor(by),
        dry_run=dry_run,
        verified=verified,
    )
    con = Console()
    con.print(f"Tệp {path.name} → sổ {rep.book}; bảng mã: {rep.encoding}")
    con.print("Cột: " + ", ".join(f"{h} → {k}" for h, k in rep.mapping.items()))
    if rep.unmapped:
        con.print(
            f"[yellow]Cột không dùng (không biết trường nào): {', '.join(rep.unmapped)} — ánh xạ bằng "
            f'--map "Tên cột=trường" nếu cần.[/yellow]'
        )
    verb = "sẽ thêm" if dry_run else "đã thêm"
    con.print(
        f"{rep.total} dòng: {verb} {rep.created}, không đổi {rep.unchanged}, từ chối {len(rep.rejected)}"
        + (f", dòng trống {rep.empty}" if rep.empty else "")
    )
    if rep.rejected:
        t = Table(title="Dòng bị từ chối")
        t.add_column("Dòng")
        t.add_column("Lý do", overflow="fold")
        t.add_column("Giá trị", overflow="fold")
        for r in rep.rejected[:100]:
            t.add_row(str(r.row), r.reason, "; ".join(f"{k}={v}" for k, v in r.values.items()))
        con.print(t)
        out = report or path.with_name(path.stem + ".tu-choi.csv")
        rep.write_csv(out)
        con.print(f"Danh sách đầy đủ các dòng bị từ chối: {out}")
    return 1 if rep.rejected else 0


@guarded
def export_book(app: App, book_ref: str, out: Path, by: str | None) -> int:
    b = find_book(app.db, book_ref)
    res = exports.export_book(app, b.id, out)
    with app.db.write() as s:
        audit(
            s,
            actor(by),
            "book.export",
            "register_book",
            b.id,
            {"entries": res.entries, "pdfs": res.pdfs, "out": str(out)},
        )
    click.echo(
        f"Sổ {b.key}: {res.entries} mục → {res.xlsx.name}; {res.pdfs} tệp PDF trong {res.zip.name}; "
        f"bản in: {res.print_pdf.name} (thư mục {out})"
    )
    if res.without_images:
        click.echo(
            f"  {len(res.without_images)} mục chưa có ảnh trang sổ (số: {', '.join(res.without_images[:20])}"
            + ("…" if len(res.without_images) > 20 else "")
            + ")"
        )
    return 0


@guarded
def export_all(app: App, fmt: str, out: Path | None, by: str | None) -> int:
    path = out or Path(f"so-ho-tich.{fmt}")
    if path.is_dir():
        path = path / f"so-ho-tich.{fmt}"
    done, n = export.export_all(app.db, fmt, path)
    with app.db.write() as s:
        audit(s, actor(by), "registers.export", "register_book", None, {"format": fmt, "entries": n, "out": str(done)})
    click.echo(f"Đã xuất {n} mục sổ → {done}")
    return 0


@guarded
def print_book(app: App, book_ref: str, out: Path, by: str | None) -> int:
    b = find_book(app.db, book_ref)
    export.print_pdf(app.db, b.id, out)
    with app.db.write() as s:
        audit(s, actor(by), "book.print", "register_book", b.id, {"out": str(out)})
    click.echo(f"Bản in sổ {b.key}: {out}")
    return 0


@guarded
def exchange_import(app: App, path: Path, by: str | None) -> int:
    """``sohoa exchange import FILE``: exit 0 every book taken, 1 some left alone (already there)."""
    rep = exchange.import_file(app.db, path, actor=actor(by))
    for b in rep.books:
        if b.skipped:
            click.echo(f"Sổ {b.key}: {b.skipped}")
        else:
            keyed = f", {b.keyings} lần nhập từ sổ giấy" if b.keyings else ""
            click.echo(f"Sổ {b.key}: đã nhập {b.entries} mục, {b.history} dòng lịch sử{keyed}")
    click.echo(f"Tệp {path.name}: {rep.entries} mục đã nhập.")
    return 1 if any(b.skipped for b in rep.books) else 0
