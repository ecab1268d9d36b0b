"""How well a stored name answers a typed one — the rules every search path and the benchmark's
brute-force reference apply.

A match has a tier (lower is better), then its OCR damage in units (``keys.token_cost``: a
dropped letter or ``tr``→``ư`` 1, a wrong letter 2), then how many middle names one side has that
the other lacks:

0. **exact** — the same name with the same diacritics (case, NFC/NFD, old/new tone placement and
   ``Ð``/``Đ`` aside), for a name typed with diacritics: one typed without any says nothing of
   them, so every name it spells — ``Nguyễn Văn An`` and an old book's ``NGUYEN VAN AN`` alike —
   is a folded match, none ranked above the other;
1. **folded** — the same letters without diacritics (no accents typed, a wrong tone mark,
   ``ư``→``u``, ``ơ``→``o``, ``đ``→``d``);
2. **variant** — the same after i/y (Mỹ/Mĩ), Hoàng/Huỳnh and Vũ/Võ are merged;
3. **middle** — surname and given name agree (as in tier 2), one side has middle names the other
   lacks (``Nguyễn An`` for ``Nguyễn Văn An``; ``Nguyễn Thị Mỹ Hoa`` for ``Nguyễn Thị Hoa``);
4. **fuzzy** — as tier 3 but with OCR damage, at most ``MAX_EDITS`` units in all (a dropped
   letter, ``tr``→``ư``, a wrong letter …);
5. **words** — every typed word is in the name, in any order (``Văn An``, swapped middle/given).

A one-word query is a given name: tier 3 when it is the stored given name, 4 within OCR edits.
Within a tier the search returns equal matches in no particular order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from indexer.people.keys import MAX_EDITS, token_cost
from indexer.people.query import QueryName

EXACT, FOLDED, VARIANT, MIDDLE, FUZZY, WORDS = range(6)

WHY = {
    EXACT: "khớp đúng cả dấu",
    FOLDED: "khớp không dấu",
    VARIANT: "biến thể chính tả (i/y, Hoàng/Huỳnh, Vũ/Võ)",
    MIDDLE: "thiếu/thừa chữ đệm",
    FUZZY: "gần đúng (lỗi OCR)",
    WORDS: "có đủ các từ",
}
WHY_ONE_WORD = {MIDDLE: "khớp tên", FUZZY: "gần đúng tên (lỗi OCR)"}


@dataclass(frozen=True, order=True)
class Match:
    tier: int
    edits: int = 0
    indel: int = 0

    def why(self, one_word: bool = False) -> str:
        base = (WHY_ONE_WORD if one_word else WHY).get(self.tier) or WHY[self.tier]
        if self.indel and self.tier == FUZZY and not one_word:
            return f"{base}, thiếu/thừa chữ đệm"
        return base


Cost = Callable[[str, str], int | None]


def middle_cost(q_mid: Sequence[str], r_mid: Sequence[str], cost: Cost = token_cost) -> tuple[int, int] | None:
    """(edits, indel) aligning the typed middle names with the stored ones when one list is a
    subsequence of the other up to OCR edits; None when they disagree."""
    short_is_query = len(q_mid) <= len(r_mid)
    short, long_ = (q_mid, r_mid) if short_is_query else (r_mid, q_mid)
    n, m = len(short), len(long_)
    if n == 0:
        return 0, m
    inf = MAX_EDITS + 1
    # dp[i][j]: best edits matching short[:i] into long_[:j]
    prev = [0] * (m + 1)
    for i in range(1, n + 1):
        cur = [inf] * (m + 1)
        for j in range(i, m + 1):
            a, b = (short[i - 1], long_[j - 1]) if short_is_query else (long_[j - 1], short[i - 1])
            c = cost(a, b)
            take = prev[j - 1] + c if c is not None else inf
            cur[j] = min(cur[j - 1], take)
        prev = cur
    best = prev[m]
    return (best, m - n) if best <= MAX_EDITS else None


def structural(q: QueryName, sur: str, mid: Sequence[str], given: str, cost: Cost = token_cost) -> Match | None:
    """Tier 3/4 (or None) of a stored name split into surname, middle names and given name
    (skeleton tokens; ``sur`` is empty for a one-word name)."""
    if len(q.forms) == 1:
        c = cost(q.given, given)
        if c is None:
            return None
        return Match(MIDDLE if c == 0 else FUZZY, c, 0)
    if not sur:
        return None
    cs = cost(q.forms[0], sur)
    if cs is None:
        return None
    cg = cost(q.forms[-1], given)
    if cg is None or cs + cg > MAX_EDITS:
        return None
    mc = middle_cost(q.middle, mid, cost)
    if mc is None:
        return None
    edits = cs + cg + mc[0]
    if edits > MAX_EDITS or (edits == 0 and mc[1] == 0):
        return None  # too far, or the same skeleton (tiers 0–2 decide that)
    return Match(MIDDLE if edits == 0 else FUZZY, edits, mc[1])


def match(q: QueryName, exact: str, folded: str, skeleton_tokens: Sequence[str]) -> Match | None:
    """The match of a stored name (its exact key, folded key and skeleton tokens) to a query."""
    if q.exact == exact and q.marked:
        return Match(EXACT)
    if q.folded == folded:
        return Match(FOLDED)
    toks = tuple(skeleton_tokens)
    if q.tokens == toks:
        return Match(VARIANT)
    if len(toks) == 1:
        m = structural(q, "", (), toks[0])
    else:
        m = structural(q, toks[0], toks[1:-1], toks[-1])
    if m is not None:
        return m
    if set(q.tokens) <= set(toks):
        return Match(WORDS)
    return None
