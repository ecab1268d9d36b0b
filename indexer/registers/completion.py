"""Completions offered while keying a register book: places from the gazetteer
(``indexer.fields.gazetteer``: the units of the book's time) and values this book already holds
(its settled entries, and what the same person keyed in it before).

Guarantees: only offers — a list of whole values to choose from, best first; the keying screen
applies one only on a key press. Accent-free typing finds accented values (``phu l`` → ``Phú
Lộc``). In a book keyed twice the offers never include what another keyer typed for an entry not
yet settled (only settled entries' values and the person's own readings are drawn on), so
completion cannot carry one keyer's reading to the other.
Never: changes text, decides anything, or reads more than the book's entries and the snapshot.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import select

from indexer.db import Database
from indexer.fields.gazetteer import LEGACY, load, schemes_for
from indexer.models import RegisterBook, RegisterEntry, RegisterKeying
from indexer.registers.vocabulary import BOOK_TYPES, NAME, VERIFIED, BookType
from indexer.vntext import fold

LIMIT = 8
TTL_S = 60.0
PLACE_SUFFIXES = ("NoiSinh", "QueQuan", "NoiCuTru", "NoiChet", "noiDangKy", "NoiThuongTru")
_lock = threading.Lock()
_values: dict[tuple[int, int, str], tuple[float, dict[str, Counter[str]]]] = {}


def is_place(key: str) -> bool:
    return key.endswith(PLACE_SUFFIXES)


@lru_cache(maxsize=4)
def _places(schemes: tuple[str, ...]) -> list[tuple[str, str, int]]:
    """(folded short name, display "Phú Lộc, Phú Vang, Thừa Thiên Huế", level rank) of every unit."""
    g = load()
    rank = {"province": 0, "district": 1, "commune": 2}
    out = []
    for u in g.units:
        if u.scheme not in schemes:
            continue
        chain, p = [u.short], g.parent_of(u)
        while p is not None:
            chain.append(p.short)
            p = g.parent_of(p)
        out.append((fold(u.short), ", ".join(chain), rank[u.level]))
    out.sort(key=lambda t: (t[2], len(t[1]), t[1]))
    return out


def warm(year: int | None) -> None:
    """Build the place list of a book's time ahead of the first offer (about half a second)."""
    _places(schemes_for(date(year, 12, 31)) if year else (LEGACY,))


def place_offers(typed: str, year: int | None, limit: int = LIMIT) -> list[str]:
    """Places whose name starts with the last words typed (after the last comma): the whole value
    with those words completed (``Trạm y tế xã Phú L`` → ``Trạm y tế xã Phú Lộc, Phú Vang, …``)."""
    head, _, seg = typed.rpartition(",")
    words = seg.split()
    if not words:
        return []
    schemes = schemes_for(date(year, 12, 31)) if year else (LEGACY,)
    units = _places(schemes)
    out: list[str] = []
    for n in range(min(4, len(words)), 0, -1):
        tail = fold(" ".join(words[-n:]))
        if len(tail) < 2:
            continue
        before = " ".join(words[:-n])
        lead = (f"{head.strip()}, " if head.strip() else "") + (f"{before} " if before else "")
        for key, display, _ in units:
            if key.startswith(tail):
                value = lead + display
                if value not in out:
                    out.append(value)
                if len(out) >= limit:
                    return out
    return out


def _count(out: dict[str, Counter[str]], data: Any) -> None:
    for key, v in (data or {}).items():
        if isinstance(v, str) and v:
            out.setdefault(key, Counter())[v] += 1


def _book_values(db: Database, book_id: int, actor: str) -> dict[str, Counter[str]]:
    k = (id(db), book_id, actor)
    now = time.monotonic()
    with _lock:
        hit = _values.get(k)
        if hit is not None and now - hit[0] < TTL_S:
            return hit[1]
    out: dict[str, Counter[str]] = {}
    with db.read() as s:
        settled: Any = s.scalars(
            select(RegisterEntry.data).where(RegisterEntry.book_id == book_id, RegisterEntry.status == VERIFIED)
        )
        own: Any = s.scalars(
            select(RegisterKeying.data).where(RegisterKeying.book_id == book_id, RegisterKeying.actor == actor)
        )
        for data in [*settled, *own]:
            _count(out, data)
    with _lock:
        _values[k] = (now, out)
    return out


def remember(db: Database, book_id: int, actor: str, values: dict[str, str]) -> None:
    """What ``actor`` just keyed, offered to ``actor`` from now on (the cache is per person)."""
    with _lock:
        hit = _values.get((id(db), book_id, actor))
        if hit is None:
            return
        for key, v in values.items():
            if v:
                hit[1].setdefault(key, Counter())[v] += 1


def _pool(bt: BookType, key: str, held: dict[str, Counter[str]]) -> Counter[str]:
    """The values of this book to draw on for ``key``: for a name, every name column (a mother in
    one row is often the declarant in another)."""
    spec = bt.key(key)
    if spec is not None and spec.kind == NAME:
        pool: Counter[str] = Counter()
        for k in bt.all_keys:
            if k.kind == NAME:
                pool.update(held.get(k.key, Counter()))
        return pool
    if is_place(key):
        pool = Counter()
        for name, c in held.items():
            if is_place(name):
                pool.update(c)
        return pool
    return held.get(key, Counter())


def offers(db: Database, book_id: int, key: str, typed: str, *, actor: str, limit: int = LIMIT) -> list[str]:
    """Whole values for column ``key`` starting with what was typed (accents aside): the book's own
    values first (most used first), then, for a place, the gazetteer's units."""
    t = fold(typed).strip()
    if len(t) < 2:
        return []
    with db.read() as s:
        b = s.get(RegisterBook, book_id)
        if b is None:
            return []
        bt, year = BOOK_TYPES[b.book_type], b.year
    pool = _pool(bt, key, _book_values(db, book_id, actor))
    out = [v for v, _ in pool.most_common() if fold(v).startswith(t) and v != typed][:limit]
    if is_place(key) and len(out) < limit:
        out += [p for p in place_offers(typed, year, limit) if p not in out and p != typed][: limit - len(out)]
    return out
