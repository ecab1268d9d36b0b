"""Label wordings learnt from clerks' corrections: a vendor's form is read after one fix.

When a clerk corrects a field on the desk, the words printed just before the value on the page
(``printed_label``) are the label that form uses for that field. ``propose`` records them as a
proposed variant in ``<data_dir>/label_variants.yaml``; an admin ``accept``s or ``reject``s it; the
field catalogue then reads accepted variants from that file (``catalogue.load(overlay=…)`` or
``catalogue.use_overlay``) as if they were printed in ``doc_types.yaml``.

What it guarantees: a proposal never changes reading until an admin accepts it; a wording the
catalogue already knows for that field is not proposed again; the same wording proposed twice is
one entry with a count; the file is replaced whole (written aside, then renamed), so a crash never
leaves half a file; no personal data goes in (only the label words, the document type and field).
What it does not do (yet): the desk button that calls ``propose`` and the admin page that calls
``accept`` — callers pass the page's words, the field's boxes and the clerk's value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from capture.fsutil import atomic_write
from indexer.fields.catalogue import atoms, load
from indexer.fields.layout import Line, Tok, build_page
from indexer.vntext import fold, nfc

FILE = "label_variants.yaml"
STATUSES = ("proposed", "accepted", "rejected")
MAX_LABEL_WORDS = 12


@dataclass(frozen=True)
class PrintedLabel:
    text: str  # as OCR'd, without its colon
    box: tuple[int, int, int, int]  # left, top, width, height


def overlay_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / FILE


def _word(t: Tok) -> bool:
    core = t.text.rstrip(":").strip("(),;")
    return bool(core) and not any(c.isdigit() for c in core)


def _acronym(t: Tok) -> bool:
    letters = [c for c in t.text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _locate(lines: list[Line], boxes: Sequence[Sequence[int]], value: str | None) -> tuple[Line, int] | None:
    """The line and index of the value's first word: by its box, else by its words."""
    if boxes:
        x, y, w, h = (int(v) for v in boxes[0])
        for line in lines:
            for i, t in enumerate(line.toks):
                ix = min(t.x1, x + w) - max(t.x0, x)
                iy = min(t.y1, y + h) - max(t.y0, y)
                if ix > 0 and iy > 0 and ix * iy >= 0.3 * max(1, (t.x1 - t.x0) * (t.y1 - t.y0)):
                    return line, i
    want = [fold(v) for v in nfc(value or "").split()][:3]
    if want:
        for line in lines:
            got = [fold(t.text).strip(",.;:") for t in line.toks]
            for i in range(1, len(got) - len(want) + 1):
                if got[i : i + len(want)] == [w.strip(",.;:") for w in want]:
                    return line, i
    return None


def printed_label(
    words: Sequence[object], boxes: Sequence[Sequence[int]] = (), value: str | None = None
) -> PrintedLabel | None:
    """The label printed just before a field's value on a page: the words before the value back to
    the previous label's value (they end at the last capitalised word that begins a run of
    lower-case words, or at the line's start). ``boxes``: the field's value boxes (its reading), or
    ``value``: the clerk's value, looked up in the page's words when the reader found no box."""
    page = build_page(words)
    found = _locate(page.lines, boxes, value)
    if found is None:
        return None
    line, v = found
    if v == 0:
        return None
    j = v
    while j > 0 and v - j < MAX_LABEL_WORDS:
        t = line.toks[j - 1]
        if (j < v and t.colon) or not _word(t):
            break
        j -= 1
    run = line.toks[j:v]
    if not run:
        return None
    start = 0
    for k in range(len(run) - 1, -1, -1):
        t = run[k]
        if t.text[:1].isupper() and not _acronym(t):
            if all(u.text[:1].islower() or _acronym(u) or not u.text[:1].isalpha() for u in run[k + 1 :]):
                start = k
            break
    toks = run[start:]
    text = " ".join(t.text for t in toks).rstrip(":").strip()
    if not atoms(text):
        return None
    x0, y0 = min(t.x0 for t in toks), min(t.y0 for t in toks)
    return PrintedLabel(text, (x0, y0, max(t.x1 for t in toks) - x0, max(t.y1 for t in toks) - y0))


def read(data_dir: Path | str) -> list[dict[str, Any]]:
    p = overlay_path(data_dir)
    if not p.is_file():
        return []
    raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    return list(raw.get("variants") or [])


def _write(data_dir: Path | str, variants: list[dict[str, Any]]) -> None:
    p = overlay_path(data_dir)
    p.parent.mkdir(parents=True, exist_ok=True)
    text = (
        "# Label wordings proposed from clerks' corrections (indexer/labelvariants.py); only accepted ones are read.\n"
    )
    text += yaml.safe_dump({"variants": variants}, allow_unicode=True, sort_keys=False)
    with atomic_write(p, durable=False, mode=0o600) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _known(doc_type: str, field_id: str, label: str) -> bool:
    dt = load().get(doc_type)
    if dt is None:
        raise ValueError(f"loại giấy tờ không có trong danh mục: {doc_type}")
    seqs = {s for s, fs in dt.label_index.items() if any(f.id == field_id for f in fs)}
    if atoms(label) in seqs:
        return True
    if dt.field(field_id) is None and dt.field_type(field_id) is None:
        raise ValueError(f"trường không có trong loại giấy tờ {doc_type}: {field_id}")
    return False


def propose(data_dir: Path | str, doc_type: str, field_id: str, label: str, by: str) -> dict[str, Any] | None:
    """Record ``label`` as a proposed wording of ``field_id``; None when the catalogue knows it."""
    label = " ".join(nfc(label).split()).rstrip(":").strip()
    if not atoms(label):
        raise ValueError("nhãn trống")
    if _known(doc_type, field_id, label):
        return None
    variants = read(data_dir)
    key = atoms(label)
    for v in variants:
        if v.get("doc_type") == doc_type and v.get("field") == field_id and atoms(str(v.get("label", ""))) == key:
            v["count"] = int(v.get("count", 1)) + 1
            _write(data_dir, variants)
            return v
    entry: dict[str, Any] = {
        "doc_type": doc_type,
        "field": field_id,
        "label": label + ":",
        "status": "proposed",
        "count": 1,
        "proposed_by": by,
        "proposed_at": _now(),
    }
    variants.append(entry)
    _write(data_dir, variants)
    return entry


def _decide(data_dir: Path | str, doc_type: str, field_id: str, label: str, by: str, status: str) -> dict[str, Any]:
    variants = read(data_dir)
    key = atoms(label)
    for v in variants:
        if v.get("doc_type") == doc_type and v.get("field") == field_id and atoms(str(v.get("label", ""))) == key:
            v["status"] = status
            v["decided_by"] = by
            v["decided_at"] = _now()
            _write(data_dir, variants)
            return v
    raise LookupError(f"không có đề xuất nhãn “{label}” cho {doc_type}.{field_id}")


def accept(data_dir: Path | str, doc_type: str, field_id: str, label: str, by: str) -> dict[str, Any]:
    """An admin accepts a proposed wording: from now on the catalogue reads it for that field."""
    return _decide(data_dir, doc_type, field_id, label, by, "accepted")


def reject(data_dir: Path | str, doc_type: str, field_id: str, label: str, by: str) -> dict[str, Any]:
    return _decide(data_dir, doc_type, field_id, label, by, "rejected")


def pending(data_dir: Path | str) -> list[dict[str, Any]]:
    return [v for v in read(data_dir) if v.get("status") == "proposed"]
