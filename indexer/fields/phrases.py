"""Repair the marks of words from lexicons of whole phrases (``Bệnh viện Đa khoa``, ``Trung tâm Y
tế``): when a run of OCR words has the same letters as a known phrase, its marks are taken from the
phrase nearest to what was read.

Trust rule: a run of valid Vietnamese syllables shorter than three words is never changed by a
phrase (``Nậm Ban`` stays, ``năm`` stays), and valid syllables never get other letters from one
(``tâm Y tế`` stays) unless a run of three or more is one letter, swapped in place, from exactly
one fixed phrase (``ngày tàm việc`` → ``ngày làm việc``); a longer run's marks, or a run holding an impossible syllable, is repaired
only towards exactly one phrase, and every repair is recorded and flagged. Unknown words
are left alone unless they are impossible syllables, which get the nearest valid syllable and a
review flag."""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.fields import gazetteer
from indexer.fields.correct import syllable_candidates
from indexer.fields.lexicon import Lexicon
from indexer.fields.syllables import distance, is_valid
from indexer.vntext import canonical, fold


@dataclass
class Repair:
    words: list[str]
    changes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    locked: list[bool] = field(default_factory=list)  # confirmed by a lexicon

    @property
    def text(self) -> str:
        return " ".join(self.words)


def _core(w: str) -> tuple[str, str, str]:
    """(leading punctuation, word, trailing punctuation)."""
    i, j = 0, len(w)
    while i < j and not w[i].isalnum():
        i += 1
    while j > i and not w[j - 1].isalnum():
        j -= 1
    return w[:i], w[i:j], w[j:]


def repair_with(
    words: list[str], lexicons: list[Lexicon], max_n: int = 9, rep: Repair | None = None, min_n: int = 1
) -> Repair:
    rep = rep or Repair(list(words), locked=[False] * len(words))
    cores = [_core(w)[1] for w in rep.words]
    n_words = len(cores)
    for n in range(min(max_n, n_words), min_n - 1, -1):
        for i in range(n_words - n + 1):
            if any(rep.locked[i : i + n]) or not all(cores[i : i + n]):
                continue
            # inner punctuation breaks a phrase ("Lộc, huyện"), but not a stray dot ("Thuận. Thành")
            if any(_core(rep.words[k])[2] not in ("", ".") for k in range(i, i + n - 1)):
                continue
            window = " ".join(cores[i : i + n])
            if n < 3 and all(is_valid(c) for c in cores[i : i + n]):
                continue  # valid syllables: a short phrase cannot tell a misread from a rare word
            key = fold(window)
            cands: list[str] = []
            for lex in lexicons:
                cands += [c for c in lex.by_fold.get(key, []) if c not in cands]
            if not cands:
                continue
            ocr = canonical(window)
            scored = []
            for c in cands:
                cw = c.split()
                if len(cw) != n:
                    continue
                scored.append((sum(distance(a, b) for a, b in zip(ocr.split(), cw)), c))
            if not scored:
                continue
            scored.sort()
            best_d, best = scored[0]
            if best_d == float("inf"):
                continue
            if len(scored) > 1 and scored[1][0] - best_d < 0.2 and best.lower() != ocr.lower():
                rep.problems.append(f"“{window}” có thể là {' / '.join(c for _, c in scored[:3])}")
                continue
            for k, cw in enumerate(best.split()):
                pre, core, post = _core(rep.words[i + k])
                if post == "." and k < n - 1:
                    post = ""
                    rep.words[i + k] = pre + core
                    rep.changes.append("bỏ dấu chấm lẫn trong tên")
                new = _cased(cw, core, i + k == 0, rep.words)
                if new != core:
                    rep.changes.append(f"{core} → {new} (danh mục)")
                    rep.words[i + k] = pre + new + post
                    cores[i + k] = new
                rep.locked[i + k] = True
            if best.lower() != ocr.lower():
                rep.problems.append(f"“{window}” sửa dấu thành “{best}” theo cụm từ thường gặp")
    return rep


def _cased(cand: str, core: str, first: bool, words: list[str]) -> str:
    """A lexicon word written as the value writes it: capitals kept for an all-capitals value,
    the first word's capital kept, otherwise the lexicon's own case (OCR mixes up L/l, X/x)."""
    if core.isupper() and len(core) > 1 and sum(w.isupper() for w in words) >= len(words) / 2:
        return cand.upper()
    if first:
        return cand[:1].upper() + cand[1:] if core[:1].isupper() else cand
    return cand


LETTER_FOR_DIGIT = {"0": "oô", "1": "li", "5": "s", "6": "bp", "8": "b", "9": "g", "4": "a", "3": "e"}


