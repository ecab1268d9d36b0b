"""``sohoa search``: readable tables of the people and the pages that match, best first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from indexer.people import PersonHit, SearchResults, search_all
from sohoa.app import App

ROLE_VI = {
    "child": "người được khai sinh",
    "mother": "mẹ",
    "father": "cha",
    "bride": "bên nữ",
    "groom": "bên nam",
    "wife": "vợ",
    "husband": "chồng",
    "deceased": "người chết",
    "requester": "người yêu cầu",
    "declarant": "người đi khai",
    "subject": "người được cấp",
    "applicant": "người nộp hồ sơ",
}
TYPE_VI = {
    "khai_sinh": "khai sinh",
    "ket_hon": "kết hôn",
    "khai_tu": "khai tử",
    "hon_nhan": "tình trạng hôn nhân",
    "chung_thuc": "chứng thực",
    "giam_ho": "giám hộ",
    "cha_me_con": "nhận cha, mẹ, con",
}


def _born(h: PersonHit) -> str:
    if h.birth_date is not None:
        return f"{h.birth_date:%d/%m/%Y}"
    return str(h.birth_year) if h.birth_year else ""


def _where(h: PersonHit) -> str:
    parts = []
    if h.document_id is not None:
        parts.append(f"hồ sơ {h.document_id}")
    if h.page_id is not None:
        parts.append(f"trang #{h.page_id}")
    if h.source_type == "register_entry":
        parts.append(f"mục sổ {h.source_id}")
    return ", ".join(parts)


def _table(title: str, cols: tuple[str, ...], rows: Sequence[tuple[str, ...]], keep: int) -> Table:
    """A table of the columns that say something: a column empty in every row is left out (the
    first ``keep`` columns always stay); names are never broken inside a word."""
    shown = [i for i, _ in enumerate(cols) if i < keep or any(r[i] for r in rows)]
    t = Table(title=title)
    for i in shown:
        t.add_column(cols[i], overflow="fold", no_wrap=cols[i] in _NAMES)
    for r in rows:
        t.add_row(*(r[i] for i in shown))
    return t


_NAMES = ("Họ, chữ đệm, tên",)


def render(con: Console, res: SearchResults) -> None:
    if res.people:
        rows: list[tuple[str, ...]] = []
        for i, h in enumerate(res.people, 1):
            why = h.why + (f"; đúng {', '.join(h.matched[1:])}" if len(h.matched) > 1 else "")
            rows.append(
                (
                    str(i),
                    h.name,
                    ROLE_VI.get(h.role, h.role),
                    _born(h),
                    h.mother_name or "",
                    h.father_name or "",
                    TYPE_VI.get(h.register_type or "", h.register_type or ""),
                    str(h.reg_year or ""),
                    h.commune or "",
                    _where(h),
                    why,
                )
            )
        cols = ("#", "Họ, chữ đệm, tên", "Vai trò", "Sinh", "Mẹ", "Cha", "Sổ", "Năm ĐK", "Xã", "Ở đâu", "Vì sao khớp")
        con.print(_table(f"Người: {len(res.people)} — {res.query.describe()}", cols, rows, keep=2))
    if res.pages:
        pages = [
            (str(i), str(p.document_id), str(p.page_no), p.title, p.why, p.snippet) for i, p in enumerate(res.pages, 1)
        ]
        con.print(
            _table(
                f"Trang: {len(res.pages)}", ("#", "Hồ sơ", "Trang", "Tệp", "Vì sao khớp", "Trích đoạn"), pages, keep=3
            )
        )


def run(app: App, query: str, limit: int, **options: Any) -> int:
    res = search_all(app.db, query, people_limit=limit, pages_limit=limit, **options)
    con = Console() if Console().is_terminal else Console(width=160)  # piped: no 80-column squeeze
    if not res:
        con.print(f"Không tìm thấy người hay trang nào cho “{res.query.describe() or query}”.")
        return 1
    render(con, res)
    return 0
