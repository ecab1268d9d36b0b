"""Names from old books typed in capitals without diacritics (``NGUYEN VAN AN``) rank exactly as
well as the same names written with them, for every query that cannot tell them apart — typed
without diacritics, in capitals, with OCR damage, a missing middle name, through the filters — on
SQLite and PostgreSQL, for people and for pages; neither is called "khớp đúng cả dấu". A query typed
with diacritics still puts the name with those very diacritics first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from config import Settings
from indexer import jobs, results
from indexer.people import PersonRecord, find_people
from indexer.people.find import PersonHit
from indexer.people.index import add_people
from indexer.people.match import EXACT, FOLDED, WHY
from indexer.search import search
from sohoa.app import App
from tests.pages import name_page, save
from tests.test_db import _fake_output

# (mixed case with diacritics, the old book's capitals without), born the same year, same mother
PAIRS = [
    ("Nguyễn Văn An", "NGUYEN VAN AN", "Lê Thị Hoa", "LE THI HOA"),
    ("Trần Thị Thủy", "TRAN THI THUY", "Phạm Thị Mai", "PHAM THI MAI"),
    ("Huỳnh Thị Mỹ", "HUYNH THI MY", "Võ Thị Sáu", "VO THI SAU"),
    ("Đặng Văn Lâm", "DANG VAN LAM", "Đỗ Thị Tâm", "DO THI TAM"),
]
OTHERS = ["Nguyễn Văn Anh", "Nguyễn An", "Trương Thị Thúy", "Hoàng Thị Mỹ Linh", "Đặng Lâm"]


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    a = App(Settings(data_dir=tmp_path / "data", database_url=url, workers=1))
    a.settings.ensure_dirs()
    records = []
    for i, (mixed, caps, mother, mother_caps) in enumerate(PAIRS):
        for k, (name, m) in enumerate(((mixed, mother), (caps, mother_caps))):
            records.append(
                PersonRecord(
                    name=name,
                    role="child",
                    source_type="register_entry",
                    source_id=10 * i + k + 1,
                    birth=f"{1960 + i}-01-0{k + 1}",
                    mother_name=m,
                    register_type="khai_sinh",
                    reg_year=1960 + i,
                    commune="Cát Thành",
                )
            )
    records += [PersonRecord(n, "child", "register_entry", 100 + j) for j, n in enumerate(OTHERS)]
    with a.db.write() as s:
        add_people(s, records)
    yield a
    a.close()


def _both(app: App, q: str, mixed: str, caps: str) -> tuple[PersonHit, PersonHit, list[str]]:
    hits = find_people(app.db, q, limit=20)
    by_name = {h.name: h for h in hits}
    assert mixed in by_name and caps in by_name, (q, [h.name for h in hits])
    return by_name[mixed], by_name[caps], [h.name for h in hits]


@pytest.mark.parametrize(
    ("q", "pair"),
    [
        ("nguyen van an", 0),
        ("NGUYEN VAN AN", 0),
        ("Nguyen Van An", 0),
        ("tran thi thuy", 1),
        ("TRAN THI THUY", 1),
        ("huynh thi my", 2),
        ("dang van lam", 3),
        # OCR damage, spelling variants and a missing middle name
        ("ngyen van an", 0),
        ("nguyen van anh", 0),
        ("uan thi thuy", 1),
        ("hoang thi mi", 2),
        ("nguyen an", 0),
        ("dang lam", 3),
        # through the filters (the mother's name: the filters-first path)
        ("nguyen van an me: le thi hoa", 0),
        ("tran thi thuy 1961", 1),
    ],
)
def test_capitals_without_diacritics_rank_as_well_as_the_written_name(app: App, q: str, pair: int) -> None:
    mixed, caps, _, _ = PAIRS[pair]
    a, b, order = _both(app, q, mixed, caps)
    assert a.match == b.match, (q, a.match, b.match)
    assert a.why == b.why != WHY[EXACT]
    # nothing else sits between them: they are one group of equals
    assert abs(order.index(mixed) - order.index(caps)) == 1


def test_typed_without_diacritics_nothing_is_an_exact_match(app: App) -> None:
    hits = find_people(app.db, "nguyen van an")
    assert {h.name for h in hits if h.tier == FOLDED} == {"Nguyễn Văn An", "NGUYEN VAN AN"}
    assert all(h.tier != EXACT for h in hits)
    assert hits[0].why == "khớp không dấu" and hits[1].why == "khớp không dấu"


def test_typed_with_diacritics_the_same_diacritics_come_first(app: App) -> None:
    for mixed, caps, _, _ in PAIRS:
        a, b, order = _both(app, mixed, mixed, caps)
        assert (a.tier, b.tier) == (EXACT, FOLDED)
        assert order[0] == mixed and order[1] == caps
    a, b, _ = _both(app, "NGUYỄN VĂN AN", "Nguyễn Văn An", "NGUYEN VAN AN")  # capitals with diacritics
    assert (a.tier, b.tier) == (EXACT, FOLDED)


def test_pages_of_old_books_typed_in_capitals_rank_with_printed_ones(app: App) -> None:
    inbox = app.settings.inbox_dir
    for i in range(2):
        save(name_page(f"Trang {i}"), inbox / f"{i}.png")
        app.intake.take(inbox / f"{i}.png", source="import", remove=True)
    claimed = jobs.claim(app.db, "host:1", limit=2)
    for job, t in zip(claimed, ["Họ và tên: NGUYEN VAN AN, sinh 1960", "Họ và tên: Nguyễn Văn An, sinh 1960"]):
        assert results.complete(app.db, job, "host:1", _fake_output(t))
    plain = search(app.db, "nguyen van an")
    assert len(plain) == 2 and {h.tier for h in plain} == {1}
    assert all(h.why == "khớp không dấu (cụm từ)" for h in plain)
    marked = search(app.db, "Nguyễn Văn An")
    assert [h.tier for h in marked] == [0, 1] and marked[0].title == "1.png"
