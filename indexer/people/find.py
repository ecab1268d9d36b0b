"""Find people by name: candidate generation from the indexes, tier by tier, best first.

The tiers are those of :mod:`indexer.people.match`. Each is answered by index lookups that stop
at ``limit`` rows, and a tier is only asked when the better ones did not fill ``limit``:

0. ``name_exact = ?``                       (B-tree ``ix_people_exact``; only for a name typed
                                            with diacritics, see ``indexer.people.match``)
1. ``name_fold = ?``                        (``ix_people_fold``)
2. given, surname and middle skeletons      (``ix_people_given_sur``)
3–4. the given-name and surname tokens within the OCR-damage budget are found in the in-memory
   vocabulary (``people_tokens``; rapidfuzz over a few hundred tokens), and only (given, surname)
   pairs that exist (``people_names``, also in memory) are kept. Pairs are visited by their cost,
   0 to ``MAX_EDITS``: the distinct middle names of each pair come from ``people_names`` (or, with
   a birth year, from a seek on (given, surname, year) in the people index), are aligned with the
   typed ones in Python, and people are fetched group by group in rank order. A group that needs
   more edits than the level reached waits, since a later pair may hold better ones; the search
   stops as soon as ``limit`` is reached.
5. every word in any order                  (FTS5 ``people_fts`` / GIN ``to_tsvector``; the birth
   year is a word of that index too, so "words + year" is an intersection, not a filter)

Birth year (and date), parents, register type, registration year and commune are conditions in
every tier's SQL; the birth year is the second column of each name index, so "given name + year"
is a seek. The other filters are words of the word index too (``people.filter_words``): when they
leave at most ``FILTER_FIRST_MAX`` people, those are fetched and ranked by the same rules
(:func:`indexer.people.match.match`) instead of walking the tiers, which would otherwise check
the filters on every near name (a common name with a mother's name: tens of thousands of rows).
Statements go to the driver directly (no SQL compilation per query).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from indexer.db import Database
from indexer.people.backend import Backend, backend_for
from indexer.people.index import filter_token
from indexer.people.keys import MAX_EDITS
from indexer.people.match import EXACT, FOLDED, FUZZY, MIDDLE, VARIANT, WORDS, Match, match, middle_cost
from indexer.people.query import PersonQuery, QueryName, parse_query
from indexer.people.vocab import Vocab, vocab_for

_MAX_GROUPS_PER_QUERY = 60  # UNION ALL arms per statement
# A query whose filters (parents, register type and year, commune) leave at most this many people
# ranks those people directly instead of walking the name tiers.
FILTER_FIRST_MAX = 2000


@dataclass(frozen=True)
class PersonHit:
    person_id: int
    name: str
    role: str
    source_type: str
    source_id: int
    document_id: int | None
    page_id: int | None
    birth_date: date | None
    birth_year: int | None
    register_type: str | None
    reg_year: int | None
    commune: str | None
    mother_name: str | None
    father_name: str | None
    match: Match
    why: str
    matched: tuple[str, ...] = field(default=())  # which fields agreed: tên, năm sinh, mẹ …

    @property
    def tier(self) -> int:
        return self.match.tier


def _filters(q: PersonQuery, ph: Callable[[str], str]) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """SQL conditions on ``p`` for everything but the name, their parameters, and their labels."""
    conds = ["1=1"]
    params: dict[str, Any] = {}
    labels: list[str] = []
    if q.born_year is not None:
        conds.append(f"p.birth_year = {ph('f_by')}")
        params["f_by"] = q.born_year
        labels.append("năm sinh")
        if q.born is not None:
            conds.append(f"(p.birth_date = {ph('f_bd')} OR p.birth_date IS NULL)")
            params["f_bd"] = q.born
            labels[-1] = "ngày sinh"
    for col, skel, label in (("mother_skel", q.mother_skeleton, "mẹ"), ("father_skel", q.father_skeleton, "cha")):
        toks = skel.split()
        if not toks:
            continue
        for i, t in enumerate(toks):
            conds.append(f"(' ' || coalesce(p.{col}, '') || ' ') LIKE {ph(f'f_{col}{i}')}")
            params[f"f_{col}{i}"] = f"% {t} %"
        labels.append(label)
    if q.register_type:
        conds.append(f"p.register_type = {ph('f_rt')}")
        params["f_rt"] = q.register_type
        labels.append("loại sổ")
    if q.year is not None:
        conds.append(f"p.reg_year = {ph('f_ry')}")
        params["f_ry"] = q.year
        labels.append("năm đăng ký")
    if q.commune_key:
        conds.append(f"p.commune_key = {ph('f_ck')}")
        params["f_ck"] = q.commune_key
        labels.append("xã")
    return " AND ".join(conds), params, tuple(labels)


class _Search:
    def __init__(self, db: Database, s: Session, q: PersonQuery, qn: QueryName, limit: int) -> None:
        self.db, self.s, self.q, self.qn, self.limit = db, s, q, qn, limit
        self.sqlite = db.dialect == "sqlite"
        self.conn = s.connection()
        self.where, self.params, self.labels = _filters(q, self.ph)
        if db.dialect == "sqlite" and "f_bd" in self.params:
            self.params["f_bd"] = self.params["f_bd"].isoformat()  # how SQLAlchemy stores a Date there
        self.found: dict[int, Match] = {}
        self._vocab: Vocab | None = None

    @property
    def vocab(self) -> Vocab:
        if self._vocab is None:
            self._vocab = vocab_for(self.db.engine, self.s)
        return self._vocab

    @property
    def need(self) -> int:
        return self.limit - len(self.found)

    def ph(self, name: str) -> str:
        """A named placeholder in the driver's own style (statements bypass SQLAlchemy's compiler)."""
        return f":{name}" if self.sqlite else f"%({name})s"

    def rows(self, sql: str, params: dict[str, Any]) -> Sequence[tuple[Any, ...]]:
        """The rows of a statement in the driver's own style (see :meth:`ph`)."""
        return self.conn.exec_driver_sql(sql, {**self.params, **params}).all()

    def _ids(self, sql: str, params: dict[str, Any]) -> list[int]:
        return [r[0] for r in self.rows(sql, params)]

    def _take(self, ids: Sequence[int], m: Match) -> None:
        for i in ids:
            if len(self.found) >= self.limit:
                return
            self.found.setdefault(i, m)

    # -- tiers 0–2 --------------------------------------------------------------------------------
    def exact_tiers(self) -> None:
        """Tiers 0–2, each an index seek that stops at ``limit`` rows, each asked only when the
        better ones did not fill the page: looking for folded matches that are *not* exact (or
        variants that are not folded matches) would otherwise walk a whole large group."""
        qn, ph = self.qn, self.ph
        toks = qn.tokens
        sur, mid, given = (toks[0], " ".join(toks[1:-1]), toks[-1]) if len(toks) > 1 else ("", "", toks[0])
        params = {"e": qn.exact, "f": qn.folded, "g": given, "s": sur, "m": mid}
        # Typed without diacritics: no exact tier, every name spelled so is a folded match alike.
        not_exact = f"AND p.name_exact <> {ph('e')} " if qn.marked else ""
        tiers = (
            (f"SELECT p.id FROM people p WHERE p.name_exact = {ph('e')} AND {self.where} LIMIT {ph('n')}", EXACT),
            (
                f"SELECT p.id FROM people p WHERE p.name_fold = {ph('f')} {not_exact}AND {self.where} LIMIT {ph('n')}",
                FOLDED,
            ),
            (
                f"SELECT p.id FROM people p WHERE p.given_skel = {ph('g')} AND p.sur_skel = {ph('s')} "
                f"AND p.mid_skel = {ph('m')} AND p.name_fold <> {ph('f')} AND {self.where} LIMIT {ph('n')}",
                VARIANT,
            ),
        )
        for sql, m in tiers if qn.marked else tiers[1:]:
            self._take(self._ids(sql, {**params, "n": self.need}), Match(m))
            if self.need <= 0:
                return

    # -- tiers 3–4 --------------------------------------------------------------------------------
    def structural_tiers(self) -> None:
        qn = self.qn
        v = self.vocab
        given_nb = v.neighbours("g", qn.given)
        if not given_nb:
            return
        if qn.surname is None:
            self._one_word(given_nb)
            return
        sur_nb = v.neighbours("s", qn.surname)
        if not sur_nb:
            return
        qmid = qn.middle
        mid_nb = [v.neighbours("m", t) for t in qmid]
        near_any = set().union(*mid_nb) if mid_nb else set()
        q_mid_skel = qn.tokens[1:-1]
        pos = {t: i for i, t in enumerate(qmid)}
        mid_cache: dict[str, tuple[int, int] | None] = {}

        def mid_align(mid_skel: str) -> tuple[int, int] | None:
            if mid_skel in mid_cache:
                return mid_cache[mid_skel]
            rtoks = mid_skel.split() if mid_skel else []
            got: tuple[int, int] | None
            if not qmid:
                got = (0, len(rtoks))
            elif tuple(rtoks) == q_mid_skel:
                got = (0, 0)
            elif len(rtoks) <= len(qmid) and not all(t in near_any for t in rtoks):
                got = None  # a stored middle name near none of the typed ones
            elif len(rtoks) > len(qmid) and not all(any(t in nb for t in rtoks) for nb in mid_nb):
                got = None  # a typed middle name near none of the stored ones
            elif len(rtoks) == len(qmid) == 1:
                c = mid_nb[0].get(rtoks[0])
                got = None if c is None else (c, 0)
            else:
                got = middle_cost(qmid, rtoks, lambda a, b: mid_nb[pos[a]].get(b))
            mid_cache[mid_skel] = got
            return got

        by_level: dict[int, list[tuple[str, str]]] = {}
        for g, cg in given_nb.items():
            surnames = v.pairs.get(g)
            if not surnames:
                continue
            for su, cs in sur_nb.items():
                if cg + cs <= MAX_EDITS and su in surnames:
                    by_level.setdefault(cg + cs, []).append((g, su))
        own = (qn.tokens[-1], qn.tokens[0], qn.middle_skeleton)
        pending: list[tuple[Match, str, str, str, int]] = []  # match, given, sur, mid, count (upper bound)
        for level in range(MAX_EDITS + 1):
            for g, su, mid, cnt in self._group_stats(by_level.get(level, [])):
                if (g, su, mid) == own:
                    continue  # tiers 0–2
                mc = mid_align(mid)
                if mc is None:
                    continue
                edits = level + mc[0]
                if edits <= MAX_EDITS:
                    pending.append((Match(MIDDLE if edits == 0 else FUZZY, edits, mc[1]), g, su, mid, cnt))
            # Groups needing more than ``level`` edits wait: a later level may hold better ones.
            ready = sorted(x for x in pending if x[0].edits <= level)
            pending = [x for x in pending if x[0].edits > level]
            self._fetch_groups(ready)
            if self.need <= 0:
                return

    def _group_stats(self, pairs: list[tuple[str, str]]) -> list[tuple[str, str, str, int]]:
        """The distinct middle names (and how many people) of each (given, surname) pair.

        Without filters they come from ``people_names`` (one row per distinct name); with a birth
        year from the people index itself (a seek on given, surname, year); with other filters
        ``people_names`` again, the counts then being upper bounds (the fetch checks)."""
        out: list[tuple[str, str, str, int]] = []
        from_people = "f_by" in self.params
        ph = self.ph
        for i in range(0, len(pairs), 500):
            chunk = pairs[i : i + 500]
            values = ", ".join(f"({ph(f'g{j}')}, {ph(f's{j}')})" for j in range(len(chunk)))
            params: dict[str, Any] = {}
            for j, (g, su) in enumerate(chunk):
                params[f"g{j}"], params[f"s{j}"] = g, su
            if from_people:
                sql = (
                    f"WITH v(g, s) AS (VALUES {values}) "
                    "SELECT p.given_skel, p.sur_skel, p.mid_skel, count(*) FROM v JOIN people p "
                    f"ON p.given_skel = v.g AND p.sur_skel = v.s WHERE {self.where} "
                    "GROUP BY p.given_skel, p.sur_skel, p.mid_skel"
                )
            else:
                sql = (
                    f"WITH v(g, s) AS (VALUES {values}) "
                    "SELECT nm.given_skel, nm.sur_skel, nm.mid_skel, nm.n FROM v JOIN people_names nm "
                    "ON nm.given_skel = v.g AND nm.sur_skel = v.s WHERE nm.n > 0"
                )
            out.extend((r[0], r[1], r[2], int(r[3])) for r in self.rows(sql, params))
        return out

    def _fetch_groups(self, groups: list[tuple[Match, str, str, str, int]]) -> None:
        """Take people from the groups in order until ``limit`` is reached."""
        i = 0
        ph = self.ph
        while i < len(groups) and self.need > 0:
            chunk: list[tuple[Match, str, str, str, int]] = []
            total = 0
            while i < len(groups) and len(chunk) < _MAX_GROUPS_PER_QUERY and total < self.need:
                chunk.append(groups[i])
                total += groups[i][4]
                i += 1
            arms: list[str] = []
            params: dict[str, Any] = {"n": self.need}
            for j, (_, g, su, mid, _) in enumerate(chunk):
                arms.append(
                    f"SELECT * FROM (SELECT p.id, {j} AS grp FROM people p WHERE p.given_skel = {ph(f'g{j}')} "
                    f"AND p.sur_skel = {ph(f's{j}')} AND p.mid_skel = {ph(f'm{j}')} AND {self.where} "
                    f"LIMIT {ph('n')}) t{j}"
                )
                params[f"g{j}"], params[f"s{j}"], params[f"m{j}"] = g, su, mid
            by_grp: dict[int, list[int]] = {}
            for pid, grp in self.rows(" UNION ALL ".join(arms), params):
                by_grp.setdefault(grp, []).append(pid)
            for j, grp in enumerate(chunk):
                self._take(by_grp.get(j, []), grp[0])

    def _one_word(self, given_nb: dict[str, int]) -> None:
        for level in range(MAX_EDITS + 1):
            toks = [g for g, c in given_nb.items() if c == level]
            if not toks or self.need <= 0:
                continue
            marks = ", ".join(self.ph(f"g{i}") for i in range(len(toks)))
            ids = self._ids(
                f"SELECT p.id FROM people p WHERE p.given_skel IN ({marks}) AND {self.where} "
                f"AND NOT (p.name_fold = {self.ph('f')}) LIMIT {self.ph('n')}",
                {**{f"g{i}": t for i, t in enumerate(toks)}, "f": self.qn.folded, "n": self.need + len(self.found)},
            )
            self._take([i for i in ids if i not in self.found], Match(MIDDLE if level == 0 else FUZZY, level, 0))

    # -- tier 5 -----------------------------------------------------------------------------------
    def word_tier(self) -> None:
        toks = sorted(set(self.qn.tokens))
        ids = self._backend().word_ids(
            self.conn, toks, self.q.born_year, self.where, self.params, list(self.found), self.need
        )
        self._take(ids, Match(WORDS))

    # -- filters first ----------------------------------------------------------------------------
    def filter_words(self) -> list[str]:
        """The index words every person passing the filters has (``people.filter_words``)."""
        q = self.q
        words = [f"0m{t}" for t in q.mother_skeleton.split()] + [f"0f{t}" for t in q.father_skeleton.split()]
        words += [f"0c{t}" for t in q.commune_key.split()]
        if q.register_type and filter_token(q.register_type):
            words.append(f"0t{filter_token(q.register_type)}")
        if q.year is not None:
            words.append(f"0r{int(q.year)}")
        return sorted(set(words))

    def filters_first(self) -> bool:
        """When the filters alone leave few people (a mother's name, a register year …), rank all
        of them by the rules of :func:`indexer.people.match.match` — complete and exact, and far
        cheaper than walking every near name only to drop most rows on the filters. False when
        there are no such filters or too many people pass them (the name tiers are then fast)."""
        words = self.filter_words()
        if not words:
            return False
        backend = self._backend()
        rows = backend.filter_rows(self.conn, words, self.q.born_year, self.where, self.params, FILTER_FIRST_MAX + 1)
        if len(rows) > FILTER_FIRST_MAX:
            return False
        qn = self.qn
        seen: dict[tuple[str, str, str], Match | None] = {}
        ranked: list[tuple[Match, int]] = []
        for pid, exact, folded, skel in rows:
            key = (exact, folded, skel)
            if key not in seen:
                seen[key] = match(qn, exact, folded, skel.split())
            m = seen[key]
            if m is not None:
                ranked.append((m, pid))
        ranked.sort()
        for m, pid in ranked[: self.limit]:
            self.found[pid] = m
        return True

    def _backend(self) -> Backend:
        return backend_for(self.db.dialect)

    def run(self) -> dict[int, Match]:
        if self.filters_first():
            return self.found
        self.exact_tiers()
        if self.need > 0:
            self.structural_tiers()
        if self.need > 0:
            self.word_tier()
        return self.found


