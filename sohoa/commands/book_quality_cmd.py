"""``sohoa book quality BOOK [--json]``: a book's progress and quality for the archive lead (pages
scanned, rows found, entries keyed once/twice, agreed, arbitrated, verified; missing and double
pages; numbers out of sequence; dates outside the book's year), from
``indexer.registers.quality.book_quality`` — the same numbers as the desk's page.

Exit codes: 0 the book is finished (every entry verified, nothing to look at); 1 something is
still to do or to look at; 2 no such book.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console

from indexer.registers import digitise
from indexer.registers.quality import Quality, book_quality
from sohoa.app import App
from sohoa.commands.book_cmd import _print_report as print_report
from sohoa.commands.book_cmd import guarded
from sohoa.commands.book_json import book_doc
from sohoa.commands.jsonout import EXIT_ATTENTION, EXIT_OK, run_json


def quality_doc(q: Quality) -> dict[str, Any]:
    return {
        "book": book_doc(q.book),
        "finished": q.finished,
        "double_keying": q.double_keying,
        "pages_scanned": q.pages_scanned,
        "page_states": dict(sorted(q.page_states.items())),
        "rows_found": q.rows_found,
        "entries": q.entries,
        "keyed_once": q.keyed_once,
        "keyed_twice": q.keyed_twice,
        "agreed": q.agreed,
        "waiting_arbitration": q.waiting_arbitration,
        "arbitrated": q.arbitrated,
        "verified": q.verified,
        "missing_pages": q.missing_pages,
        "double_pages": q.double_pages,
        "number_gaps": [list(g) for g in q.number_gaps],
        "out_of_sequence_count": q.out_of_sequence_count,
        "out_of_sequence": q.out_of_sequence,
        "off_year_count": q.off_year_count,
        "off_year": q.off_year,
        "pages": q.pages,
    }


def quality_json(app: App, book_ref: str) -> int:
    def build() -> tuple[dict[str, Any], int]:
        q = book_quality(app.db, book_ref)
        return quality_doc(q), EXIT_OK if q.finished else EXIT_ATTENTION

    return run_json(build)


def _pct(a: int, b: int) -> str:
    return f"{a} ({100 * a / b:.0f} %)" if b else str(a)


@guarded
def quality(app: App, book_ref: str) -> int:
    """The digitisation report (pages, missing and double pages, gaps: ``book show``'s), then the
    keying, the numbers out of sequence and the dates outside the book's year."""
    q = book_quality(app.db, book_ref)
    print_report(digitise.book_report(app.db, q.book.id))
    con = Console()
    con.print(f"  Dòng đọc được trên trang: {q.rows_found}")
    mode = "nhập hai lần" if q.double_keying else "nhập một lần"
    con.print(
        f"  Đã nhập ({mode}): một lần {q.keyed_once}, hai lần {q.keyed_twice}"
        f" — khớp {q.agreed}, chờ phân xử {q.waiting_arbitration}, đã phân xử {q.arbitrated}"
    )
    con.print(f"  Đã kiểm tra: {_pct(q.verified, q.entries)}")
    if q.out_of_sequence_count:
        con.print(f"  [yellow]⚠ {q.out_of_sequence_count} số không theo thứ tự:[/yellow]")
        for n in q.out_of_sequence[:30]:
            con.print(f"    mục #{n.entry_id}, trang {n.page_no or '?'}: {n.detail}")
    if q.off_year_count:
        con.print(f"  [yellow]⚠ {q.off_year_count} mục có ngày ngoài năm của sổ:[/yellow]")
        for n in q.off_year[:30]:
            con.print(f"    mục #{n.entry_id} (số {n.so or '?'}), trang {n.page_no or '?'}: {n.detail}")
    if q.finished:
        con.print("  ✓ Sổ đã số hóa xong: mọi mục đã kiểm tra, không thiếu, không trùng, không lệch số hay năm.")
    return EXIT_OK if q.finished else EXIT_ATTENTION
