"""Find pages by what is written on them, with or without diacritics.

Candidates come from the full-text index of folded page text (FTS5 on SQLite, ``to_tsvector``
on PostgreSQL); each candidate is then ranked in tiers:

0. the query as typed, diacritics and all (case and tone placement aside: hoà = hòa);
1. the folded query as a phrase (``nguyen van an`` in "Nguyễn Văn An");
2. every folded word of the query, in any order;
3. a near miss: a word only starts the same, or a fuzzy match of the phrase.

Within a tier, the index's relevance decides.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import text

from indexer.db import Database
from indexer.vntext import canonical_key, fold, nfc

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


def _fts_query(tokens: list[str], *, prefix: bool) -> str:
    if prefix:
        return " OR ".join(f'"{t}"*' for t in tokens)
    return " AND ".join(f'"{t}"' for t in tokens)


def _candidates(db: Database, tokens: list[str], prefix: bool) -> list[tuple[int, float]]:
    with db.read() as s:
        if db.dialect == "sqlite":
            rows = s.execute(
                text(
                    "SELECT rowid, bm25(pages_fts) AS rank FROM pages_fts WHERE pages_fts MATCH :q "
                    "ORDER BY rank LIMIT :n"
                ),
                {"q": _fts_query(tokens, prefix=prefix), "n": CANDIDATES},
            ).all()
            return [(r[0], -float(r[1])) for r in rows]
        tsq = " | ".join(f"{t}:*" for t in tokens) if prefix else " & ".join(tokens)
        rows = s.execute(
            text(
                "SELECT id, ts_rank(to_tsvector('simple', coalesce(text_folded, '')), to_tsquery('simple', :q)) AS rank "
                "FROM pages WHERE to_tsvector('simple', coalesce(text_folded, '')) @@ to_tsquery('simple', :q) "
                "ORDER BY rank DESC LIMIT :n"
            ),
            {"q": tsq, "n": CANDIDATES},
        ).all()
        return [(r[0], float(r[1])) for r in rows]


def _tier(query: str, tokens: list[str], page_text: str) -> int:
    key = canonical_key(query)
    if key and key in canonical_key(page_text):
        return 0
    folded = f" {fold(page_text)} "
    words = set(_TOKEN.findall(folded))
    if f" {' '.join(tokens)} " in folded:
        return 1
    if all(t in words for t in tokens):
        return 2
    return 3


def _snippet(page_text: str, tokens: list[str], width: int = 90) -> str:
    flat = " ".join(page_text.split())
    folded = fold(flat)
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
    if not tokens:
        return []
    found = dict(_candidates(db, tokens, prefix=False))
    if len(found) < limit:
        for pid, score in _candidates(db, tokens, prefix=True):
            found.setdefault(pid, score - 1000.0)
    if not found:
        return []
    with db.read() as s:
        rows = s.execute(
            text(
                "SELECT p.id, p.document_id, p.page_no, p.text, d.title FROM pages p "
                "JOIN documents d ON d.id = p.document_id WHERE p.id IN ("
                + ",".join(str(int(i)) for i in found)
                + ")"
            )
        ).all()
    hits = []
    phrase = " ".join(tokens)
    for pid, doc_id, page_no, page_text, title in rows:
        page_text = page_text or ""
        tier = _tier(query, tokens, page_text)
        score = found[pid]
        if tier == 3:
            fuzzy = fuzz.partial_ratio(phrase, fold(page_text))
            if fuzzy < 70:
                continue
            score = fuzzy
        hits.append(Hit(pid, doc_id, page_no, title, tier, score, _snippet(page_text, tokens)))
    hits.sort(key=lambda h: (h.tier, -h.score, h.page_id))
    return hits[:limit]
