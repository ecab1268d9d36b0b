"""``sohoa book show BOOK --json`` and ``sohoa entry show ENTRY --json``: a book's digitisation report
and an entry with its values, images, dossiers and history, each as one JSON document (keys fixed,
NFC, see ``jsonout``). The tables for people are in ``book_cmd.py``; both read the same functions."""

from __future__ import annotations

from typing import Any

from indexer.models import RegisterEntry
from indexer.registers import digitise
from indexer.registers.books import BookInfo, find_book
from indexer.registers.entries import EntryView, book_entries, find_entry_id, get_entry
from indexer.registers.vocabulary import LAYOUT_VI, ORIGIN_VI, STATUS_VI
from sohoa.app import App
from sohoa.commands.jsonout import EXIT_ATTENTION, EXIT_OK, run_json


def book_doc(book: BookInfo) -> dict[str, Any]:
    return {
        "id": book.id,
        "key": book.key,
        "book_type": book.book_type,
        "type_label": book.type.label,
        "year": book.year,
        "volume": book.volume,
        "layout": book.layout,
        "layout_label": LAYOUT_VI.get(book.layout, book.layout),
        "commune": {
            "name": book.commune.name,
            "code": book.commune.code,
            "scheme": book.commune.scheme,
            "province": book.commune.province,
        },
        "opened_on": book.opened_on,
        "closed_on": book.closed_on,
        "expected_pages": book.expected_pages,
        "notes": book.notes,
    }


def show(app: App, book_ref: str, *, entries: bool) -> int:
    """Exit 0 nothing missing or doubled, 1 something to look at, 2 no such book."""

    def build() -> tuple[dict[str, Any], int]:
        book = find_book(app.db, book_ref)
        rep = digitise.book_report(app.db, book.id)
        rows = None
        if entries:
            rows = [entry_core(e) for e in book_entries(app.db, book.id)]
        doc = {
            "book": book_doc(book),
            "report": {
                "complete": rep.complete,
                "pages": rep.pages,
                "page_states": dict(sorted(rep.states.items())),
                "page_numbers": rep.page_numbers,
                "missing_pages": rep.missing_pages,
                "double_pages": rep.double_pages,
                "number_gaps": [list(g) for g in rep.number_gaps],
                "problems": rep.problems,
                "entries": rep.entries,
                "unverified": rep.unverified,
            },
            "entries": rows,
        }
        return doc, EXIT_OK if rep.complete else EXIT_ATTENTION

    return run_json(build)


def entry_core(e: EntryView | RegisterEntry) -> dict[str, Any]:
    """What a book's entry list and an entry's own document both give."""
    return {
        "id": e.id,
        "so": e.so,
        "so_raw": e.so_raw,
        "page_no": e.page_no,
        "registration_date": e.registration_date,
        "name": e.name,
        "birth_date": e.birth_date,
        "status": e.status,
        "status_label": STATUS_VI.get(e.status, e.status),
        "origin": e.origin,
        "origin_label": ORIGIN_VI.get(e.origin, e.origin),
        "verified_by": e.verified_by,
        "notes": e.notes or "",
        "data": dict(e.data or {}),
    }


def entry_doc(e: EntryView) -> dict[str, Any]:
    labels = {k.key: k.label for k in e.type.all_keys}
    return {
        **entry_core(e),
        "book_id": e.book_id,
        "book_key": e.book_key,
        "book_type": e.book_type,
        "commune": e.commune,
        "source_ref": e.source_ref,
        "created_by": e.created_by,
        "labels": {k: labels[k] for k in e.data if k in labels},
        "regions": [
            {
                "page_id": r.page_id,
                "kind": r.kind,
                "box": list(r.box) if r.box else None,
                "cells": {k: list(v) for k, v in sorted(r.cells.items())},
            }
            for r in e.regions
        ],
        "documents": [{"document_id": d, "state": st} for d, st in e.documents],
        "history": [
            {
                "at": c.at,
                "actor": c.actor,
                "kind": c.kind,
                "field": c.field,
                "old": c.old,
                "new": c.new,
                "reason": c.reason,
            }
            for c in e.history
        ],
    }


def entry_show(app: App, ref: str) -> int:
    """Exit 0 shown, 2 no such entry."""

    def build() -> tuple[dict[str, Any], int]:
        return {"entry": entry_doc(get_entry(app.db, find_entry_id(app.db, ref)))}, EXIT_OK

    return run_json(build)
