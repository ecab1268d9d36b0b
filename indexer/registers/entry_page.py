"""The fields of a one-entry-per-page register page (books since 2016), read with the page type the
book names (``register_pages.yaml``) — the page's title alone (``SỔ ĐĂNG KÝ KHAI SINH``) does not
tell a one-entry page from a ledger page. The field reader's own stages do the work (label
anchoring, value checks, repairs, confidence). Pure: words in, fields out."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import yaml

from indexer.fields import confidence, values
from indexer.fields.catalogue import CATALOGUE, Catalogue, _load
from indexer.fields.crosscheck import check_ids, check_order, check_words, consensus
from indexer.fields.extract import extract_form
from indexer.fields.layout import build_page
from indexer.fields.reading import FieldReading
from indexer.registers.vocabulary import BookType

PAGES = Path(__file__).parent / "register_pages.yaml"


class _Text:
    """What ``catalogue._load`` reads: the merged YAML text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def read_text(self, encoding: str = "utf-8") -> str:
        return self.text


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The register page types with the main catalogue's synonyms, boilerplate and vocabularies."""
    main = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    own = yaml.safe_load(PAGES.read_text(encoding="utf-8"))
    merged = {k: v for k, v in main.items() if k != "doc_types"}
    merged["doc_types"] = own["doc_types"]
    # _load (indexer.fields, typed for a Path) only calls read_text: _Text hands it the merged YAML.
    return _load(_Text(yaml.safe_dump(merged, allow_unicode=True)))  # type: ignore[arg-type]


def read_entry_page(words: Sequence[object], bt: BookType, width: int = 0, height: int = 0) -> dict[str, FieldReading]:
    """Field id → reading of a register page of a book of type ``bt`` (empty when the type has no
    one-entry page layout)."""
    cat = catalogue()
    dt = cat.get(bt.page_type)
    if dt is None:
        return {}
    page = build_page(words, width, height)
    raws = extract_form(page, dt, cat)
    fields = {r.spec_id: values.read(r) for r in raws}
    consensus(fields, {r.spec_id: r.type for r in raws})
    check_ids(fields)
    check_words(fields, dt)
    check_order(fields, dt)
    for f in fields.values():
        confidence.assess(f)
    return fields


def entry_data(fields: dict[str, FieldReading], bt: BookType) -> tuple[dict[str, str], list[str]]:
    """The vocabulary data of an entry from a page's fields, and the fields to check (review marks)."""
    data: dict[str, str] = {}
    review: list[str] = []
    for fid, f in fields.items():
        key = bt.fields.get(fid)
        if key is None or not f.value.strip():
            continue
        if key in data:
            continue
        data[key] = f.value
        if f.needs_review:
            review.append(f"{key}: {'; '.join(f.review_reasons)}")
    if "so" in data:
        # "Số: 47 Quyển số: 01" on one line: the label finder gives each its own value.
        data["so"] = data["so"].split()[0] if data["so"].split() else data["so"]
    return data, review
