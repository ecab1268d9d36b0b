"""Find printed labels in a line of OCR tokens: fuzzy on folded atoms, so OCR damage
(``Gnơi tình:`` for ``Giới tính:``) and lost accents still match, the longest label first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import Levenshtein

from indexer.fields.layout import Line


@dataclass(frozen=True)
class LabelHit:
    start: int  # first token of the label
    end: int  # token after the label
    atoms: tuple[str, ...]
    score: float
    colon: bool
    payload: Any = None


def line_atoms(line: Line) -> list[tuple[str, int, bool, bool]]:
    """(atom, token index, first atom of its token, last atom of its token)."""
    out = []
    for i, t in enumerate(line.toks):
        a = t.atoms
        for k, atom in enumerate(a):
            out.append((atom, i, k == 0, k == len(a) - 1))
    return out


def _sim(a: str, b: str) -> float:
    if a == b:
        return 1.0
    return Levenshtein.normalized_similarity(a, b)


def match_at(
    seq: list[tuple[str, int, bool, bool]], p: int, label: tuple[str, ...], line_toks_colon: list[bool] | None = None
) -> float:
    n = len(label)
    if p + n > len(seq) or not seq[p][2] or not seq[p + n - 1][3]:
        return 0.0
    # a colon ends a label: no label runs across one
    last_tok = seq[p + n - 1][1]
    if any(line_toks_colon and line_toks_colon[seq[p + k][1]] for k in range(n) if seq[p + k][1] != last_tok):
        return 0.0
    sims = [_sim(seq[p + k][0], label[k]) for k in range(n)]
    if min(sims) < 0.6:
        return 0.0
    # Short atoms must match exactly ("so" vs "se"); long ones may be damaged.
    for k in range(n):
        if len(label[k]) <= 2 and sims[k] < 1.0 and not (len(label[k]) == 2 and sims[k] >= 0.5 and n >= 4):
            return 0.0
    return sum(sims) / n


def find_labels(
    line: Line,
    labels: Iterable[tuple[tuple[str, ...], Any]],
    *,
    min_score: float = 0.8,
    need_colon_inside: bool = True,
) -> list[LabelHit]:
    """Non-overlapping label hits in ``line``, left to right, longest label first at each place.

    A label printed after other text on the line (``… Dân tộc: Kinh``) must end in a colon or match
    almost exactly; a one-atom label (``Số:``) must match exactly and carry its colon.
    """
    seq = line_atoms(line)
    colons = [t.colon for t in line.toks]
    cands = sorted(labels, key=lambda lp: -len(lp[0]))
    hits: list[LabelHit] = []
    p = 0
    while p < len(seq):
        best: LabelHit | None = None
        for lab, payload in cands:
            n = len(lab)
            if best is not None and n < len(best.atoms):
                break
            score = match_at(seq, p, lab, colons)
            if score <= 0.0:
                continue
            if score < (min_score if n >= 3 else (0.74 if line.toks[seq[p + n - 1][1]].colon else 0.86)):
                continue
            last_tok = seq[p + n - 1][1]
            first_tok = seq[p][1]
            colon = line.toks[last_tok].colon
            dash = line.toks[last_tok].text.endswith(("-", ";")) and n >= 2 and score >= 0.9
            if n == 1 and (score < 1.0 or not colon):
                continue
            at_start = first_tok == 0 or (hits and hits[-1].end == first_tok)
            if need_colon_inside and not at_start and not colon and not dash and not (score >= 0.95 and n >= 3):
                continue
            hit = LabelHit(first_tok, last_tok + 1, lab, score + (0.05 if colon else 0), colon, payload)
            if best is None or hit.score > best.score:
                best = hit
        if best is not None:
            hits.append(best)
            p += len(best.atoms)
        else:
            p += 1
    return hits


def starts_with(line: Line, phrase: tuple[str, ...], min_score: float = 0.8) -> float:
    """How well the line begins with ``phrase`` (0 when it does not): for lead-ins and boilerplate."""
    seq = line_atoms(line)
    n = min(len(phrase), len(seq))
    if n == 0 or n < min(len(phrase), 3):
        return 0.0
    sims = [_sim(seq[k][0], phrase[k]) for k in range(n)]
    score = sum(sims) / len(phrase)
    return score if score >= min_score else 0.0
