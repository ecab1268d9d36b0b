"""Extension point of the document view: panels beside the page image, and boxes drawn on it.

The document page (``templates/documents/view.html``) shows, beside the image, every panel that a
registered provider returns for the page being viewed, in registration order. A provider is a
function ``(PanelContext) -> Panel | None``; it returns None when it has nothing to show (for
example, when its tables do not exist yet). A panel names its own template (under
``templates/``), the context that template gets, and boxes to draw over the page image in the
image's pixels (the OCR words' coordinates) — a doubtful field's box, for instance, with
``kind="doubt"`` to have it highlighted.

The fields panel (``sohoa/web/fields_panel.py``: fields read from the page, doubtful ones
highlighted in the list and on the image) is the first provider; editing the fields (Tab and
Enter, saved as the clerk types) and the filing panel (the proposed register entries, issue 5)
plug in the same way::

    from sohoa.web.panels import Panel, register

    @register
    def filing_panel(ctx):
        ...
        return Panel("filing", "Vào sổ hộ tịch", "documents/_filing.html", {"proposals": rows})

Providers run on every view of a page, so they must be quick (one or two indexed queries).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from indexer.accounts import UserInfo
from indexer.documents import DocumentDetail, PageRow, page_words
from sohoa.app import App

log = logging.getLogger(__name__)

DOUBTFUL_WORD_CONF = 60.0


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    width: int
    height: int
    label: str = ""
    kind: str = "doubt"  # css class on the image: doubt (a doubtful field) | field | word (a doubtful word) | match
    ref: str = ""  # the panel row it belongs to (its data-field): hovering or focusing the row lights the box


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    boxes: list[Box] = field(default_factory=list)


@dataclass(frozen=True)
class PanelContext:
    app: App
    user: UserInfo
    document: DocumentDetail
    page: PageRow


Provider = Callable[[PanelContext], Panel | None]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(ctx: PanelContext) -> list[Panel]:
    out = []
    for provider in list(_providers):  # a snapshot: a provider may register another
        try:
            panel = provider(ctx)
        except Exception:  # a broken panel must not take the page image and text with it
            log.exception("panel %s failed on document %d", getattr(provider, "__name__", provider), ctx.document.id)
            continue
        if panel is not None:
            out.append(panel)
    return out


def doubtful_words(ctx: PanelContext) -> list[Box]:
    """OCR words read with low confidence, as boxes: what the clerk should check by eye."""
    return [
        Box(w.left, w.top, w.width, w.height, f"{w.text} ({w.conf:.0f}%)", "word")
        for w in page_words(ctx.app.db, ctx.page.id)
        if w.conf < DOUBTFUL_WORD_CONF and w.text.strip()
    ]
