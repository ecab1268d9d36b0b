"""Closed vocabularies (catalogue ``vocab``): sex, ethnicity, nationality, relationship, marriage count.
A value is matched accent-insensitively and OCR-tolerantly to the vocabulary's spelling."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from indexer.fields.catalogue import load
from indexer.fields.syllables import distance
from indexer.vntext import canonical, fold

RELATION_SEX = {
    "cha": "Nam",
    "me": "Nữ",
    "ong": "Nam",
    "ba": "Nữ",
    "vo": "Nữ",
    "chong": "Nam",
    "con trai": "Nam",
    "con gai": "Nữ",
    "anh": "Nam",
    "chi": "Nữ",
    "anh trai": "Nam",
    "chi gai": "Nữ",
    "em trai": "Nam",
    "em gai": "Nữ",
    "ong noi": "Nam",
    "ba noi": "Nữ",
    "ong ngoai": "Nam",
    "ba ngoai": "Nữ",
    "chu": "Nam",
    "bac": None,
    "co": "Nữ",
    "di": "Nữ",
    "cau": "Nam",
    "mo": "Nữ",
    "thim": "Nữ",
}


@dataclass
class VocabMatch:
    value: str
    exact: bool
    score: float


def match(text: str, vocab: str) -> VocabMatch | None:
    words = load().vocab.get(vocab, ())
    t = canonical(text.strip(" .,;:"))
    if not t:
        return None
    for w in words:
        if w == t:
            return VocabMatch(w, True, 1.0)
    key = fold(t)
    same = [w for w in words if fold(w) == key]
    if same:
        best = min(same, key=lambda w: distance(t, w) if len(w) == len(t) else 9)
        return VocabMatch(best, False, 0.95)
    best, score = None, 0.0
    for w in words:
        s = Levenshtein.normalized_similarity(key, fold(w))
        if s > score:
            best, score = w, s
    if best is not None and score >= 0.75 and len(key) >= 3:
        return VocabMatch(best, False, score)
    return None


def sex_of_relationship(rel: str) -> str | None:
    return RELATION_SEX.get(fold(rel))
