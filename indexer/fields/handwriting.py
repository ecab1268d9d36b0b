"""Fields whose value is handwritten: the OCR stage sets handwritten words aside (``ocr.doubt``:
stroke and component statistics, recogniser confidence) so they never enter the text or the index
as junk; the reader still sees them, capped doubtful (``sohoa.tasks.reader_words``). A field whose
value holds such a word is marked "viết tay — cần nhập": the desk shows its image crop beside the
input so a clerk types it (no recogniser shipped reads Vietnamese handwriting well enough).

A form filled in by hand is also told as a whole (``mark_hand_filled``): from each value's
baseline spread (``ocr.handprint``: how far its letters' bottoms stray from a straight line), a
page where most values stray like a hand does has every field marked, including the short ones
too little to judge alone and the ones the recogniser read surely — a hand's "Kinh" read right is
still a hand's, and a clerk checks the whole form against the paper.

Guarantees: pure; a field is marked only when one of its value boxes overlaps a word set aside as
handwriting by at least half of the smaller box, or when its page is judged filled by hand
(``hand_filled``); the value read stays as read, beside the mark.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from indexer.fields.reading import DocumentReading

HANDWRITTEN = "viết tay — cần nhập"
Box = tuple[int, int, int, int]


def overlaps(a: Box, b: Box) -> bool:
    """Whether two boxes share at least half of the smaller one."""
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


# A page is filled by hand when at least MIN_JUDGED values could be judged, their median baseline
# spread is HAND_PAGE_MEDIAN or more and at least HAND_PAGE_SHARE of them stray beyond
# HAND_VALUE_SPREAD. Typed values sit at 0 (a few long lines reach 0.1: a wrapped or sloped value);
# handwriting puts most values above 0.03.
MIN_JUDGED = 5
HAND_PAGE_MEDIAN = 0.02
HAND_VALUE_SPREAD = 0.03
HAND_PAGE_SHARE = 0.45
# The printed labels of the same page are the control: a fold, a warped or noisy copy bends their
# baselines as it bends the values'; a hand bends only the values. When MIN_JUDGED labels can be
# judged, the values' median spread must exceed theirs by ABOVE_LABELS. Measured on augraphy copies
# of the tune forms: typed folded/faxed pages whose labels stray as much as their values (values
# 0.073 / labels 0.070, 0.060 / 0.079, 0.022 / 0.025) are no longer taken for hand-filled; the
# hand_elastic pages' values stray 0.019–0.061 beyond their labels. A fold that crosses only the
# values, or a copy noisier over them, still passes for a hand (flags, never a changed value).
ABOVE_LABELS = 0.01


def _median(values: list[float]) -> float:
    v = sorted(values)
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def hand_filled(spreads: Mapping[str, float | None], label_spreads: Mapping[str, float | None] | None = None) -> bool:
    """Whether the values' baseline spreads (field id → spread, ``None``: too little ink to judge)
    say the form was filled in by hand; ``label_spreads``: the same of the fields' printed labels."""
    judged = [s for s in spreads.values() if s is not None]
    if len(judged) < MIN_JUDGED:
        return False
    med = _median(judged)
    share = sum(s > HAND_VALUE_SPREAD for s in judged) / len(judged)
    if med < HAND_PAGE_MEDIAN or share < HAND_PAGE_SHARE:
        return False
    labels = [s for s in (label_spreads or {}).values() if s is not None]
    return len(labels) < MIN_JUDGED or med - _median(labels) >= ABOVE_LABELS


def mark_hand_filled(
    reading: DocumentReading,
    spreads: Mapping[str, float | None],
    label_spreads: Mapping[str, float | None] | None = None,
) -> list[str]:
    """On a page filled in by hand, mark every field "viết tay — cần nhập"; returns their ids."""
    if not hand_filled(spreads, label_spreads):
        return []
    marked = []
    for fid, f in reading.fields.items():
        if HANDWRITTEN not in f.review_reasons:
            f.review(HANDWRITTEN)
        f.parsed["handwritten"] = True
        marked.append(fid)
    return marked


def mark_handwritten(reading: DocumentReading, hand: list[Box]) -> list[str]:
    """Mark the fields whose value holds a handwritten word; returns their ids."""
    marked = []
    for fid, f in reading.fields.items():
        if hand and any(overlaps(tuple(b), h) for b in f.boxes for h in hand):  # type: ignore[arg-type]
            f.review(HANDWRITTEN)
            f.parsed["handwritten"] = True
            marked.append(fid)
    return marked
