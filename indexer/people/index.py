"""Put people into the name index, replace a source's people, take them out; bulk loading.

Every writer of ``people`` goes through here so the vocabulary (``people_tokens``) stays in step.
A source (``source_type``, ``source_id``) — a register entry, a document, a register page — owns
its people: :func:`replace_source` swaps them all in the caller's transaction.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from indexer.db import Database
from indexer.models import Person, PersonName, PersonToken
from indexer.people.backend import backend_for
from indexer.people.keys import commune_key, name_keys, skeleton_text
from indexer.people.query import parse_date, register_type
from indexer.vntext import nfc


@dataclass
class PersonRecord:
    """A person as a source names them. ``birth`` may be a date, an ISO/dd/mm/yyyy string or a year."""

    name: str
    role: str
    source_type: str
    source_id: int
    source_seq: int = 0
    document_id: int | None = None
    page_id: int | None = None
    birth: date | str | int | None = None
    register_type: str | None = None
    reg_year: int | None = None
    commune: str | None = None
    mother_name: str | None = None
    father_name: str | None = None


@lru_cache(maxsize=1 << 18)
def _name_part(name: str) -> tuple[str, ...] | None:
    k = name_keys(name)
    if k is None:
        return None
    return (
        k.display[:200],
        k.exact[:200],
        k.folded[:200],
        k.skeleton[:200],
        k.surname[:60],
        k.middle[:120],
        k.given[:60],
    )


@lru_cache(maxsize=1 << 18)
def _parent(name: str | None) -> tuple[str | None, str | None]:
    clean = " ".join(nfc(name).split()) if name else ""
    return (clean[:200] or None, skeleton_text(clean)[:200] or None) if clean else (None, None)


@lru_cache(maxsize=1 << 12)
def _commune(name: str | None) -> tuple[str | None, str | None]:
    clean = " ".join(nfc(name).split()) if name else ""
    return (clean[:120] or None, commune_key(clean)[:120] or None) if clean else (None, None)


@lru_cache(maxsize=256)
def _rtype(text: str | None) -> str | None:
    known = register_type(text) or text
    return known[:30] if known else None


def filter_words(
    mother_skel: str | None, father_skel: str | None, rtype: str | None, reg_year: int | None, commune_key: str | None
) -> str | None:
    """The filters' words for the word index: ``0m``/``0f`` + each word of the mother's/father's
    skeleton name, ``0t`` + register type, ``0r`` + registration year, ``0c`` + each word of the
    commune key. No name word starts with a digit (``0`` is read as ``o`` in names), so they never
    meet a name word; they let a query whose filters select few people start from those people."""
    words: list[str] = []
    for prefix, skel in (("0m", mother_skel), ("0f", father_skel), ("0c", commune_key)):
        words.extend(prefix + t for t in (skel or "").split())
    key = filter_token(rtype)
    if key:
        words.append("0t" + key)
    if reg_year is not None:
        words.append(f"0r{int(reg_year)}")
    return " ".join(words) or None


def filter_token(text: str | None) -> str:
    """A register type as one index word (letters and digits only)."""
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


_COLUMNS = (
    "source_type",
    "source_id",
    "source_seq",
    "document_id",
    "page_id",
    "role",
    "name",
    "name_exact",
    "name_fold",
    "name_skel",
    "sur_skel",
    "mid_skel",
    "given_skel",
    "birth_date",
    "birth_year",
    "register_type",
    "reg_year",
    "commune",
    "commune_key",
    "mother_name",
    "mother_skel",
    "father_name",
    "father_skel",
    "filter_words",
)
_SUR, _MID, _GIVEN = _COLUMNS.index("sur_skel"), _COLUMNS.index("mid_skel"), _COLUMNS.index("given_skel")


def person_values(rec: PersonRecord) -> tuple[Any, ...] | None:
    """The ``people`` row of a record as a tuple in ``_COLUMNS`` order, or None when the name has
    no letters."""
    nk = _name_part(rec.name or "")
    if nk is None:
        return None
    b = rec.birth
    bdate: date | None
    byear: int | None
    if isinstance(b, date):
        bdate, byear = b, b.year
    elif isinstance(b, int):
        bdate, byear = None, b
    else:
        bdate, byear = parse_date(b)
    rtype = _rtype(rec.register_type)
    commune, ckey = _commune(rec.commune)
    mother, mskel = _parent(rec.mother_name)
    father, fskel = _parent(rec.father_name)
    return (
        rec.source_type,
        int(rec.source_id),
        int(rec.source_seq),
        rec.document_id,
        rec.page_id,
        rec.role[:20],
        *nk,
        bdate,
        byear,
        rtype,
        rec.reg_year,
        commune,
        ckey,
        mother,
        mskel,
        father,
        fskel,
        filter_words(mskel, fskel, rtype, rec.reg_year, ckey),
    )


def person_row(rec: PersonRecord) -> dict[str, Any] | None:
    """The ``people`` row of a record (keys computed), or None when the name has no letters."""
    v = person_values(rec)
    return None if v is None else dict(zip(_COLUMNS, v))


def _row_tokens(row: dict[str, Any]) -> Iterator[tuple[str, str]]:
    if row["sur_skel"]:
        yield "s", row["sur_skel"]
    for t in row["mid_skel"].split():
        yield "m", t
    yield "g", row["given_skel"]


class Counts:
    """What a batch of people adds to (or, negative, takes from) the vocabulary and the names."""

    def __init__(self) -> None:
        self.tokens: Counter[tuple[str, str]] = Counter()
        self.names: Counter[tuple[str, str, str]] = Counter()

    def add(self, row: dict[str, Any], sign: int = 1) -> None:
        for k in _row_tokens(row):
            self.tokens[k] += sign
        self.names[(row["given_skel"], row["sur_skel"], row["mid_skel"])] += sign


def _upsert(
    session: Session, model: type[PersonName] | type[PersonToken], keys: list[str], items: list[dict[str, Any]]
) -> None:
    stmt = sqlite_insert(model) if session.get_bind().dialect.name == "sqlite" else postgresql_insert(model)
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_={"n": model.n + stmt.excluded.n})
    for i in range(0, len(items), 1000):
        session.execute(stmt, items[i : i + 1000])


def _bump(session: Session, counts: Counts) -> None:
    """Add ``counts`` to ``people_tokens`` and ``people_names`` (rows are never deleted: a count
    may drop to 0; the vocabulary cache relies on ids only growing)."""
    tokens = [{"pos": p, "token": t, "n": n} for (p, t), n in sorted(counts.tokens.items()) if n]
    names = [
        {"given_skel": g, "sur_skel": su, "mid_skel": m, "n": n} for (g, su, m), n in sorted(counts.names.items()) if n
    ]
    if tokens:
        _upsert(session, PersonToken, ["pos", "token"], tokens)
    if names:
        _upsert(session, PersonName, ["given_skel", "sur_skel", "mid_skel"], names)


def add_people(session: Session, records: Iterable[PersonRecord]) -> list[int]:
    """Insert people (in the caller's transaction); returns their ids, ascending: the records' order
    (names without letters are skipped). One INSERT statement for up to 500 rows: SQLite's word index
    (FTS5) writes a new segment per statement, and every segment is later merged — one per row
    made a merge of the whole index level every few saves."""
    rows = []
    counts = Counts()
    for rec in records:
        row = person_row(rec)
        if row is None:
            continue
        rows.append(row)
        counts.add(row)
    if not rows:
        return []
    ids: list[int] = []
    for i in range(0, len(rows), 500):  # a multi-row VALUES: one statement (24 parameters a row)
        ids += session.scalars(insert(Person).values(rows[i : i + 500]).returning(Person.id)).all()
    _bump(session, counts)
    return sorted(ids)


def index_person(session: Session, record: PersonRecord) -> int | None:
    ids = add_people(session, [record])
    return ids[0] if ids else None


def remove_source(session: Session, source_type: str, source_id: int) -> int:
    """Take every person of a source out of the index."""
    rows = session.execute(
        select(Person.sur_skel, Person.mid_skel, Person.given_skel).where(
            Person.source_type == source_type, Person.source_id == source_id
        )
    ).all()
    if not rows:
        return 0
    counts = Counts()
    for r in rows:
        counts.add({"sur_skel": r[0], "mid_skel": r[1], "given_skel": r[2]}, -1)
    session.execute(delete(Person).where(Person.source_type == source_type, Person.source_id == source_id))
    _bump(session, counts)
    return len(rows)


def replace_source(session: Session, source_type: str, source_id: int, records: Iterable[PersonRecord]) -> list[int]:
    """Make ``records`` the people of a source, replacing whatever it had."""
    remove_source(session, source_type, source_id)
    return add_people(session, records)


def replace_sources(
    session: Session, source_type: str, source_ids: list[int], records: Iterable[PersonRecord]
) -> list[int]:
    """Make ``records`` the people of several sources of one type at once, replacing whatever they
    had: one DELETE and one INSERT statement for the lot (see :func:`add_people`)."""
    if not source_ids:
        return []
    rows = session.execute(
        select(Person.sur_skel, Person.mid_skel, Person.given_skel).where(
            Person.source_type == source_type, Person.source_id.in_(source_ids)
        )
    ).all()
    if rows:
        counts = Counts()
        for r in rows:
            counts.add({"sur_skel": r[0], "mid_skel": r[1], "given_skel": r[2]}, -1)
        session.execute(delete(Person).where(Person.source_type == source_type, Person.source_id.in_(source_ids)))
        _bump(session, counts)
    return add_people(session, records)


def update_person(session: Session, person_id: int, **changes: Any) -> None:
    """Change one person (e.g. a clerk's correction of the name), keys and vocabulary kept in step."""
    p = session.get(Person, person_id)
    if p is None:
        raise KeyError(person_id)
    rec = PersonRecord(
        name=changes.pop("name", p.name),
        role=changes.pop("role", p.role),
        source_type=p.source_type,
        source_id=p.source_id,
        source_seq=p.source_seq,
        document_id=changes.pop("document_id", p.document_id),
        page_id=changes.pop("page_id", p.page_id),
        birth=changes.pop("birth", p.birth_date or p.birth_year),
        register_type=changes.pop("register_type", p.register_type),
        reg_year=changes.pop("reg_year", p.reg_year),
        commune=changes.pop("commune", p.commune),
        mother_name=changes.pop("mother_name", p.mother_name),
        father_name=changes.pop("father_name", p.father_name),
    )
    if changes:
        raise TypeError(f"unknown fields: {', '.join(changes)}")
    row = person_row(rec)
    if row is None:
        raise ValueError("a person's name needs letters")
    counts = Counts()
    counts.add({"sur_skel": p.sur_skel, "mid_skel": p.mid_skel, "given_skel": p.given_skel}, -1)
    counts.add(row)
    session.execute(update(Person).where(Person.id == person_id).values(**row))
    _bump(session, counts)


# -- bulk loading ------------------------------------------------------------------------------------

_BULK_INDEXES = (
    ("ix_people_exact", "name_exact, birth_year"),
    ("ix_people_fold", "name_fold, birth_year"),
    ("ix_people_given_sur", "given_skel, sur_skel, birth_year, mid_skel"),
    ("ix_people_given_year", "given_skel, birth_year"),
    ("ix_people_source", "source_type, source_id"),
    ("ix_people_document", "document_id"),
)


def bulk_index(
    db: Database, records: Iterable[PersonRecord], *, batch: int = 50_000, rebuild_indexes: bool | None = None
) -> int:
    """Load many people fast (an import of a whole archive, the benchmark).

    With ``rebuild_indexes`` (default: when the table is empty) the secondary indexes and the
    word index are dropped first and built once at the end, which is several times faster than
    keeping them up to date row by row. Not for use while others write people. (Computing the
    keys in other processes does not pay on two cores: pickling the rows costs what it saves.)
    """
    with db.read() as s:
        empty = s.execute(text("SELECT 1 FROM people LIMIT 1")).first() is None
    rebuild = empty if rebuild_indexes is None else rebuild_indexes
    backend = backend_for(db.dialect)
    tokens: Counter[tuple[str, str]] = Counter()
    names: Counter[tuple[str, str, str]] = Counter()
    total = 0

    def rows() -> Iterator[tuple[Any, ...]]:
        nonlocal total
        for rec in records:
            v = person_values(rec)
            if v is None:
                continue
            names[(v[_GIVEN], v[_SUR], v[_MID])] += 1
            total += 1
            yield v

    if rebuild:
        backend.drop_indexes(db, _BULK_INDEXES)
    try:
        backend.copy_rows(db, _COLUMNS, rows(), batch)
    finally:
        if rebuild:
            backend.create_indexes(db, _BULK_INDEXES)
    counts = Counts()
    counts.names = names
    for (g, su, mid), n in names.items():
        if su:
            tokens["s", su] += n
        for t in mid.split():
            tokens["m", t] += n
        tokens["g", g] += n
    counts.tokens = tokens
    with db.write() as s:
        _bump(s, counts)
    backend.analyze(db)
    return total
