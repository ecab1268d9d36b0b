"""Vietnam's administrative units, complete, before and after 1 July 2025: one interface over the
snapshot ``data/gazetteer.tsv`` (extracted from the ``vietnamadminunits`` package by
``scripts/build_gazetteer.py``; never typed by hand).

Guarantees:
- every unit of the two schemes — ``legacy_63`` (63 provinces, ~700 districts, ~10,000 communes, in
  force until 30 June 2025) and ``v2025`` (34 provinces, 3,321 communes, no district level) — with
  its GSO code, full name (``Xã Đường Âm``), short name (``Đường Âm``) and parent code;
- lookups by name are tolerant of case and tone-mark placement (``Hoà``/``Hòa``) only; ``same_letters``
  and ``near`` give repair candidates and never decide anything;
- ``schemes_for(date)``: the schemes a document of that date may name (an older document only the
  legacy units; a newer one both, since old addresses stay printed on old papers).
Never: guesses, changes text, or reads files other than its own snapshot.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from indexer.vntext import canonical, fold

SNAPSHOT = Path(__file__).parent / "data" / "gazetteer.tsv"
REFORM = dt.date(2025, 7, 1)
LEGACY, V2025 = "legacy_63", "v2025"

# Unit words as the source spells them, longest first; ``level`` a unit word names.
KINDS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã")
LEVELS = {"P": "province", "D": "district", "W": "commune"}


@dataclass(frozen=True)
class Unit:
    scheme: str  # legacy_63 | v2025
    level: str  # province | district | commune
    code: str  # GSO code (province 2 digits, district 3, commune 5)
    name: str  # full, as the source writes it: "Xã Đường Âm"
    short: str  # without the unit word: "Đường Âm"
    kind: str  # the unit word: "Xã"
    parent: str | None  # the parent unit's code in the same scheme

    @property
    def id_prefix(self) -> str | None:
        """The 3-digit prefix of a personal ID number registered in this legacy province."""
        return "0" + self.code if self.level == "province" and self.scheme == LEGACY else None


def key(name: str) -> str:
    """Case, tone placement, hyphens and spacing ignored; diacritics kept."""
    return " ".join(re.sub(r"\s*[-–]\s*", " ", canonical(name)).lower().split())


def _split_kind(name: str) -> tuple[str, str]:
    for k in KINDS:
        if name.lower().startswith(k.lower() + " "):
            return k, name[len(k) + 1 :]
    return "", name


def short_name(name: str) -> str:
    """``Xã Đường Âm`` → ``Đường Âm``."""
    return _split_kind(name)[1]


class Gazetteer:
    def __init__(self, units: list[Unit]) -> None:
        self.units = units
        self.by_code: dict[tuple[str, str, str], Unit] = {(u.scheme, u.level, u.code): u for u in units}
        self._by_key: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        self._by_fold: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        self._children: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        for u in units:
            self._by_key[(u.level, key(u.short))].append(u)
            self._by_fold[(u.level, fold(key(u.short)))].append(u)
            if u.parent:
                self._children[(u.scheme, u.parent)].append(u)
        self._level_lists: dict[str, list[Unit]] = defaultdict(list)
        for u in units:
            self._level_lists[u.level].append(u)
        self._fold_lists = {lv: ([fold(key(u.short)) for u in us], us) for lv, us in self._level_lists.items()}

    # -- lookups ---------------------------------------------------------------------------------

    def named(self, name: str, level: str | None = None, schemes: tuple[str, ...] = (LEGACY, V2025)) -> list[Unit]:
        """Units whose short name is ``name`` (case and tone placement aside)."""
        levels = (level,) if level else tuple(LEVELS.values())
        return [u for lv in levels for u in self._by_key.get((lv, key(name)), []) if u.scheme in schemes]

    def same_letters(
        self, name: str, level: str, schemes: tuple[str, ...] = (LEGACY, V2025), within: list[Unit] | None = None
    ) -> list[Unit]:
        """Units with the same letters as ``name`` but any marks: candidates for a mark repair."""
        cands = self._by_fold.get((level, fold(key(name))), [])
        return _inside([u for u in cands if u.scheme in schemes], within, self)

    def near(
        self,
        name: str,
        level: str,
        max_d: int = 1,
        schemes: tuple[str, ...] = (LEGACY, V2025),
        within: list[Unit] | None = None,
    ) -> list[Unit]:
        """Units whose folded short name is at most ``max_d`` letters from ``name``'s."""
        k = fold(key(name))
        if within:
            return [u for u in self.children_of(within, level) if u.scheme in schemes and _d(k, u) <= max_d]
        keys, units = self._fold_lists[level]
        hits = process.extract(k, keys, scorer=Levenshtein.distance, score_cutoff=max_d, limit=None)
        return [units[i] for _, _, i in hits if units[i].scheme in schemes]

    def children_of(self, parents: list[Unit] | None, level: str) -> list[Unit]:
        """Units of ``level`` under any of ``parents`` (a commune under a province via its districts)."""
        out: list[Unit] = []
        for p in parents or []:
            for c in self._children.get((p.scheme, p.code), []):
                if c.level == level:
                    out.append(c)
                elif c.level == "district" and level == "commune":
                    out.extend(self._children.get((c.scheme, c.code), []))
        return out

    def parent_of(self, u: Unit) -> Unit | None:
        if not u.parent:
            return None
        up = {"commune": ("district", "province"), "district": ("province",)}.get(u.level, ())
        for lv in up:
            p = self.by_code.get((u.scheme, lv, u.parent))
            if p is not None:
                return p
        return None

    def is_within(self, u: Unit, parents: list[Unit]) -> bool:
        p = self.parent_of(u)
        while p is not None:
            if p in parents:
                return True
            p = self.parent_of(p)
        return False

    def id_provinces(self) -> dict[str, str]:
        """3-digit personal-ID prefix → legacy province short name."""
        return {u.id_prefix: u.short for u in self._level_lists["province"] if u.id_prefix}

    def province_by_prefix(self, prefix: str) -> Unit | None:
        if len(prefix) != 3 or not prefix.startswith("0"):
            return None
        return self.by_code.get((LEGACY, "province", prefix[1:]))


def _d(k: str, u: Unit) -> int:
    return int(Levenshtein.distance(k, fold(key(u.short))))


def _inside(units: list[Unit], within: list[Unit] | None, g: Gazetteer) -> list[Unit]:
    if not within:
        return units
    return [u for u in units if g.is_within(u, within)]


def schemes_for(date: dt.date | None) -> tuple[str, ...]:
    """Schemes a document of ``date`` may name: before the reform only the legacy units."""
    if date is not None and date < REFORM:
        return (LEGACY,)
    return (LEGACY, V2025)


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    """Every syllable of a unit's name, lower case: ``ea``, ``pốk``, ``kbang`` are how places of
    the highlands are written, not misread Vietnamese syllables."""
    return frozenset(w.lower() for u in load().units for w in canonical(u.short).split())


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    units: list[Unit] = []
    for line in SNAPSHOT.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        tag, code = cols[0], cols[1]
        scheme = LEGACY if tag[0] == "L" else V2025
        level = LEVELS[tag[1]]
        name = cols[-1]
        parent = cols[2] if len(cols) == 4 else None
        kind, short = _split_kind(name)
        units.append(Unit(scheme, level, code, name, short, kind, parent))
    return Gazetteer(units)
