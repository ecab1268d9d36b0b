"""A dossier's identity fields checked against the CCCD cards copied into it, in the database.

A dossier often holds the declaration on one page and a copy of the declarant's chip-based CCCD on
another; the card's QR code (read by the worker, ``indexer.fields.cccd``) is stored on its page
(``pages.id_cards``). ``check_document`` runs in the transaction that stores a page, so whichever
page arrives last, the check sees every card and every field of the document.

Guarantees:
- every field of a card's owner (found by ID number, else by name) that disagrees with the card is
  flagged for review with the card's value in the reason (an ID number shown masked); a value that
  agrees records it in ``parsed["cccd_qr"]``; an empty value is filled from the card, with the
  reason; a printed value is never changed;
- idempotent: the marks of an earlier check are taken off before the check runs again, so
  re-processing a page, or a card page arriving after the form, gives the same result once
  (a document with no card is not touched);
- a field a clerk has confirmed is left as the clerk confirmed it.
Never: logs a card (it holds a full personal ID number).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from indexer.fields.cccd import QR_SOURCE, CccdCard, cross_check
from indexer.fields.reading import FieldReading
from indexer.models import FieldValue, Page

FILL_REASON = f"lấy từ {QR_SOURCE}"


def card_from_dict(d: dict[str, Any]) -> CccdCard | None:
    """A card as stored (``CccdCard.as_dict``); None for a row that does not parse."""
    try:
        issued = d.get("issue_date") or ""
        return CccdCard(
            str(d["number"]),
            str(d.get("old_cmnd") or ""),
            str(d["name"]),
            dt.date.fromisoformat(str(d["birth_date"])),
            str(d["sex"]),
            str(d.get("address") or ""),
            dt.date.fromisoformat(issued) if issued else None,
        )
    except (KeyError, ValueError, TypeError):
        return None


def document_cards(s: Session, document_id: int) -> list[CccdCard]:
    rows: list[list[Any] | None] = list(
        s.scalars(
            select(Page.id_cards)
            .where(Page.document_id == document_id, Page.id_cards.is_not(None))
            .order_by(Page.page_no)
        ).all()
    )
    cards = [card_from_dict(d) for row in rows for d in (row or [])]
    return [c for c in cards if c is not None]


def _without_earlier_check(row: FieldValue) -> FieldReading:
    """The row as a reading, with the marks an earlier card check left taken off."""
    reasons = [r for r in (row.review_reasons or []) if QR_SOURCE not in r]
    parsed = {k: v for k, v in (row.parsed or {}).items() if k != "cccd_qr"}
    value, corrected_from = row.value, row.corrected_from
    corrections = [c for c in (row.correction_reason or "").split("; ") if c]
    if FILL_REASON in corrections:  # filled by an earlier check: empty again
        value, corrected_from = row.corrected_from or "", None
        corrections = [c for c in corrections if c != FILL_REASON]
    needs_review = bool(reasons) or (row.needs_review and not row.review_reasons)
    return FieldReading(
        row.field_id,
        row.raw_value,
        value,
        normalized=row.normalized,
        corrected_from=corrected_from,
        corrections=corrections,
        confidence=row.confidence,
        needs_review=needs_review,
        review_reasons=reasons,
        parsed=parsed,
    )


def check_document(s: Session, document_id: int) -> int:
    """Check the document's identity fields against its cards. Returns how many cards belonged to
    someone on the document."""
    cards = document_cards(s, document_id)
    if not cards:  # most documents: one cheap query (a book of 300 pages costs no field loads)
        return 0
    rows = s.scalars(select(FieldValue).where(FieldValue.document_id == document_id).order_by(FieldValue.id)).all()
    open_rows = {r.field_id: r for r in rows if not r.confirmed_by}
    readings = {fid: _without_earlier_check(r) for fid, r in open_rows.items()}
    owned = sum(cross_check(readings, card) is not None for card in cards)
    for fid, f in readings.items():
        row = open_rows[fid]
        row.value = f.value
        row.corrected_from = f.corrected_from
        row.correction_reason = "; ".join(f.corrections) or None
        row.needs_review = f.needs_review
        row.review_reasons = list(f.review_reasons)
        row.parsed = f.parsed or None
    return owned
