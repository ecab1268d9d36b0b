"""``sohoa search``: readable tables of the people and the pages that match, best first; with
``--json`` the same results as one JSON document (:func:`as_json`, keys fixed, see ``jsonout``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from indexer.people import PersonHit, SearchResults, search_all
from sohoa.app import App
from sohoa.commands.jsonout import EXIT_ATTENTION, EXIT_OK, emit

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


def as_json(res: SearchResults, typed: str) -> dict[str, Any]:
    q = res.query
    return {
        "query": {
            "text": typed,
            "described": q.describe(),
            "name": q.name or None,
            "born": q.born,
            "born_year": q.born_year,
            "mother": q.mother,
            "father": q.father,
            "register_type": q.register_type,
            "year": q.year,
            "commune": q.commune,
        },
        "people": [
            {
                "rank": i,
                "person_id": h.person_id,
                "name": h.name,
                "role": h.role,
                "role_label": ROLE_VI.get(h.role, h.role),
                "birth_date": h.birth_date,
                "birth_year": h.birth_year,
                "mother_name": h.mother_name,
                "father_name": h.father_name,
                "register_type": h.register_type,
                "registration_year": h.reg_year,
                "commune": h.commune,
                "source_type": h.source_type,
                "source_id": h.source_id,
                "entry_id": h.source_id if h.source_type == "register_entry" else None,
                "document_id": h.document_id,
                "page_id": h.page_id,
                "tier": h.tier,
                "why": h.why,
                "matched": list(h.matched),
            }
            for i, h in enumerate(res.people, 1)
        ],
        "pages": [
            {
                "rank": i,
                "document_id": p.document_id,
                "page_id": p.page_id,
                "page_no": p.page_no,
                "title": p.title,
                "tier": p.tier,
                "score": p.score,
                "why": p.why,
                "snippet": p.snippet,
            }
            for i, p in enumerate(res.pages, 1)
        ],
    }


def run(app: App, query: str, limit: int, *, as_json_out: bool = False, **options: Any) -> int:
    """Exit 0 when someone or some page was found, 1 when nothing was."""
    res = search_all(app.db, query, people_limit=limit, pages_limit=limit, **options)
    rc = EXIT_OK if res else EXIT_ATTENTION
    if as_json_out:
        emit(as_json(res, query))
        return rc
    con = Console() if Console().is_terminal else Console(width=160)  # piped: no 80-column squeeze
    if not res:
        con.print(f"Không tìm thấy người hay trang nào cho “{res.query.describe() or query}”.")
        return rc
    render(con, res)
    return rc
