"""The distinct surname, middle-name and given-name tokens in the index (``people_tokens``), held in
memory per database, and their OCR-damage neighbours.

The vocabulary is small (a few hundred to a few thousand skeleton tokens per position even for
millions of people), so finding every token within the edit budget of a typed one is a C-speed
scan (rapidfuzz) rather than an index lookup. New tokens are picked up incrementally: rows only
ever get added to ``people_tokens`` (a removed person lowers a count), so ``max(id)`` tells
whether the cached copy is current.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import Indel
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from indexer.people.keys import skeleton_of_folded, surfaces, token_cost, token_limit

POSITIONS = ("s", "m", "g")  # surname, middle name, given name


@dataclass
class _Pos:
    tokens: set[str] = field(default_factory=set)
    surf: list[str] = field(default_factory=list)  # every surface spelling
    surf_skel: list[str] = field(default_factory=list)  # its skeleton token
    tr_rest: list[str] = field(default_factory=list)  # surfaces starting with "tr", minus "tr"
    tr_skel: list[str] = field(default_factory=list)
    u_rest: list[str] = field(default_factory=list)  # surfaces starting with "u", minus "u"
    u_skel: list[str] = field(default_factory=list)

    def add(self, tok: str) -> None:
        if tok in self.tokens:
            return
        # The skeleton lists grow first: a reader scanning ``surf`` concurrently (no lock on the
        # read path) must always find the skeleton of an index it got back.
        for s in surfaces(tok):
            self.surf_skel.append(tok)
            self.surf.append(s)
            if s.startswith("tr"):
                self.tr_skel.append(tok)
                self.tr_rest.append(s[2:])
            elif s.startswith("u"):
                self.u_skel.append(tok)
                self.u_rest.append(s[1:])
        self.tokens.add(tok)


class Vocab:
    def __init__(self) -> None:
        self.max_id = 0
        self.max_name_id = 0
        self.pos = {p: _Pos() for p in POSITIONS}
        self.pairs: dict[str, set[str]] = {}  # given → surnames it occurs with (people_names)
        self._cache: OrderedDict[tuple[str, str], dict[str, int]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, pos: str, tok: str) -> None:
        self.pos[pos].add(tok)

    def refresh(self, session: Session) -> None:
        tops: tuple[int | None, int | None] = session.execute(
            text("SELECT (SELECT max(id) FROM people_tokens), (SELECT max(id) FROM people_names)")
        ).one()
        top, top_names = tops[0] or 0, tops[1] or 0
        if top != self.max_id:
            tokens: Sequence[tuple[int, str, str]] = session.execute(
                text("SELECT id, pos, token FROM people_tokens WHERE id > :m"), {"m": self.max_id}
            ).all()
            with self._lock:
                for _id, pos, tok in tokens:
                    if pos in self.pos:
                        self.pos[pos].add(tok)
                self.max_id = max([self.max_id, top] + [r[0] for r in tokens])
                self._cache.clear()
        if top_names != self.max_name_id:
            names: Sequence[tuple[str, str]] = session.execute(
                text("SELECT DISTINCT given_skel, sur_skel FROM people_names WHERE id > :m"),
                {"m": self.max_name_id},
            ).all()
            with self._lock:
                for g, su in names:
                    self.pairs.setdefault(g, set()).add(su)
                self.max_name_id = top_names

    def neighbours(self, pos: str, q: str) -> dict[str, int]:
        """Every token at ``pos`` whose :func:`token_cost` from the typed folded token ``q`` is
        within its limit, with that cost."""
        key = (pos, q)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        out = self._compute(self.pos[pos], q)
        with self._lock:
            self._cache[key] = out
            if len(self._cache) > 4096:
                self._cache.popitem(last=False)
        return out

    @staticmethod
    def _compute(p: _Pos, q: str) -> dict[str, int]:
        limit = token_limit(q)
        cand: set[str] = set()
        sk = skeleton_of_folded(q)
        if sk in p.tokens:
            cand.add(sk)
        for _, _, i in process.extract(q, p.surf, scorer=Indel.distance, score_cutoff=limit, limit=None):
            cand.add(p.surf_skel[i])
        # Tesseract's tr → ư (folded: u) at the start of a syllable costs one edit.
        if q.startswith("u") and p.tr_rest:
            for _, _, i in process.extract(q[1:], p.tr_rest, scorer=Indel.distance, score_cutoff=limit - 1, limit=None):
                cand.add(p.tr_skel[i])
        elif q.startswith("tr") and p.u_rest:
            for _, _, i in process.extract(q[2:], p.u_rest, scorer=Indel.distance, score_cutoff=limit - 1, limit=None):
                cand.add(p.u_skel[i])
        out = {}
        for tok in cand:
            c = token_cost(q, tok)
            if c is not None:
                out[tok] = c
        return out


_VOCABS: weakref.WeakKeyDictionary[Engine, Vocab] = weakref.WeakKeyDictionary()
_VOCABS_LOCK = threading.Lock()


def vocab_for(engine: Engine, session: Session) -> Vocab:
    """The vocabulary of ``engine``'s database (one per engine, shared by threads), brought up to date."""
    with _VOCABS_LOCK:
        v = _VOCABS.get(engine)
        if v is None:
            v = _VOCABS[engine] = Vocab()
    v.refresh(session)
    return v
