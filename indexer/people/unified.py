"""One search box for everything: the people named in register entries and documents' fields,
and the full text of pages. The web desk and ``sohoa search`` call :func:`search_all`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from indexer.db import Database
from indexer.people.find import PersonHit, find_people
from indexer.people.query import PersonQuery, parse_query
from indexer.search import Hit, search


@dataclass(frozen=True)
class SearchResults:
    query: PersonQuery
    people: list[PersonHit]
    pages: list[Hit]

    def __bool__(self) -> bool:
        return bool(self.people or self.pages)


def search_all(
    db: Database, query: str | PersonQuery, *, people_limit: int = 10, pages_limit: int = 10, **options: Any
) -> SearchResults:
    """People best matching the query, and pages whose text matches what was typed.

    The page search gets the typed text without its ``key:`` parts (so a date in it still counts
    for pages); the people search reads the name, birth date or year and the filters."""
    q = parse_query(query, **options) if isinstance(query, str) else query
    people = find_people(db, q, limit=people_limit) if q.qname is not None else []
    free = q.extra.get("free") or q.name
    pages = search(db, free, limit=pages_limit) if free.strip() and pages_limit > 0 else []
    return SearchResults(q, people, pages)
