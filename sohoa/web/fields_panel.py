"""The fields panel of the document view: the fields read from the page (issue 3), doubtful ones
highlighted in the list and as boxes on the image — and editable with the keyboard alone.

Each field is a one-input form: Tab goes from field to field, typing saves the value (htmx, after
a short pause, and on leaving the field), Enter confirms it and moves to the next field. The routes
are in ``sohoa/web/fields.py``; the storage and the audit in ``indexer/fieldedits.py``.
"""

from __future__ import annotations

from indexer.documents import page_fields
from sohoa.web.panels import Box, Panel, PanelContext, register

SAVE_DELAY_MS = 500


@register
def fields_panel(ctx: PanelContext) -> Panel | None:
    if ctx.page.state != "indexed":
        return None
    rows = page_fields(ctx.app.db, ctx.page.id)
    if not rows:  # no field extraction installed, or nothing read from this page
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
        {
            "fields": rows,
            "doubtful": sum(1 for r in rows if r.needs_review),
            "unconfirmed": sum(1 for r in rows if not r.confirmed_by),
            "focus": next(
                (r.field_id for r in rows if r.needs_review),
                next((r.field_id for r in rows if not r.confirmed_by), None),
            ),
            "base": f"/documents/{ctx.document.id}/pages/{ctx.page.page_no}/fields",
            "delay": SAVE_DELAY_MS,
        },
        boxes,
    )