def letters_for_digits(rep: Repair) -> Repair:
    """``Câ6`` → ``Cấp``: a digit inside a word is a letter OCR misread."""
    for k, w in enumerate(rep.words):
        pre, core, post = _core(w)
        if not core or core.isdigit() or not any(c.isdigit() for c in core) or sum(c.isalpha() for c in core) < 1:
            continue
        digits = [i for i, c in enumerate(core) if c.isdigit()]
        if len(digits) > 1:
            continue
        i = digits[0]
        best = None
        for letter in LETTER_FOR_DIGIT.get(core[i], ""):
            cand = core[:i] + letter + core[i + 1 :]
            for v, d in syllable_candidates(cand, 3):
                if best is None or d < best[1]:
                    best = (v, d)
        if best is not None:
            rep.words[k] = pre + best[0] + post
            rep.changes.append(f"{core} → {best[0]} (chữ số lẫn trong chữ)")
            rep.problems.append(f"“{core}” có chữ số lẫn trong chữ")
    return rep


def near_phrases(rep: Repair, lex: Lexicon, min_words: int = 3) -> Repair:
    """A run of words one or two letters away from a known phrase of 3+ words, holding an impossible
    syllable (``Truhg tâm Y tế``)."""
    from rapidfuzz.distance import Levenshtein

    cores = [_core(w)[1] for w in rep.words]
    by_len: dict[int, list[str]] = {}
    for e in lex.entries:
        by_len.setdefault(len(e.split()), []).append(e)
    for n in sorted(by_len, reverse=True):
        if n < min_words:
            continue
        for i in range(len(cores) - n + 1):
            if all(rep.locked[i : i + n]) or not all(cores[i : i + n]):
                continue
            window = " ".join(cores[i : i + n])
            key = fold(window)
            limit = 1 if len(key) < 12 else 2
            cands = sorted((Levenshtein.distance(key, fold(e)), e) for e in by_len[n])
            if cands and cands[0][0] == 0:
                exact = [e for d, e in cands if d == 0]
                rep = repair_with(rep.words, [_one(exact)], max_n=n, rep=rep)  # locks what it repairs
                continue
            if not cands or cands[0][0] > limit:
                continue
            if all(is_valid(c) for c in cores[i : i + n]) and not _one_letter_swapped(key, cands):
                # other letters for valid syllables ("tâm Y tế" is no "Trạm Y tế"): never; offered
                if len(cands) == 1 or cands[1][0] > cands[0][0]:
                    rep.problems.append(f"“{window}” có thể là “{cands[0][1]}”")
                continue
            if len(cands) > 1 and cands[1][0] == cands[0][0]:
                continue
            best = cands[0][1]
            for k, cw in enumerate(best.split()):
                pre, core, post = _core(rep.words[i + k])
                if post == "." and k < n - 1:
                    post = ""
                    rep.words[i + k] = pre + core
                    rep.changes.append("bỏ dấu chấm lẫn trong tên")
                new = _cased(cw, core, i + k == 0, rep.words)
                if new != core:
                    rep.words[i + k] = pre + new + post
                    cores[i + k] = new
                rep.locked[i + k] = True
            rep.changes.append(f"{window} → {best} (gần cụm từ trong danh mục)")
            rep.problems.append(f"“{window}” sửa thành “{best}” theo cụm từ thường gặp")
    return rep


def _one_letter_swapped(key: str, cands: list[tuple[int, str]]) -> bool:
    """A run of three or more valid syllables that is one letter, swapped in place, from exactly
    one fixed phrase (``ngày tàm việc`` / ``ngày làm việc``, ``Cỡn cước công dân``): a misread
    letter, not another phrase. A letter missing or added (``tâm Y tế`` / ``Trạm Y tế``, the tail
    of ``Trung tâm Y tế``) is never taken for one."""
    if cands[0][0] != 1 or (len(cands) > 1 and cands[1][0] <= 1):
        return False
    best = fold(cands[0][1])
    return len(best) == len(key) and len(key.split()) >= 3


def _one(entries: list[str]) -> Lexicon:
    lex = Lexicon()
    for e in entries:
        lex.add(e)
    return lex


def repair_syllables(rep: Repair) -> Repair:
    """Impossible syllables (``Lac``, ``Câi``) get the nearest valid one, and a review flag."""
    for k, w in enumerate(rep.words):
        if rep.locked[k]:
            continue
        pre, core, post = _core(w)
        if not core or not core.isalpha() or is_valid(core):
            continue
        if core.isupper() and len(core) <= 5 and all(c.isascii() for c in core):
            continue  # an abbreviation: CCCD, UBND, GBT
        if core.lower() in gazetteer.syllables():
            continue  # a place's own spelling: Ea Pốk, KBang
        cands = syllable_candidates(core, 3)
        if cands:
            new = cands[0][0]
            rep.words[k] = pre + new + post
            rep.changes.append(f"{core} → {new} (âm tiết không hợp lệ)")
            rep.problems.append(f"“{core}” không phải âm tiết tiếng Việt")
        else:
            rep.problems.append(f"“{core}” không phải âm tiết tiếng Việt")
    return rep
