"""``sohoa keying …``: double keying ("nhập hai lần") for the archive lead, without the web desk.

* ``sohoa keying double BOOK [--off]`` — the book is keyed twice (or back to once), audited as on the
  desk (``indexer.registers.keying.set_double_keying``);
* ``sohoa keying disagreements BOOK [--json]`` — the entries whose two readings differ and that no
  arbitrator settled yet, in book order, each with its page and row, the two keyers and, per
  differing column, what each typed (``indexer.registers.keying.to_arbitrate``: the desk's queue);
* ``sohoa keying rates [--book BOOK] [--json]`` — each person's agreement rates
  (``indexer.registers.keying_stats.agreement_rates``: the desk's ``/keying/agreement``).

Only reads, except ``double``. Values are shown as typed (the arbitrator checks them against the
paper); nothing here is logged.

Exit codes: 0 done (``disagreements``: none waiting); 1 ``disagreements``: some wait for an
arbitrator, ``rates``: nobody keyed yet; 2 no such book.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

from indexer.registers.books import find_book
from indexer.registers.keying import differences, locate, readings_of, set_double_keying, to_arbitrate
from indexer.registers.keying_stats import PersonRate, agreement_rates
from sohoa.app import App
from sohoa.commands.book_cmd import actor, guarded
from sohoa.commands.book_json import book_doc
from sohoa.commands.jsonout import EXIT_ATTENTION, EXIT_OK, run_json


@dataclass
class Disagreement:
    entry_id: int
    so: str
    page_no: int | None
    row: int | None  # the entry's row on its page, from 1
    keyers: list[str]
    columns: list[dict[str, str]]  # key, label, and each keyer's value as typed ("a", "b")


def _is_double(app: App, book_id: int) -> bool:
    from indexer.models import RegisterBook

    with app.db.read() as s:
        b = s.get(RegisterBook, book_id)
        return bool(b and b.double_keying)


def disagreements(app: App, book_ref: str) -> tuple[Any, bool, list[Disagreement]]:
    """The book, whether it is keyed twice, and its entries waiting for an arbitrator."""
    from indexer.models import RegisterEntry

    book = find_book(app.db, book_ref)
    bt = book.type
    out = []
    for eid in to_arbitrate(app.db, book.id):
        readings = readings_of(app.db, eid)
        (ka, a), (kb, b) = readings[:2]
        pos = locate(app.db, book.id, eid)
        with app.db.read() as s:
            e = s.get(RegisterEntry, eid)
            so = (e.so or e.so_raw or "") if e is not None else ""
        cols = [
            {"key": k, "label": bt.label_of(k), "a": a.get(k, ""), "b": b.get(k, "")} for k in differences(bt, a, b)
        ]
        out.append(
            Disagreement(
                eid,
                so,
                pos.page_no if pos is not None else None,
                pos.index + 1 if pos is not None else None,
                [ka, kb],
                cols,
            )
        )
    return book, _is_double(app, book.id), out


@guarded
def double(app: App, book_ref: str, on: bool, by: str | None) -> int:
    book = find_book(app.db, book_ref)
    was = _is_double(app, book.id)
    set_double_keying(app.db, book.id, on, actor=actor(by))
    con = Console()
    if was == on:
        state = "nhập hai lần" if on else "nhập một lần"
        con.print(f"Sổ {book.key} ({book.label}) đã {state} từ trước: không đổi gì.")
        return EXIT_OK
    if on:
        con.print(
            f"Đã đặt sổ {book.key} ({book.label}) nhập hai lần: hai người nhập mỗi mục, không thấy giá trị của "
            "nhau; chỗ khác nhau chờ người phân xử."
        )
    else:
        con.print(f"Sổ {book.key} ({book.label}) thôi nhập hai lần: mỗi mục nhập một lần.")
        waiting = to_arbitrate(app.db, book.id)
        if waiting:
            con.print(
                f"[yellow]⚠ {len(waiting)} mục có hai lần nhập khác nhau chưa phân xử: "
                "đặt lại nhập hai lần để phân xử.[/yellow]"
            )
    return EXIT_OK


def _dis_doc(d: Disagreement) -> dict[str, Any]:
    return {
        "entry_id": d.entry_id,
        "so": d.so,
        "page_no": d.page_no,
        "row": d.row,
        "keyers": d.keyers,
        "columns": [{"key": c["key"], "label": c["label"], "values": [c["a"], c["b"]]} for c in d.columns],
    }


def disagreements_json(app: App, book_ref: str) -> int:
    def build() -> tuple[dict[str, Any], int]:
        book, dbl, rows = disagreements(app, book_ref)
        doc = {
            "book": book_doc(book),
            "double_keying": dbl,
            "waiting": len(rows),
            "entries": [_dis_doc(d) for d in rows],
        }
        return doc, EXIT_ATTENTION if rows else EXIT_OK

    return run_json(build)


@guarded
def show_disagreements(app: App, book_ref: str) -> int:
    book, dbl, rows = disagreements(app, book_ref)
    con = Console()
    con.print(f"[bold]{book.label}[/bold] ({book.key}) — {'nhập hai lần' if dbl else 'nhập một lần'}")
    if not rows:
        con.print("Không có mục nào chờ phân xử.")
        return EXIT_OK
    con.print(f"{len(rows)} mục hai lần nhập khác nhau, chờ phân xử (theo thứ tự trang, dòng):")
    t = Table(show_lines=True)
    for h in ("Mục", "Số", "Trang", "Dòng", "Cột", "Người nhập 1", "Người nhập 2"):
        t.add_column(h)
    for d in rows:
        first = True
        for c in d.columns:
            t.add_row(
                f"#{d.entry_id}" if first else "",
                d.so if first else "",
                str(d.page_no or "?") if first else "",
                str(d.row or "?") if first else "",
                c["label"],
                f"«{c['a']}» ({d.keyers[0]})",
                f"«{c['b']}» ({d.keyers[1]})",
            )
            first = False
    con.print(t)
    con.print(f"Phân xử trên bàn làm việc: /books/{book.id}/arbitrate (người phân xử không được là người đã nhập).")
    return EXIT_ATTENTION


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f} %"


def _rate_doc(p: PersonRate) -> dict[str, Any]:
    return {
        "actor": p.actor,
        "entries": p.entries,
        "compared": p.compared,
        "columns": p.columns,
        "agreed": p.agreed,
        "agreement": p.agreement,
        "final_columns": p.final_columns,
        "right": p.right,
        "accuracy": p.accuracy,
        "arbitrated": p.arbitrated,
    }


def rates_json(app: App, book_ref: str | None) -> int:
    def build() -> tuple[dict[str, Any], int]:
        book = find_book(app.db, book_ref) if book_ref else None
        rates = agreement_rates(app.db, book.id if book else None)
        doc = {"book": book_doc(book) if book else None, "people": [_rate_doc(p) for p in rates]}
        return doc, EXIT_OK if rates else EXIT_ATTENTION

    return run_json(build)


@guarded
def show_rates(app: App, book_ref: str | None) -> int:
    book = find_book(app.db, book_ref) if book_ref else None
    rates = agreement_rates(app.db, book.id if book else None)
    con = Console()
    con.print(f"[bold]Tỉ lệ khớp của người nhập[/bold] — {book.label if book else 'mọi sổ'}")
    if not rates:
        con.print("Chưa có ai nhập.")
        return EXIT_ATTENTION
    t = Table()
    for h in (
        "Người nhập",
        "Mục đã nhập",
        "Mục đã so",
        "Ô đã so",
        "Khớp với người kia",
        "Đúng với giá trị chốt",
        "Mục đã phân xử",
    ):
        t.add_column(h, justify="left" if h == "Người nhập" else "right")
    for p in rates:
        t.add_row(
            p.actor,
            str(p.entries),
            str(p.compared),
            str(p.columns),
            _pct(p.agreement),
            _pct(p.accuracy),
            str(p.arbitrated),
        )
    con.print(t)
    con.print("Trên các mục đã có hai người nhập: ô khớp với người kia, và ô đúng với giá trị đã chốt.")
    return EXIT_OK
