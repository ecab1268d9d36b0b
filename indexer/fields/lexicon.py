"""The lexicon data files (``indexer/fields/data/``): surnames, middle and given names, common
phrases. Loaded once, looked up by folded key. Places are not here: gazetteer.py has every
administrative unit from complete data. The name files are built by ``scripts/build_names.py``
from vendored public name lists (``data/sources/``), never typed by hand; their second column
(a population share or a count of names) is kept as the entry's weight."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from indexer.vntext import canonical, fold

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[tuple[str, float | None]]:
    """Entries of a data file with their weight (second tab-separated column, if a number)."""
    out: list[tuple[str, float | None]] = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            entry, _, rest = line.partition("\t")
            try:
                weight: float | None = float(rest)
            except ValueError:
                weight = None
            out.append((canonical(entry.strip()), weight))
    return out


def _lines(name: str) -> list[str]:
    return [entry for entry, _ in _rows(name)]


@dataclass
class Lexicon:
    """Words or phrases indexed by their folded form; one folded key may have several spellings."""

    entries: set[str] = field(default_factory=set)
    by_fold: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    weights: dict[str, float] = field(default_factory=dict)  # entry → its source's share or count

    def add(self, entry: str, weight: float | None = None) -> None:
        entry = canonical(entry)
        if entry not in self.entries:
            self.entries.add(entry)
            self.by_fold[fold(entry)].append(entry)
        if weight is not None:
            self.weights[entry] = max(weight, self.weights.get(entry, 0.0))

    def __contains__(self, item: str) -> bool:
        return canonical(item).lower() in self._lower

    @property
    def _lower(self) -> set[str]:
        low = getattr(self, "_low_cache", None)
        if low is None or len(low) != len(self.entries):
            low = {e.lower() for e in self.entries}
            self._low_cache = low
        return low

    def spellings(self, text: str) -> list[str]:
        return list(self.by_fold.get(fold(text), []))


@lru_cache(maxsize=1)
def surnames() -> Lexicon:
    lex = Lexicon()
    for s, w in _rows("surnames.txt"):
        lex.add(s, w)
    return lex


@lru_cache(maxsize=1)
def middle_names() -> Lexicon:
    lex = Lexicon()
    for s, w in _rows("middle_names.txt"):
        lex.add(s, w)
    return lex


@lru_cache(maxsize=1)
def given_names() -> Lexicon:
    lex = Lexicon()
    for s, w in _rows("given_names.txt"):
        lex.add(s, w)
    return lex


@lru_cache(maxsize=1)
def name_syllables() -> Lexicon:
    """Every syllable of every name list (a name may use any of them in any position)."""
    lex = Lexicon()
    for src in (surnames(), middle_names(), given_names()):
        for e in src.entries:
            for syl in e.split():
                lex.add(syl)
    return lex


@lru_cache(maxsize=1)
def phrases() -> Lexicon:
    """Common phrases of civil-status values (hospitals, causes of death, requests …)."""
    lex = Lexicon()
    for s in _lines("phrases.txt"):
        lex.add(s)
    return lex