_HIT_COLS = (
    "id, name, role, source_type, source_id, document_id, page_id, birth_date, birth_year, register_type, "
    "reg_year, commune, mother_name, father_name"
)


def _as_date(v: Any) -> date | None:
    if v is None or isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


def find_people(db: Database, query: str | PersonQuery, limit: int = 10, **options: Any) -> list[PersonHit]:
    """The people best matching ``query`` (free text, see :func:`parse_query`, or a PersonQuery),
    best first. ``options`` (born, mother, father, register_type, year, commune) refine a text query."""
    q = parse_query(query, **options) if isinstance(query, str) else query
    qn = q.qname
    if qn is None or limit <= 0:
        return []
    with db.read() as s:
        search = _Search(db, s, q, qn, limit)
        found = search.run()
        if not found:
            return []
        rows = search.rows(f"SELECT {_HIT_COLS} FROM people WHERE id IN ({','.join(str(int(i)) for i in found)})", {})
    one_word = len(qn.tokens) == 1
    hits = []
    for r in rows:
        m = found[r[0]]
        hits.append(
            PersonHit(
                person_id=r[0],
                name=r[1],
                role=r[2],
                source_type=r[3],
                source_id=r[4],
                document_id=r[5],
                page_id=r[6],
                birth_date=_as_date(r[7]),
                birth_year=r[8],
                register_type=r[9],
                reg_year=r[10],
                commune=r[11],
                mother_name=r[12],
                father_name=r[13],
                match=m,
                why=m.why(one_word),
                matched=("tên",) + search.labels,
            )
        )
    order = {pid: i for i, pid in enumerate(found)}
    hits.sort(key=lambda h: (h.match, order[h.person_id]))
    return hits
