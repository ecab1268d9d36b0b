"""``sohoa file DOC``: the register entries proposed for a dossier; confirm, reject, or create; with
``--json`` what was done and the proposals as one JSON document (:func:`as_json`, see ``jsonout``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from indexer.registers import filing
from indexer.registers.entries import find_entry_id
from indexer.registers.model import RegisterError
from indexer.registers.vocabulary import STATUS_VI
from sohoa.app import App
from sohoa.commands.book_cmd import _date, actor, guarded
from sohoa.commands.jsonout import run_json


def _decide(
    app: App,
    document_id: int,
    say: Callable[[str], None],
    *,
    confirm: str | None,
    reject: str | None,
    create: bool,
    book: str | None,
    so: str | None,
    registration_date: str | None,
    refile: bool,
    by: str | None,
) -> list[dict[str, Any]]:
    """Carry out what was asked; each step told in Vietnamese through ``say`` and returned."""
    who = actor(by)
    done: list[dict[str, Any]] = []
    if sum(bool(x) for x in (confirm, reject, create)) > 1:
        raise RegisterError("Chỉ chọn một trong --confirm, --reject, --create.")
    if refile:
        out = filing.refile(app.db, document_id)
        done.append({"action": "refile", "entry_id": None, "skipped": out.skipped or None})
        if out.skipped:
            say(f"Không đề xuất: {out.skipped}.")
    if confirm:
        eid = find_entry_id(app.db, confirm)
        filing.confirm(app.db, document_id, eid, actor=who)
        done.append({"action": "confirm", "entry_id": eid, "skipped": None})
        say(f"Đã vào sổ: hồ sơ {document_id} → mục {eid}.")
    if reject:
        eid = find_entry_id(app.db, reject)
        filing.reject(app.db, document_id, eid, actor=who)
        done.append({"action": "reject", "entry_id": eid, "skipped": None})
        say(f"Đã ghi: hồ sơ {document_id} không thuộc mục {eid}.")
    if create:
        eid = filing.create_from_document(
            app.db, document_id, actor=who, book_ref=book, so=so, registration_date=_date(registration_date)
        )
        done.append({"action": "create", "entry_id": eid, "skipped": None})
        say(f"Đã lập mục sổ {eid} từ hồ sơ {document_id} và vào sổ hồ sơ.")
    return done


def as_json(view: filing.DocumentFiling, done: list[dict[str, Any]]) -> dict[str, Any]:
    linked = view.linked
    return {
        "document_id": view.document_id,
        "done": done,
        "book_type": view.book_type,
        "looked_for": view.looked_for,
        "linked_entry_id": linked.entry_id if linked else None,
        "undo_until": view.undo_until,
        "can_create": view.can_create,
        "fields_to_confirm": [
            {"page_no": f.page_no, "field_id": f.field_id, "label": f.label} for f in view.to_confirm
        ],
        "proposals": [
            {
                "rank": p.rank,
                "entry_id": p.entry_id,
                "book_key": p.book_key,
                "so": p.so,
                "name": p.name,
                "birth": p.birth,
                "registration_date": p.registration_date,
                "score": round(p.score, 4),
                "state": p.state,
                "state_label": filing.STATE_VI.get(p.state, p.state),
                "decided_by": p.decided_by,
                "entry_status": p.status,
                "reasons": list(p.reasons),
            }
            for p in view.proposals
        ],
    }


def run(app: App, document_id: int, *, as_json_out: bool = False, **asked: Any) -> int:
    """Exit 0 done (even without proposals), 2 refused (unknown dossier or entry, a wrong request)."""
    if as_json_out:

        def build() -> tuple[dict[str, Any], int]:
            done = _decide(app, document_id, lambda _: None, **asked)
            return as_json(filing.document_filing(app.db, document_id), done), 0

        return run_json(build)
    return _show(app, document_id, **asked)


@guarded
def _show(app: App, document_id: int, **asked: Any) -> int:
    _decide(app, document_id, click.echo, **asked)
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
