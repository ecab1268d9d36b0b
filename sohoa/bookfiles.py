"""Files taken into a register book (``sohoa book import`` / ``book scan PATH…``): the
application's half of digitising a book — each file captured into the store by the intake, then
its pages put into the book by :mod:`indexer.registers.digitise`.

A page's number (trang số) comes from ``start_page``, else from the number in the file name when
every file has one (``trang-012.jpg``, ``p0012.tif``), else it follows the last page of the book.
A file already in the book (same path) is skipped, so running the same command again resumes; the
same content under another name is a double page. Files are copied into the store, never removed
from where they are.
"""

from __future__ import annotations

import re
from pathlib import Path

from capture.intake import Outcome
from capture.walk import iter_files
from indexer.registers import digitise
from indexer.registers.books import find_book
from indexer.registers.digitise import AddResult
from sohoa.app import App

_DIGITS = re.compile(r"(\d+)")


def natural_order(path: Path) -> tuple[tuple[int | str, ...], str]:
    """Natural order (``2.jpg`` before ``10.jpg``; ``trang-002.jpg`` before ``trang-002-lai.jpg``)."""
    parts = tuple(int(p) if p.isdigit() else p.lower() for p in _DIGITS.split(str(path.with_suffix(""))))
    return (parts, path.suffix.lower())


def add_files(
    app: App, book_ref: str | int, paths: list[Path], *, start_page: int | None = None, actor: str = "system"
) -> AddResult:
    """Take files and folders into a book in page order (see the module doc)."""
    book = find_book(app.db, book_ref)
    files = sorted(iter_files(paths), key=natural_order)
    out = AddResult()
    numbers = [digitise.name_number(f) for f in files]
    # Every file numbered: the names give the pages (a number twice is a double page, reported).
    by_name = start_page is None and bool(files) and all(n is not None for n in numbers)
    next_given = start_page
    for f, num in zip(files, numbers):
        held = digitise.pages_from_source(app.db, book.id, str(f))
        if held:
            out.already.append(f.name)
            if next_given is not None:
                next_given += held
            continue
        res = app.intake.take(f, source="import", remove=False, meta={"book": book.id})
        doc_id = res.document_id
        if res.outcome is Outcome.ALREADY_TAKEN and doc_id is None:
            doc_id = digitise.document_of_arrival(app.db, str(f))
        if res.outcome is Outcome.QUARANTINED:
            out.refused.append((f.name, res.reason.message if res.reason else res.detail))
            continue
        if doc_id is None:
            out.refused.append((f.name, "không nhận được tệp (đang được ghi hoặc đã biến mất)"))
            continue
        if next_given is not None:
            next_given += digitise.attach_document(app.db, book.id, doc_id, str(f), next_given, "given", out, actor)
        elif by_name:
            digitise.attach_document(app.db, book.id, doc_id, str(f), num, "name", out, actor)
        else:
            digitise.attach_document(app.db, book.id, doc_id, str(f), None, "order", out, actor)
    return out
