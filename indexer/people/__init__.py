"""Find any citizen by name in milliseconds.

Write side: :func:`index_person`, :func:`replace_source`, :func:`remove_source`,
:func:`bulk_index`, :func:`index_document_people`. Read side: :func:`find_people` (people, best
first, with why each matched) and :func:`search_all` (people and page full text together).
Keys and matching rules: :mod:`indexer.people.keys`, :mod:`indexer.people.match`.
"""

from indexer.people.find import PersonHit, find_people
from indexer.people.index import (
    PersonRecord,
    bulk_index,
    index_person,
    remove_source,
    replace_source,
    update_person,
)
from indexer.people.match import Match
from indexer.people.query import PersonQuery, parse_query
from indexer.people.sources import index_document_people
from indexer.people.unified import SearchResults, search_all

__all__ = [
    "Match",
    "PersonHit",
    "PersonQuery",
    "PersonRecord",
    "SearchResults",
    "bulk_index",
    "find_people",
    "index_document_people",
    "index_person",
    "parse_query",
    "remove_source",
    "replace_source",
    "search_all",
    "update_person",
]
