"""``sohoa file DOC``: the register entries proposed for a dossier; confirm, reject, or create."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from indexer.registers import filing
from indexer.registers.entries import find_entry_id
from indexer.registers.model import RegisterError
from indexer.registers.vocabulary import STATUS_VI
from sohoa.app import App
from sohoa.commands.book_cmd import _date, actor, guarded


@guarded
def run(
    app: App,
    document_id: int,
    *,
    confirm: str | None,
    reject: str | None,
    create: bool,
    book: str | None,
    so: str | None,
    registration_date: str | None,
    refile: bool,
    by: str | None,
) -> int:
    who = actor(by)
    if sum(bool(x) for x in (confirm, reject, create)) > 1:
        raise RegisterError("Chỉ chọn một trong --confirm, --reject, --create.")
    if refile:
        out = filing.refile(app.db, document_id)
        if out.skipped:
            click.echo(f"Không đề xuất: {out.skipped}.")
    if confirm:
        eid = find_entry_id(app.db, confirm)
        filing.confirm(app.db, document_id, eid, actor=who)
        click.echo(f"Đã vào sổ: hồ sơ {document_id} → mục {eid}.")
    if reject:
        eid = find_entry_id(app.db, reject)
        filing.reject(app.db, document_id, eid, actor=who)
        click.echo(f"Đã ghi: hồ sơ {document_id} không thuộc mục {eid}.")
    if create:
        eid = filing.create_from_document(
            app.db, document_id, actor=who, book_ref=book, so=so, registration_date=_date(registration_date)
        )
        click.echo(f"Đã lập mục sổ {eid} từ hồ sơ {document_id} và vào sổ hồ sơ.")
    view = filing.document_filing(app.db, document_id)
    con = Console()
    if view.book_type is None:
        con.print(f"Hồ sơ {document_id}: không thấy giấy tờ thuộc sổ hộ tịch nào (hoặc chưa đọc xong).")
        return 0
    con.print(f"[bold]Hồ sơ {document_id}[/bold] — tìm: {view.looked_for}")
    if not view.proposals:
        con.print(
            "Không có mục sổ nào khớp."
            + (
                f" Đây là đăng ký mới: sohoa file {document_id} --create để lập mục từ các trường đã xác nhận."
                if view.can_create
                else ""
            )
        )
        return 0
    tab = Table()
    for col in ("#", "Mục", "Sổ", "Số", "Họ tên", "Ngày sinh", "Ngày ĐK", "Điểm", "Trạng thái", "Vì sao"):
        tab.add_column(col, overflow="fold")
    for p in view.proposals:
        state = filing.STATE_VI.get(p.state, p.state) + (f" ({p.decided_by})" if p.decided_by else "")
        tab.add_row(
            str(p.rank),
            str(p.entry_id),
            p.book_key,
            p.so or "",
            p.name,
            p.birth,
            p.registration_date,
            f"{p.score:.0%}",
            state,
            "; ".join(p.reasons[:4]) + f" — mục {STATUS_VI.get(p.status, p.status)}",
        )
    con.print(tab)
    if view.linked is None:
        con.print(
            f"Xác nhận: sohoa file {document_id} --confirm MỤC"
            + (f"; hoặc lập mục mới: sohoa file {document_id} --create" if view.can_create else "")
        )
    return 0
