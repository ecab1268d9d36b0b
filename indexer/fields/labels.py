"""Find printed labels in a line of OCR tokens: fuzzy on folded atoms, so OCR damage
(``Gnơi tình:`` for ``Giới tính:``) and lost accents still match, the longest label first.

``settle`` completes a line's hits so that a value never runs into the next label, known or not;
``fuzzy_label`` binds a label worded a little otherwise than any catalogue wording."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import Indel, Levenshtein

from indexer.fields.layout import Line, Tok


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
    if _sim(seq[p][0], label[0]) < 0.6:
        return 0.0  # the usual case, decided at once
    # a colon ends a label: no label runs across one
    last_tok = seq[p + n - 1][1]
    if any(line_toks_colon and line_toks_colon[seq[p + k][1]] for k in range(n) if seq[p + k][1] != last_tok):
        return 0.0
    sims: list[float] = []
    for k in range(n):
        sim = _sim(seq[p + k][0], label[k])
        if sim < 0.6:
            return 0.0
        sims.append(sim)
    # Short atoms must match exactly ("so" vs "se"); long ones may be damaged.
    for k in range(n):
        if len(label[k]) <= 2 and sims[k] < 1.0 and not (len(label[k]) == 2 and sims[k] >= 0.5 and n >= 4):
            return 0.0
    return sum(sims) / n


def _caps_line(line: Line) -> bool:
    letters = [c for t in line.toks for c in t.text if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


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
            # a two-word label whose colon was lost (photocopies, faxes) still counts when it is
            # read exactly and capitalised: ``Giới tính Nam Dân tộc Kinh``; a heading in capitals
            # (``… GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH``) holds no colon-less label after its start
            exact2 = n == 2 and score >= 1.0 and line.toks[first_tok].text[:1].isupper() and not _caps_line(line)
            if (
                need_colon_inside
                and not at_start
                and not colon
                and not dash
                and not (score >= 0.95 and n >= 3 and not _caps_line(line))
                and not exact2
            ):
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


_LABEL_WORD = re.compile(r"^[^\W\d_][^\W\d_/()]*(?:/[^\W\d_]+)*[,;]?$")


def _wordlike(t: Tok) -> bool:
    """A plain word of a label (letters, maybe ``ông/bà``), not a number or a code."""
    return bool(_LABEL_WORD.match(t.text.rstrip(":").strip("()")))


def _acronym(t: Tok) -> bool:
    letters = [c for c in t.text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _lower_word(t: Tok) -> bool:
    return _wordlike(t) and t.text[:1].islower()


def settle(
    line: Line,
    hits: list[LabelHit],
    heads: frozenset[str],
    labels: list[tuple[tuple[str, ...], Any]] | None = None,
) -> list[LabelHit]:
    """The label hits of a line, completed so that no value crosses into a label:

    - a known label printed with more words before its colon (``Số điện thoại liên hệ:``,
      ``Ngày hẹn trả kết quả:``, ``QUAN HỆ VỚI NGƯỜI ĐÃ MẤT:``) ends at that colon, not after its
      known words;
    - a known label with one or two words before it at the start of the line (``Mối quan hệ …``)
      begins at the line's start;
    - any other ``Word words:`` phrase that begins with a word labels begin with (``Dân``, ``Số``,
      ``Họ`` …, from the whole catalogue), or one capitalised word like a label with its spaces
      lost (``GIỚITÍNH:``, given ``labels``), is an unknown label: payload None. It stops the value
      before it and gets no field, unless the caller binds it by its wording.
    """
    toks = line.toks
    out: list[LabelHit] = []
    for k, h in enumerate(hits):
        nxt = hits[k + 1].start if k + 1 < len(hits) else len(toks)
        if not h.colon:
            caps = all(_acronym(t) or not t.text[:1].isalpha() for t in toks[h.start : h.end])
            for j in range(h.end, min(h.end + 5, nxt)):
                if not (_lower_word(toks[j]) or (caps and _wordlike(toks[j]) and _acronym(toks[j]))):
                    break
                if toks[j].colon:
                    h = LabelHit(h.start, j + 1, h.atoms, h.score, True, h.payload)
                    break
        caps_label = _acronym(toks[h.start])
        if (
            k == 0
            and 0 < h.start <= 2
            and all(_wordlike(t) and (caps_label or not _acronym(t)) and not t.colon for t in toks[: h.start])
        ):
            h = LabelHit(0, h.end, h.atoms, h.score, h.colon, h.payload)
        out.append(h)
    covered: set[int] = set()
    for h in out:
        covered.update(range(h.start, h.end))
    extra: list[LabelHit] = []
    for j, t in enumerate(toks):
        if not t.colon or j in covered or not _wordlike(t):
            continue
        lo = max((h.end for h in out if h.end <= j), default=0)
        start = None
        for i in range(j, max(lo, j - 6) - 1, -1):
            w = toks[i]
            if i < j and (w.colon or not _wordlike(w)):
                break
            first = w.text.split("/")[0].strip("(,;:").lower()
            if w.text[:1].isupper() and not _acronym(w) and first in heads:
                start = i
                break
        if start is None and labels and t.text[:1].isupper() and len(t.atoms) == 1 and len(t.atoms[0]) >= 6:
            # a label whose words OCR glued together (``GIỚITÍNH:``)
            if fuzzy_label((t.atoms[0],), labels, 0.85) is not None:
                start = j
        if start is None:
            continue
        after_hit = any(h.end == start for h in out) and start > 0
        if after_hit:
            continue  # right after a label: the words are its value ("CCCD số: …")
        atoms = tuple(a for w in toks[start : j + 1] for a in w.atoms)
        extra.append(LabelHit(start, j + 1, atoms, 0.0, True, None))
        covered.update(range(start, j + 1))
    return sorted(out + extra, key=lambda h: h.start)


_NUMBER_WORDS = {"so", "ma"}  # a label that names a number: Số …, Mã …


def fuzzy_label(atoms: tuple[str, ...], labels: Iterable[tuple[tuple[str, ...], Any]], min_ratio: float = 0.88) -> Any:
    """The payload of the catalogue label worded most like ``atoms`` (a label printed with a word
    more or less: ``Quan hệ với người khai sinh``, or only its first three words or more), or None
    when none is close enough."""
    text = " ".join(atoms)
    glued = len(atoms) == 1
    best, best_r = None, min_ratio
    for lab, payload in labels:
        if len(atoms) >= 3 and 0 < len(lab) - len(atoms) <= 2 and lab[: len(atoms)] == atoms and best_r < 0.9:
            best, best_r = payload, 0.9  # the label's first words: ``Số định danh`` (… cá nhân)
            continue
        if not glued and lab[0] in _NUMBER_WORDS and not _NUMBER_WORDS & set(atoms):
            continue  # ``Giấy tờ tùy thân`` names the paper, ``Số giấy tờ tùy thân`` its number
        other = ("" if glued else " ").join(lab)
        if abs(len(other) - len(text)) > 0.3 * max(len(text), len(other)):
            continue
        r = Indel.normalized_similarity(text, other)
        if r > best_r:
            best, best_r = payload, r
    return best
