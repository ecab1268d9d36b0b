"""The catalogue of document types (``doc_types.yaml`` beside this file), loaded once.

Every label, lead-in and row label is expanded with ``label_synonyms`` and kept as a sequence of
folded atoms (``"Họ, chữ đệm, tên:"`` → ``("ho", "chu", "dem", "ten")``), the form the label
finder compares with OCR tokens.

Label variants an admin accepted (``indexer.labelvariants``: a YAML overlay in the data folder)
are added to their field's labels when ``load`` is given the overlay's path, or when
``use_overlay`` named it for this process; the overlay never removes a catalogue label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from indexer.vntext import fold, nfc

CATALOGUE = Path(__file__).parent / "doc_types.yaml"
_ATOM = re.compile(r"[0-9a-zđ]+")

BLANK = "trang_trang"
OTHER = "van_ban"


def atoms(text: str) -> tuple[str, ...]:
    return tuple(_ATOM.findall(fold(text)))


@dataclass(frozen=True)
class FieldSpec:
    id: str
    section: str
    labels: tuple[str, ...]
    type: str
    vocab: str | None = None
    position: str = "after"  # "below": a name under a signature heading
    of: str | None = None  # date_words: the digits field it spells out
    person: str | None = None

    @property
    def label_vi(self) -> str:
        return self.labels[0].rstrip(": ")


@dataclass(frozen=True)
class Section:
    id: str
    lead_ins: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class TableColumn:
    section: str
    headers: tuple[tuple[str, ...], ...]
    label_vi: str


@dataclass(frozen=True)
class TableRow:
    id: str
    labels: tuple[tuple[str, ...], ...]
    type: str
    vocab: str | None = None
    label_vi: str = ""


@dataclass(frozen=True)
class Table:
    label_header: tuple[tuple[str, ...], ...]
    columns: tuple[TableColumn, ...]
    rows: tuple[TableRow, ...]


@dataclass(frozen=True)
class RegisterColumn:
    id: str
    headers: tuple[tuple[str, ...], ...]
    title: str = ""  # the column's printed title as written in the catalogue (its first header), NFC


@dataclass(frozen=True)
class Register:
    markers: tuple[str, ...]
    columns: tuple[RegisterColumn, ...]


@dataclass(frozen=True)
class Check:
    kind: str
    field: str
    than: str | None = None
    sex: str | None = None


@dataclass
class DocType:
    id: str
    title_vi: str
    kind: str
    titles: tuple[str, ...]
    supporting: tuple[tuple[str, ...], ...]
    must_not: tuple[str, ...]
    priority: int
    sections: tuple[Section, ...]
    fields: tuple[FieldSpec, ...]
    table: Table | None
    register: Register | None
    checks: tuple[Check, ...]
    book: str | None = None  # the register book it is filed in (indexer.registers.vocabulary)
    opens_entry: bool = False  # a declaration that opens a new entry in that book
    # label atoms -> the fields printed with that label
    label_index: dict[tuple[str, ...], list[FieldSpec]] = field(default_factory=dict)

    def field(self, field_id: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.id == field_id), None)

    def _table_cells(self) -> list[tuple[str, TableColumn, TableRow]]:
        if not self.table:
            return []
        return [(f"{c.section}_{r.id}", c, r) for r in self.table.rows for c in self.table.columns]

    def field_ids(self) -> list[str]:
        """Every field the type prints, in the catalogue's order (a table's cells row by row)."""
        return [f.id for f in self.fields] + [fid for fid, _c, _r in self._table_cells()]

    def field_type(self, field_id: str) -> str | None:
        f = self.field(field_id)
        if f is not None:
            return f.type
        return next((r.type for fid, _c, r in self._table_cells() if fid == field_id), None)

    def field_vocab(self, field_id: str) -> str | None:
        f = self.field(field_id)
        if f is not None:
            return f.vocab
        return next((r.vocab for fid, _c, r in self._table_cells() if fid == field_id), None)

    def label_vi(self, field_id: str) -> str:
        f = self.field(field_id)
        if f is not None:
            return f.label_vi
        cell = next(((c, r) for fid, c, r in self._table_cells() if fid == field_id), None)
        return f"{cell[0].label_vi} — {cell[1].label_vi}" if cell else field_id


@dataclass
class Catalogue:
    doc_types: dict[str, DocType]
    boilerplate: tuple[tuple[str, ...], ...]
    vocab: dict[str, tuple[str, ...]]
    synonyms: tuple[tuple[tuple[str, ...], ...], ...]
    # first words of every printed label (lower case, accents kept): where an unknown label may begin
    heads: frozenset[str] = frozenset()

    def get(self, doc_type: str | None) -> DocType | None:
        return self.doc_types.get(doc_type or "")


def expand(text: str, synonyms: tuple[tuple[tuple[str, ...], ...], ...]) -> list[tuple[str, ...]]:
    """The atoms of ``text`` and of every wording its synonym groups allow (each group applied once)."""
    out = {atoms(text)}
    for group in synonyms:
        members = sorted(group, key=len, reverse=True)
        for seq in list(out):  # a snapshot: the loop adds to `out`
            for member in members:
                n = len(member)
                at = next((i for i in range(len(seq) - n + 1) if seq[i : i + n] == member), None)
                if at is None:
                    continue
                for other in group:
                    out.add(seq[:at] + other + seq[at + n :])
                break
    return sorted(out, key=lambda s: (-len(s), s))


def _head(text: str) -> str:
    words = nfc(text).replace(",", " ").split()
    return words[0].lower().strip(":;.()") if words else ""


def read_overlay(path: Path | None) -> dict[tuple[str, str], list[str]]:
    """Accepted label variants of an overlay file: (doc type, field) -> labels. Missing file: none."""
    if path is None or not path.is_file():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: dict[tuple[str, str], list[str]] = {}
    for v in raw.get("variants") or []:
        if v.get("status") == "accepted" and v.get("label") and v.get("doc_type") and v.get("field"):
            out.setdefault((v["doc_type"], v["field"]), []).append(nfc(str(v["label"])))
    return out


def _load(path: Path, overlay: Path | None = None) -> Catalogue:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    extra = read_overlay(overlay)
    heads = {_head(x) for group in raw.get("label_synonyms", []) for x in group}
    heads |= {_head(x) for x in raw.get("label_heads", [])}
    synonyms = tuple(tuple(atoms(m) for m in group) for group in raw.get("label_synonyms", []))
    boiler = tuple(atoms(b) for b in raw.get("boilerplate", []))
    vocab = {k: tuple(nfc(v) for v in vals) for k, vals in (raw.get("vocab") or {}).items()}
    types: dict[str, DocType] = {}
    for d in raw["doc_types"]:
        fields = tuple(
            FieldSpec(
                id=f["id"],
                section=f.get("section", ""),
                labels=tuple(nfc(x) for x in f.get("labels", []))
                + tuple(x for x in extra.get((d["id"], f["id"]), []) if x not in f.get("labels", [])),
                type=f.get("type", "text"),
                vocab=f.get("vocab"),
                position=f.get("position", "after"),
                of=f.get("of"),
                person=f.get("person"),
            )
            for f in d.get("fields", [])
        )
        sections = tuple(
            Section(s["id"], tuple(a for t in (s.get("lead_in") or []) for a in expand(t, synonyms)))
            for s in d.get("sections", [])
        )
        table = None
        if d.get("table"):
            t = d["table"]
            table = Table(
                label_header=tuple(atoms(x) for x in t.get("label_header", [])),
                columns=tuple(
                    TableColumn(c["section"], tuple(atoms(h) for h in c["header"]), c.get("label_vi", c["section"]))
                    for c in t["columns"]
                ),
                rows=tuple(
                    TableRow(
                        r["id"],
                        tuple(a for lab in r["labels"] for a in expand(lab, synonyms)),
                        r.get("type", "text"),
                        r.get("vocab"),
                        nfc(r["labels"][0]),
                    )
                    for r in t["rows"]
                ),
            )
        register = None
        if d.get("register"):
            r = d["register"]
            register = Register(
                tuple(r.get("markers", [])),
                tuple(
                    RegisterColumn(
                        c["id"],
                        tuple(atoms(h) for h in c.get("headers", [])),
                        nfc(c.get("title") or (c.get("headers") or [""])[0]),
                    )
                    for c in r["columns"]
                ),
            )
        checks = tuple(Check(c["kind"], c["field"], c.get("than"), c.get("sex")) for c in d.get("checks", []))
        dt = DocType(
            id=d["id"],
            title_vi=nfc(d.get("title_vi", d["id"])),
            kind=d.get("kind", ""),
            titles=tuple(nfc(t) for t in d.get("titles", [])),
            supporting=tuple(atoms(s) for s in d.get("supporting", [])),
            must_not=tuple(fold(m) for m in d.get("must_not", [])),
            priority=int(d.get("priority", 0)),
            sections=sections,
            fields=fields,
            table=table,
            register=register,
            checks=checks,
            book=d.get("book"),
            opens_entry=bool(d.get("opens_entry", False)),
        )
        heads |= {_head(lab) for f in fields for lab in f.labels}
        heads |= {_head(lab) for s in d.get("sections", []) for lab in (s.get("lead_in") or [])}
        for f in fields:
            for lab in f.labels:
                for seq in expand(lab, synonyms):
                    lst = dt.label_index.setdefault(seq, [])
                    if f not in lst:
                        lst.append(f)
        types[dt.id] = dt
    heads.discard("")
    return Catalogue(types, boiler, vocab, synonyms, frozenset(heads))


_overlay: Path | None = None


def use_overlay(path: Path | str | None) -> None:
    """Name the accepted-variants overlay that ``load()`` (no arguments) merges from now on."""
    global _overlay
    _overlay = Path(path) if path else None


def load(path: str | None = None, overlay: Path | str | None = None) -> Catalogue:
    ov = Path(overlay) if overlay else _overlay
    stamp = ov.stat().st_mtime_ns if ov is not None and ov.is_file() else 0
    return _cached(path, str(ov) if ov else None, stamp)


@lru_cache(maxsize=8)
def _cached(path: str | None, overlay: str | None, stamp: int) -> Catalogue:
    return _load(Path(path) if path else CATALOGUE, Path(overlay) if overlay else None)
