"""One confidence per field, from its words' OCR confidences, the repairs it needed and the
cross-checks it passed; a field below the threshold, or failing a check, is marked for review.
Every mark says why; "độ tin cậy thấp" stands only where no other reason does."""

from __future__ import annotations

from indexer.fields.reading import FieldReading

REVIEW_BELOW = 0.80  # fields under this confidence go in front of a person
LOW_WORD_CONF = 55.0  # one badly read word is enough to ask
LIGHT = ("chuẩn hóa", "chữ hoa/thường", "đơn vị hành chính", "theo danh mục")


def score(f: FieldReading) -> float:
    if f.word_conf is None:
        c = 0.3
    else:
        c = 0.5 * f.word_conf / 100 + 0.5 * (f.min_word_conf if f.min_word_conf is not None else f.word_conf) / 100
    for reason in f.corrections:
        c *= 0.99 if any(k in reason for k in LIGHT) else 0.9
    c += 0.05 * len(f.confirmed)
    if f.review_reasons:
        c = min(c, 0.6)
    return max(0.0, min(1.0, c))


def assess(f: FieldReading) -> None:
    f.confidence = round(score(f), 3)
    if f.min_word_conf is not None and f.min_word_conf < LOW_WORD_CONF and not f.confirmed:
        f.review("có chữ nhận dạng kém")
    if any("chữ số" in c for c in f.corrections) and not f.confirmed:
        f.review("đã sửa chữ số nhận nhầm, chưa đối chiếu được với trường khác")
    if f.confidence < REVIEW_BELOW and not f.review_reasons:  # a flag says why: this only when nothing else does
        f.review("độ tin cậy thấp")
