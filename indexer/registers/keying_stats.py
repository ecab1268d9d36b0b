"""How well each person keys, for the archive lead: over the entries keyed twice, the share of
columns where a person's reading agreed with the other keyer's, and — once settled — with the
entry's final value; how many entries each keyed and arbitrated. Read-only.

A column counts when either reading has a value; values are compared as the entry keeps them
(``indexer.registers.keying.cleaned``), so ``2/3/1998`` and ``02031998`` agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from indexer.db import Database
from indexer.models import RegisterBook, RegisterEntry, RegisterKeying
from indexer.registers.keying import ARBITER, KEY, cleaned
from indexer.registers.vocabulary import BOOK_TYPES, VERIFIED


@dataclass
class PersonRate:
    actor: str
    entries: int = 0  # entries this person keyed
    compared: int = 0  # of those, entries also keyed by someone else
    columns: int = 0  # columns compared
    agreed: int = 0  # columns equal to the other keyer's
    final_columns: int = 0  # columns of settled entries
    right: int = 0  # columns equal to the settled value
    arbitrated: int = 0  # entries this person settled as arbitrator

    @property
    def agreement(self) -> float | None:
        return self.agreed / self.columns if self.columns else None

    @property
    def accuracy(self) -> float | None:
        return self.right / self.final_columns if self.final_columns else None


def agreement_rates(db: Database, book_id: int | None = None) -> list[PersonRate]:
    """One line per person who keyed or arbitrated (in one book, or all), by name."""
    with db.read() as s:
        q = (
            select(
                RegisterKeying.entry_id,
                RegisterKeying.actor,
                RegisterKeying.role,
                RegisterKeying.data,
                RegisterBook.book_type,
                RegisterEntry.status,
                RegisterEntry.data,
            )
            .join(RegisterEntry, RegisterEntry.id == RegisterKeying.entry_id)
            .join(RegisterBook, RegisterBook.id == RegisterKeying.book_id)
            .order_by(RegisterKeying.id)
        )
        if book_id is not None:
            q = q.where(RegisterKeying.book_id == book_id)
        rows: list[Any] = list(s.execute(q).all())
    people: dict[str, PersonRate] = {}
    by_entry: dict[int, list[tuple[str, dict[str, str]]]] = {}
    entry_info: dict[int, tuple[str, str, dict[str, str]]] = {}
    for eid, who, role, data, btype, status, final in rows:
        p = people.setdefault(who, PersonRate(who))
        if role == ARBITER:
            p.arbitrated += 1
            continue
        if role == KEY:
            p.entries += 1
            by_entry.setdefault(eid, []).append((who, dict(data or {})))
            entry_info[eid] = (btype, status, dict(final or {}))
    for eid, readings in by_entry.items():
        if len(readings) < 2:
            continue
        btype, status, final = entry_info[eid]
        bt = BOOK_TYPES[btype]
        (a, da), (b, db_) = readings[:2]
        keys = sorted(k for k in {**da, **db_} if da.get(k) or db_.get(k))
        for who, mine, theirs in ((a, da, db_), (b, db_, da)):
            p = people[who]
            p.compared += 1
            for k in keys:
                mv = cleaned(bt, k, mine.get(k, ""))
                p.columns += 1
                p.agreed += mv == cleaned(bt, k, theirs.get(k, ""))
                if status == VERIFIED:
                    p.final_columns += 1
                    p.right += mv == (final.get(k) or "")
    return sorted(people.values(), key=lambda p: p.actor)
