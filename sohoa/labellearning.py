"""A clerk's correction teaches sohoa a new form's label wording (issue: read forms never seen).

When a clerk confirms a value the reader missed or got wrong, the words printed just before that
value on the page are the label this form uses for the field. ``learn_from_correction`` proposes
them (``indexer.labelvariants``) for an admin to accept on the desk (Quản trị → Nhãn mới); once
accepted, every worker reads that wording as the field's label (``use_accepted_labels``).

Guarantees: only a confirmed, non-empty value that differs from the reading proposes anything; the
value is looked up in the page's words first (the reader's boxes may point at a neighbour's value),
then by the field's boxes; a wording the catalogue already prints for any field of the type is
never proposed (it would bind a second field to it); nothing here changes reading before an
admin accepts; no personal data goes into the proposal (label words, type and field only).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import select

from indexer import labelvariants
from indexer.db import Database
from indexer.fields import catalogue
from indexer.fields.catalogue import atoms
from indexer.models import FieldValue, OcrResult, Page

log = logging.getLogger(__name__)


def use_accepted_labels(data_dir: Path | str) -> None:
    """Make this process's field reader read the label wordings an admin accepted in ``data_dir``."""
    catalogue.use_overlay(labelvariants.overlay_path(data_dir))


def learn_from_correction(
    db: Database, data_dir: Path | str, page_id: int, field_id: str, value: str, actor: str
) -> dict[str, Any] | None:
    """Propose the label printed before the clerk's ``value`` of ``field_id`` on the page; the
    proposal (new or counted again), or None when there is nothing new to learn."""
    value = " ".join((value or "").split())
    if not value:
        return None
    with db.read() as s:
        doc_type = s.scalar(select(Page.doc_type).where(Page.id == page_id))
        row = s.scalar(select(FieldValue).where(FieldValue.page_id == page_id, FieldValue.field_id == field_id))
        if not doc_type or (row is not None and value == row.value):
            return None  # no type, or the reader had it right: its label is already known
        words = s.scalar(select(OcrResult.words).where(OcrResult.page_id == page_id))  # only when needed
    if not words:
        return None
    dt = catalogue.load().get(doc_type)
    if dt is None:
        return None
    found = labelvariants.printed_label(words, value=value)
    if found is None and row is not None and row.boxes:
        found = labelvariants.printed_label(words, [list(b) for b in row.boxes])
    if found is None or atoms(found.text) in dt.label_index:
        return None
    try:
        return labelvariants.propose(data_dir, doc_type, field_id, found.text, actor)
    except (ValueError, OSError) as exc:
        log.warning("could not propose a label wording: %s", exc)
        return None
