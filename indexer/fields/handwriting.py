"""Fields whose value is handwritten: the OCR stage sets handwritten words aside (``ocr.doubt``:
stroke and component statistics, recogniser confidence) so they never enter the text or the index
as junk; the reader still sees them, capped doubtful (``sohoa.tasks.reader_words``). A field whose
value holds such a word is marked "viết tay — cần nhập": the desk shows its image crop beside the
input so a clerk types it (no recogniser shipped reads Vietnamese handwriting well enough).

Guarantees: pure; a field is marked only when one of its value boxes overlaps a word set aside as
handwriting by at least half of the smaller box; the value read stays as read, beside the mark.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from indexer.fields.reading import DocumentReading

HANDWRITTEN = "viết tay — cần nhập"
Box = tuple[int, int, int, int]


def _overlap(a: Box, b: Box) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = min(ax + aw, bx + bw) - max(ax, bx)
    h = min(ay + ah, by + bh) - max(ay, by)
    return w > 0 and h > 0 and w * h >= 0.5 * min(aw * ah, bw * bh)


def handwriting_boxes(set_aside: Iterable[Mapping[str, object]]) -> list[Box]:
    """The boxes of the words the OCR stage set aside as handwriting (``ocr.doubt.Aside.as_dict``)."""
    return [
        (int(str(a["left"])), int(str(a["top"])), int(str(a["width"])), int(str(a["height"])))
        for a in set_aside
        if a.get("reason") == "handwriting" and all(k in a for k in ("left", "top", "width", "height"))
    ]


def mark_handwritten(reading: DocumentReading, hand: list[Box]) -> list[str]:
    """Mark the fields whose value holds a handwritten word; returns their ids."""
    marked = []
    for fid, f in reading.fields.items():
        if hand and any(_overlap(tuple(b), h) for b in f.boxes for h in hand):  # type: ignore[arg-type]
            f.review(HANDWRITTEN)
            f.parsed["handwritten"] = True
            marked.append(fid)
    return marked
