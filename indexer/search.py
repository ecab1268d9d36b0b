"""Find pages by what is written on them, with or without diacritics.

Candidates come from the full-text index of folded page text: first the pages with the words as
a phrase (an FTS5 phrase query on SQLite; on PostgreSQL the index of word pairs, then a regex
on ``text_folded``), then — only when those are fewer than asked for — pages with every word
(FTS5 / ``to_tsvector``), then pages where every word starts like a typed one, and only when
nothing at all came back, pages with any word starting like a typed one. Each candidate is then
ranked in tiers:

0. the query as typed, diacritics and all (case and tone placement aside: hoà = hòa), when it
   was typed with diacritics (one typed without says nothing of them: a page of an old book typed
   ``NGUYEN VAN AN`` and one printed ``Nguyễn Văn An`` both match it folded);
1. the folded query as a phrase (``nguyen van an`` in "Nguyễn Văn An");
2. every folded word of the query, in any order;
3. a near miss: a word only starts the same, or a fuzzy match of the phrase.

Within a tier, pages where the words occur more often come first. The index does not rank
(bm25 / ``ts_rank`` would score every page that matches before the LIMIT applies — for common
names, most pages — which costs seconds at 100,000 pages).

People (register entries, documents' fields) are found by name in ``indexer.people``;
``indexer.people.search_all`` returns both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import text

from indexer.db import Database
from indexer.vntext import canonical_key, fold, has_marks, nfc

CANDIDATES = 300
_TOKEN = re.compile(r"[a-z0-9]+")

TIER_WHY = {
    0: "khớp đúng cả dấu",
    1: "khớp không dấu (cụm từ)",
    2: "có đủ các từ (không dấu)",
    3: "gần đúng",
}


@dataclass(frozen=True)
class Hit:
    page_id: int
    document_id: int
    page_no: int
    title: str
    tier: int
    score: float
    snippet: str

    @property
    def why(self) -> str:
        return TIER_WHY[self.tier]


def _tokens(q: str) -> list[str]:
    return _TOKEN.findall(fold(q))


def _fts_query(tokens: list[str], *, prefix: bool, any_word: bool = False) -> str:
    words = [f'"{t}"*' if prefix else f'"{t}"' for t in tokens]
    return (" OR " if any_word else " AND ").join(words)


def _candidates(db: Database, tokens: list[str], prefix: bool, n: int, any_word: bool = False) -> list[int]:
    """Pages with every word (``prefix``: every word's beginning; ``any_word``: any of them), in
    index order.

    Not ranked by the index: bm25 / ts_rank would score every matching page (for common words,
    most of them) before the LIMIT applies; the tiers and counts below rank what comes back."""
    with db.read() as s:
        if db.dialect == "sqlite":
            rows = s.execute(
                text("SELECT rowid FROM pages_fts WHERE pages_fts MATCH :q LIMIT :n"),
                {"q": _fts_query(tokens, prefix=prefix, any_word=any_word), "n": n},
            ).all()
        else:
            words = [f"{t}:*" if prefix else t for t in tokens]
            # A sequential scan would re-parse every page until n match: always use the GIN index.
            s.execute(text("SET LOCAL enable_seqscan = off"))
            rows = s.execute(
                text(
                    "SELECT id FROM pages WHERE to_tsvector('simple', coalesce(text_folded, '')) "
                    "@@ to_tsquery('simple', :q) LIMIT :n"
                ),
                {"q": (" | " if any_word else " & ").join(words), "n": n},
            ).all()
        return [r[0] for r in rows]


def _phrase_regex(tokens: list[str]) -> str:
    return r"(^|[^a-z0-9])" + r"[^a-z0-9]+".join(tokens) + r"([^a-z0-9]|$)"


def _phrase_candidates(db: Database, tokens: list[str], n: int) -> list[int]:
    """Pages with the folded words in this order (tiers 0 and 1)."""
    with db.read() as s:
        if db.dialect == "sqlite":
            rows = s.execute(
                text("SELECT rowid FROM pages_fts WHERE pages_fts MATCH :q LIMIT :n"),
                {"q": '"' + " ".join(tokens) + '"', "n": n},
            ).all()
        else:
            # The word-pair index (migration 0006) narrows to pages with every consecutive pair
            # of the words; the regex on those few checks the order.
            rows = s.execute(
                text(
                    "SELECT id FROM pages WHERE sohoa_bigrams(text_folded) @@ to_tsquery('simple', :pairs) "
                    "AND text_folded ~ :re LIMIT :n"
                ),
                {
                    "pairs": " & ".join(f"{a}0{b}" for a, b in zip(tokens, tokens[1:])),
                    "re": _phrase_regex(tokens),
                    "n": n,
                },
            ).all()
        return [r[0] for r in rows]


@dataclass(frozen=True)
class _Query:
    """What ranking every candidate page needs of the query, worked out once."""

    tokens: list[str]
    phrase: re.Pattern[str]
    key: str  # canonical_key of the query; "" when it was typed without diacritics (no tier 0)

    @classmethod
    def of(cls, query: str, tokens: list[str]) -> _Query:
        phrase = re.compile(r"(?<![a-z0-9])" + r"[^a-z0-9]+".join(tokens) + r"(?![a-z0-9])")
        return cls(tokens, phrase, canonical_key(query) if has_marks(query) else "")


def _tier(q: _Query, page_text: str, folded: str) -> tuple[int, float]:
    """The page's tier and, within it, how often the words occur (``folded`` = fold(page_text))."""
    tokens = q.tokens
    spans = [m.span() for m in q.phrase.finditer(folded)]
    if spans and not q.key:
        return 1, float(len(spans))
    if spans:
        key = q.key
        flat = " ".join(page_text.split())
        if len(folded) == len(flat):  # one folded character per character: compare the very words
            exact = sum(1 for a, b in spans if canonical_key(flat[a:b]) == key)
        else:
            exact = int(bool(key) and key in canonical_key(page_text))
        return (0, float(exact)) if exact else (1, float(len(spans)))
    words = _TOKEN.findall(folded)
    present = set(words)
    if all(t in present for t in tokens):
        want = set(tokens)
        return 2, float(sum(1 for w in words if w in want))
    return 3, 0.0


def _snippet(page_text: str, folded: str, tokens: list[str], width: int = 90) -> str:
    flat = " ".join(page_text.split())
    # fold() keeps one character per NFC character here (whitespace already collapsed).
    pos = folded.find(" ".join(tokens)) if len(folded) == len(flat) else -1
    if pos < 0 and tokens and len(folded) == len(flat):
        pos = folded.find(tokens[0])
    if pos < 0:
        return flat[:width]
    start = max(0, pos - width // 3)
    return ("…" if start else "") + flat[start : start + width] + ("…" if start + width < len(flat) else "")


def search(db: Database, query: str, limit: int = 20) -> list[Hit]:
    query = nfc(query).strip()
    tokens = _tokens(query)
    if not tokens or limit <= 0:
        return []
    found = dict.fromkeys(_phrase_candidates(db, tokens, max(3 * limit, 30))) if len(tokens) > 1 else {}
    more = max(5 * limit, 50)
    for prefix, any_word in ((False, False), (True, False), (True, True)):
        if len(found) >= limit or (any_word and (found or len(tokens) == 1)):
            break  # any word: only as the last resort, when nothing else came back
        found.update(
            dict.fromkeys(
                i
                for i in _candidates(db, tokens, prefix, more if not any_word else CANDIDATES, any_word)
                if i not in found
            )
        )
    if not found:
        return []
    with db.read() as s:
        rows: Sequence[tuple[int, int, int, str | None, str | None, str]] = s.execute(
            text(
                "SELECT p.id, p.document_id, p.page_no, p.text, p.text_folded, d.title FROM pages p "
                "JOIN documents d ON d.id = p.document_id WHERE p.id IN (" + ",".join(str(int(i)) for i in found) + ")"
            )
        ).all()
    ranked: list[tuple[int, float, int, int, int, str, str, str]] = []
    phrase = " ".join(tokens)
    q = _Query.of(query, tokens)
    for pid, doc_id, page_no, stored_text, stored_folded, title in rows:
        page_text = stored_text or ""
        folded = stored_folded if stored_folded is not None else fold(page_text)
        tier, score = _tier(q, page_text, folded)
        if tier == 3:
            score = fuzz.partial_ratio(phrase, folded)
            if score < 70:
                continue
        ranked.append((tier, -score, pid, doc_id, page_no, title, page_text, folded))
    ranked.sort(key=lambda r: r[:3])
    # Snippets only for the pages shown.
    return [
        Hit(pid, doc_id, page_no, title, tier, -neg, _snippet(page_text, folded, tokens))
        for tier, neg, pid, doc_id, page_no, title, page_text, folded in ranked[:limit]
    ]
