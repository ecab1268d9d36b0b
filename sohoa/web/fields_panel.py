"""The fields panel of the document view: the fields read from the page, doubtful ones highlighted
in the list and as boxes on the image — and editable with the keyboard alone.

Each field is a one-input form (a multi-line box for long values): Tab goes from field to field,
typing saves the value (htmx, after a short pause, and on leaving the field), Enter confirms it and
moves to the next field; Alt+I takes the reading as printed over an automatic repair. The fields
of the page's type that the reader did not find are listed apart, empty, so a value it missed
can be typed (and the label printed beside it proposed as a new wording: ``sohoa.labellearning``). The routes
are in ``sohoa/web/fields.py``; the storage and the audit in ``indexer/fieldedits.py``.

Guarantees: every count the panel shows (fields to check, fields left to confirm, "Xác nhận tất cả
N trường còn lại") comes from :func:`fields_context`, the one place they are computed, and the
routes redraw them after every save and confirmation — they never disagree on one page.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from indexer.documents import FieldRow, missing_fields, page_fields
from indexer.registers.gate import with_whose
from sohoa.web.panels import Box, Panel, PanelContext, register

SAVE_DELAY_MS = 500
LONG_VALUE = 38  # characters: longer values get a multi-line box, so nothing is cut off


def printed_reading(f: FieldRow) -> str | None:
    """What the page says, when the value shown is an automatic repair of it (None: no repair)."""
    if f.corrected_from and f.corrected_from != f.value:
        return f.corrected_from
    return None


def whose_labels(rows: list[FieldRow]) -> list[FieldRow]:
    """The rows, a label used by more than one field followed by whose it is."""
    seen: dict[str, int] = {}
    for r in rows:
        seen[r.label] = seen.get(r.label, 0) + 1
    return [replace(r, label=with_whose(r.field_id, r.label)) if seen[r.label] > 1 else r for r in rows]


def fields_context(
    rows: list[FieldRow], doc_id: int, page_no: int, focus: bool = True, missing: list[FieldRow] | None = None
) -> dict[str, Any]:
    """The panel's context. ``missing``: the type's fields the reader did not find (empty, offered
    apart so a clerk can type one; never counted among the fields to check or confirm)."""
    rows = whose_labels(rows)
    return {
        "fields": rows,
        "missing": missing or [],
        "doubtful": sum(1 for r in rows if r.needs_review),
        "unconfirmed": sum(1 for r in rows if not r.confirmed_by),
        "total": len(rows),
        "focus": next(
            (r.field_id for r in rows if r.needs_review),
            next((r.field_id for r in rows if not r.confirmed_by), None),
        )
        if focus
        else None,
        "base": f"/documents/{doc_id}/pages/{page_no}/fields",
        "delay": SAVE_DELAY_MS,
        "long": LONG_VALUE,
        "printed": {r.field_id: p for r in rows if (p := printed_reading(r))},
    }


@register
def fields_panel(ctx: PanelContext) -> Panel | None:
    if ctx.page.state != "indexed":
        return None
    rows = page_fields(ctx.app.db, ctx.page.id)
    missing = missing_fields(ctx.app.db, ctx.page.id)
    if not rows and not missing:  # a page of no known type, or nothing read from it
        return None
    boxes = [
        Box(*b, label=f"{r.label}: {r.value}", kind="doubt" if r.needs_review else "field", ref=r.field_id)
        for r in rows
        for b in r.boxes
    ]
    return Panel(
        "fields",
        "Thông tin trích xuất",
        "documents/_fields.html",
        fields_context(rows, ctx.document.id, ctx.page.page_no, missing=missing),
        boxes,
    )
