"""The fields panel of the document view: the fields read from the page (issue 3), the doubtful
ones highlighted in the list and as boxes on the image. Read-only for now: editing with Tab and
Enter, saved as the clerk types, comes with the correction endpoints."""
from __future__ import annotations

from indexer.documents import page_fields
from sohoa.web.panels import Box, Panel, PanelContext, register


@register
def fields_panel(ctx: PanelContext) -> Panel | None:
    if ctx.page.state != "indexed":
        return None
    rows = page_fields(ctx.app.db, ctx.page.id)
    if not rows:  # no field extraction installed, or nothing read from this page
        return None
    boxes = [Box(*b, label=f"{r.label}: {r.value}", kind="doubt" if r.needs_review else "field", ref=r.field_id)
             for r in rows for b in r.boxes]
    return Panel("fields", "Thông tin trích xuất", "documents/_fields.html",
                 {"fields": rows, "doubtful": sum(1 for r in rows if r.needs_review)}, boxes)
