"""What the reader returns: plain picklable dataclasses (they travel from the OCR worker process
to the indexer and into ``sohoa process`` JSON)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Box = tuple[int, int, int, int]  # left, top, width, height in the page image the words came from


@dataclass
class FieldReading:
    field_id: str
    raw: str  # the OCR text of the value, as read
    value: str  # as printed, after repair: what is shown and scored
    normalized: str | None = None  # ISO date, bare ID number, canonical key … (None: not parsed)
    corrected_from: str | None = None  # ``raw`` when ``value`` differs from it
    corrections: list[str] = field(default_factory=list)  # why, one reason per change
    confidence: float = 0.0  # 0..1
    needs_review: bool = False
    review_reasons: list[str] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    label: str = ""  # the label as OCR'd on the page
    label_box: Box | None = None  # where that label is printed (a clerk's fix proposes its wording)
    section: str = ""
    word_conf: float | None = None  # mean OCR confidence of the value's words, 0..100
    min_word_conf: float | None = None
    confirmed: list[str] = field(default_factory=list)  # cross-checks this value passed
    parsed: dict[str, Any] = field(default_factory=dict)  # parts beside the value: ID number, issuer, unit codes …

    def correct(self, new_value: str, reason: str) -> None:
        if new_value == self.value:
            return
        if self.corrected_from is None:
            self.corrected_from = self.raw
        self.value = new_value
        if reason not in self.corrections:
            self.corrections.append(reason)

    def review(self, reason: str) -> None:
        self.needs_review = True
        if reason not in self.review_reasons:
            self.review_reasons.append(reason)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DocumentReading:
    doc_type: str
    doc_type_score: float = 0.0
    title: str = ""
    fields: dict[str, FieldReading] = field(default_factory=dict)
    register_entries: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def values(self) -> dict[str, str]:
        return {k: f.value for k, f in self.fields.items()}

    def review_ids(self) -> list[str]:
        return [k for k, f in self.fields.items() if f.needs_review]

    def prediction(self) -> dict[str, Any]:
        """The benchmark's keys (../shared/bench/README.md) plus the review marks."""
        out: dict[str, Any] = {
            "doc_type": self.doc_type,
            "fields": self.values(),
            "fields_review": self.review_ids(),
            "fields_detail": {
                k: {
                    "raw": f.raw,
                    "normalized": f.normalized,
                    "parsed": f.parsed,
                    "confidence": round(f.confidence, 3),
                    "review": f.review_reasons,
                    "corrections": f.corrections,
                    "confirmed": f.confirmed,
                    "label": f.label,
                    "label_box": list(f.label_box) if f.label_box else None,
                }
                for k, f in self.fields.items()
            },
        }
        if self.register_entries:
            out["register_entries"] = self.register_entries
        return out
