"""``--json`` for scripts: one JSON document on stdout, and the exit codes every command keeps.

Guarantees of every ``--json`` output:

* exactly one JSON document (UTF-8, not ASCII-escaped) and a newline on stdout; nothing else is
  written there (messages for people go to stderr);
* its keys are fixed by the command (a key is present with ``null`` rather than left out), so a
  script can rely on them; dates are ISO 8601 (``2012-03-02``), times ISO 8601 with their offset;
* every text is NFC (``ệ`` is one code point), whatever the database or the OCR gave;
* values are as the desk shows them to a logged-in clerk: a personal ID number in a field value is
  whole (the clerk must check it against the paper), ID numbers in the intake problems are masked
  as they were when written; nothing here is logged;
* a request that cannot be carried out gives ``{"error": {"code": …, "message": …}}`` (the message
  in Vietnamese): code ``refused`` or ``database_unusable`` with exit code 2, ``not_found`` (``show``
  of a document that does not exist) with exit code 1. Invalid settings stop every command before
  it starts: exit code 2, the message on stderr only.

Exit codes (``EXIT_*``; the README's "Output for scripts" lists them per command):
0 done; 1 done, with nothing found or something to look at; 2 the request cannot be carried out
(unknown document, book or entry, a wrong value, settings or database unusable).
"""

from __future__ import annotations

import dataclasses
import json
import sys
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from indexer.registers.model import RegisterError

EXIT_OK = 0
EXIT_ATTENTION = 1
EXIT_REFUSED = 2


def plain(obj: Any) -> Any:
    """``obj`` as JSON values: NFC strings, ISO dates, lists for tuples, dicts for dataclasses."""
    if isinstance(obj, str):
        return unicodedata.normalize("NFC", obj)
    if obj is None or isinstance(obj, bool | int | float):
        return obj
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, Path):
        return plain(str(obj))
    if isinstance(obj, Mapping):
        return {plain(str(k)): plain(v) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return plain({f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)})
    if isinstance(obj, list | tuple | set | frozenset):
        return [plain(v) for v in obj]
    return plain(str(obj))


def emit(doc: Mapping[str, Any]) -> None:
    """Write the one JSON document of the command to stdout."""
    sys.stdout.write(json.dumps(plain(doc), ensure_ascii=False, indent=1) + "\n")
    sys.stdout.flush()


def error_doc(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def run_json(build: Callable[[], tuple[Mapping[str, Any], int]]) -> int:
    """Build a command's document and emit it; a register error becomes the error document (exit 2)."""
    try:
        doc, rc = build()
    except RegisterError as exc:
        emit(error_doc("refused", exc.message))
        return EXIT_REFUSED
    emit(doc)
    return rc
