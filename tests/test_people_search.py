"""Finding people by name on SQLite and on PostgreSQL: every equivalence, the ranking, narrowing
a sea of Nguyễn by birth year and parents, OCR damage, the write side and garbage queries."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from config import Settings
from indexer.people import (
    PersonQuery,
    PersonRecord,
    find_people,
    index_person,
    remove_source,
    replace_source,
    search_all,
    update_person,
)
from indexer.people.index import add_people, bulk_index
from indexer.people.match import EXACT, FOLDED, FUZZY, MIDDLE, VARIANT, WORDS
from sohoa.app import App

PEOPLE = [
    # name, birth, mother, father, register type, registration year, commune
    ("Nguyễn Văn An", "1990-03-02", "Lê Thị Hoa", "Nguyễn Văn Ba", "khai_sinh", 1990, "Cát Thành"),
    ("Nguyen Van An", "1985-01-01", "Trần Thị Lan", "Nguyễn Văn Cường", "khai_sinh", 1985, "Cát Hải"),
    ("Nguyễn Văn Anh", "1990-05-05", "Lê Thị Hoa", "Nguyễn Văn Ba", "khai_sinh", 1990, "Cát Thành"),
    ("Nguyễn An", "1992-02-02", None, None, "khai_sinh", 1992, "Cát Thành"),
    ("Trần Thị Thuỷ", "1978-07-02", "Phạm Thị Mai", None, "ket_hon", 2000, "Cát Tiến"),
    ("Nguyễn Thị Mỹ Hoà", "1995-09-09", None, None, "khai_sinh", 1995, "Cát Thành"),
    ("Huỳnh Văn Long", "1960-01-01", None, None, "khai_tu", 2020, "Tân Phú"),
    ("Võ Thị Sáu", "1933-01-01", None, None, "khai_tu", 1952, "Đất Đỏ"),
    ("Nguyễn Văn Trung", "1970-10-10", None, None, "khai_sinh", 1970, "Cát Thành"),
    ("Đặng Văn Lâm", "1993-08-13", None, None, "khai_sinh", 1993, "Cát Thành"),
    ("Trương Thị Hương", "1988-04-04", None, None, "khai_sinh", 1988, "Cát Thành"),
    ("Lý Văn Quý", "1955-05-05", None, None, "khai_sinh", 1955, "Cát Thành"),
    ("Tôn Thất Thuyết", "1939-01-01", None, None, "khai_tu", 1996, "Huế"),
]
SEA = [
    ("Nguyễn Văn Hùng", f"{1950 + i}-01-01", f"Mẹ Số {i}", None, "khai_sinh", 1950 + i, "Cát Thành") for i in range(40)
]


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    a = App(Settings(data_dir=tmp_path / "data", database_url=url, workers=1))
    a.settings.ensure_dirs()
    with a.db.write() as s:
        add_people(
            s,
            [
                PersonRecord(
                    name=n,
                    role="child",
                    source_type="register_entry",
                    source_id=i + 1,
                    birth=b,
                    mother_name=m,
                    father_name=f,
                    register_type=rt,
                    reg_year=ry,
                    commune=c,
                )
                for i, (n, b, m, f, rt, ry, c) in enumerate(PEOPLE + SEA)
            ],
        )
    yield a
    a.close()


def names(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [h.name for h in hits]


def first(app: App, q: str, **kw: object) -> tuple[str, int]:
    hits = find_people(app.db, q, **kw)
    assert hits, q
    return hits[0].name, hits[0].tier


@pytest.mark.parametrize(
    "typed",
    [
        "Nguyễn Văn An",
        "nguyễn văn an",
        "NGUYỄN VĂN AN",
        unicodedata.normalize("NFD", "Nguyễn Văn An"),
    ],
)
def test_exact_with_diacritics_ranks_first(app: App, typed: str) -> None:
    hits = find_people(app.db, typed)
    assert (hits[0].name, hits[0].tier) == ("Nguyễn Văn An", EXACT)
    assert hits[1].name == "Nguyen Van An" and hits[1].tier == FOLDED
    tiers = [h.tier for h in hits]
    assert tiers == sorted(tiers)
    assert "Nguyễn An" in names(hits) and "Nguyễn Văn Anh" in names(hits)


def test_tone_placement_and_look_alike_d(app: App) -> None:
    assert first(app, "Trần Thị Thủy") == ("Trần Thị Thuỷ", EXACT)
    assert first(app, "Nguyễn Thị Mỹ Hòa") == ("Nguyễn Thị Mỹ Hoà", EXACT)
    assert first(app, "\u00d0ặng Văn Lâm") == ("Đặng Văn Lâm", EXACT)


def test_without_diacritics(app: App) -> None:
    assert first(app, "tran thi thuy") == ("Trần Thị Thuỷ", FOLDED)
    assert first(app, "DANG VAN LAM") == ("Đặng Văn Lâm", FOLDED)
    assert first(app, "truong thi huong") == ("Trương Thị Hương", FOLDED)


def test_spelling_variants(app: App) -> None:
    assert first(app, "Nguyễn Thị Mĩ Hoà") == ("Nguyễn Thị Mỹ Hoà", VARIANT)
    assert first(app, "Hoàng Văn Long") == ("Huỳnh Văn Long", VARIANT)
    assert first(app, "vu thi sau") == ("Võ Thị Sáu", VARIANT)
    assert first(app, "Lí Văn Quí") == ("Lý Văn Quý", VARIANT)


def test_missing_and_extra_middle_names(app: App) -> None:
    hits = find_people(app.db, "Nguyễn Hoà")  # middle names left out
    assert names(hits)[0] == "Nguyễn Thị Mỹ Hoà" and hits[0].tier == MIDDLE
    assert first(app, "Trần Thuỷ") == ("Trần Thị Thuỷ", MIDDLE)
    assert first(app, "Đặng Văn Minh Lâm") == ("Đặng Văn Lâm", MIDDLE)  # one too many
    # "Nguyễn An" is also a stored name: that one is exact, the ones with a middle name follow.
    hits = find_people(app.db, "Nguyễn An")
    assert (hits[0].name, hits[0].tier) == ("Nguyễn An", EXACT)
    assert {h.name for h in hits if h.tier == MIDDLE} == {"Nguyễn Văn An", "Nguyen Van An"}


@pytest.mark.parametrize(
    "typed,expect",
    [
        ("Nguyễn Văn Ưung", "Nguyễn Văn Trung"),  # tr read as ư
        ("Nguen Van Trung", "Nguyễn Văn Trung"),  # a dropped letter
        ("Nguyẽn Văn Trưng", "Nguyễn Văn Trung"),  # wrong tone, ư for u … plus nothing else: folded
        ("Truơng Thị Hưong", "Trương Thị Hương"),  # ơ→o, ư→u
        ("Ngyen Vn Trung", "Nguyễn Văn Trung"),  # two dropped letters
        ("Tôn Thất Thuyêt", "Tôn Thất Thuyết"),  # a wrong tone mark
    ],
)
def test_ocr_damage(app: App, typed: str, expect: str) -> None:
    hits = find_people(app.db, typed)
    assert hits and hits[0].name == expect
    assert hits[0].tier in (FOLDED, FUZZY)


def test_damage_in_the_stored_name_too(app: App) -> None:
    with app.db.write() as s:
        index_person(s, PersonRecord("Phạm Văn Ưuờng", "child", "register_entry", 900))  # OCR of Trường
    assert first(app, "Phạm Văn Trường") == ("Phạm Văn Ưuờng", FUZZY)


def test_given_name_and_birth_year_narrow_a_sea_of_nguyen(app: App) -> None:
    everyone = find_people(app.db, "Nguyễn Văn Hùng", limit=100)
    assert [h.tier for h in everyone].count(EXACT) == 40
    assert names(everyone)[40:] == ["Nguyễn Văn Trung"]  # hung → trung: 3 damage units
    hits = find_people(app.db, "Nguyễn Văn Hùng 1971")
    assert [(h.name, h.birth_year) for h in hits] == [("Nguyễn Văn Hùng", 1971)]
    hits = find_people(app.db, "Hùng", born="1971")  # given name alone
    assert [(h.name, h.birth_year) for h in hits] == [("Nguyễn Văn Hùng", 1971)]
    assert "năm sinh" in hits[0].matched
    hits = find_people(app.db, "nguyen hung 1972")  # no middle name, no diacritics
    assert [(h.name, h.birth_year, h.tier) for h in hits] == [("Nguyễn Văn Hùng", 1972, MIDDLE)]
    assert find_people(app.db, "Nguyễn Văn An 02/03/1990")[0].birth_date == date(1990, 3, 2)
    assert find_people(app.db, "Nguyễn Văn An 03/03/1990") == []


def test_parents_type_year_and_commune_narrow(app: App) -> None:
    hits = find_people(app.db, "Nguyễn Văn An", mother="le thi hoa")
    assert names(hits) == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert names(find_people(app.db, "nguyen van an cha: Nguyễn Văn Cường")) == ["Nguyen Van An"]
    assert names(find_people(app.db, "nguyen van an xã: Cát Hải")) == ["Nguyen Van An"]
    assert names(find_people(app.db, "an", register_type="khai sinh", year=1992)) == ["Nguyễn An"]
    assert find_people(app.db, "Trần Thị Thuỷ", register_type="khai_tu") == []
    assert names(find_people(app.db, "Trần Thị Thuỷ loại: kết hôn")) == ["Trần Thị Thuỷ"]


@pytest.mark.parametrize("plan", ["filters first", "names first"])
def test_filters_first_and_names_first_agree(app: App, plan: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A query with filters is answered from the people passing them when they are few, else by
    walking the name tiers: both plans give the same people in the same tiers."""
    from indexer.people import find

    if plan == "names first":
        monkeypatch.setattr(find, "FILTER_FIRST_MAX", 0)
    got = {
        q: [(h.name, h.birth_year, h.tier) for h in find_people(app.db, q, limit=50)]
        for q in (
            "Nguyễn Văn An me: le thi hoa",  # exact, then an extra letter (Anh)
            "nguyen an me: Lê Thị Hoa",  # middle name missing: tier 3
            "Ngyen Van Anh cha: nguyen van ba",  # OCR damage: tier 4
            "Hùng xã: Cát Thành loại: khai sinh nam: 1971",
            "Van Hung Nguyen 1962 xã: cát thành",  # any order: tier 5
            "Nguyễn Văn An me: lê thị hoa sinh: 1991",
        )
    }
    assert got == {
        "Nguyễn Văn An me: le thi hoa": [("Nguyễn Văn An", 1990, EXACT), ("Nguyễn Văn Anh", 1990, FUZZY)],
        "nguyen an me: Lê Thị Hoa": [("Nguyễn Văn An", 1990, MIDDLE), ("Nguyễn Văn Anh", 1990, FUZZY)],
        "Ngyen Van Anh cha: nguyen van ba": [("Nguyễn Văn Anh", 1990, FUZZY), ("Nguyễn Văn An", 1990, FUZZY)],
        "Hùng xã: Cát Thành loại: khai sinh nam: 1971": [("Nguyễn Văn Hùng", 1971, MIDDLE)],
        "Van Hung Nguyen 1962 xã: cát thành": [("Nguyễn Văn Hùng", 1962, WORDS)],
        "Nguyễn Văn An me: lê thị hoa sinh: 1991": [],
    }
    with app.db.write() as s:  # the filter words follow a correction of the mother's name
        pid = find_people(app.db, "Trần Thị Thuỷ")[0].person_id
        update_person(s, pid, mother_name="Phạm Thị Mận")
    assert names(find_people(app.db, "Trần Thị Thuỷ", mother="pham thi man")) == ["Trần Thị Thuỷ"]
    assert find_people(app.db, "Trần Thị Thuỷ", mother="pham thi mai") == []


def test_every_word_any_order_and_one_word(app: App) -> None:
    hits = find_people(app.db, "Thất Thuyết")
    assert (hits[0].name, hits[0].tier) == ("Tôn Thất Thuyết", WORDS)
    hits = find_people(app.db, "Lâm")
    assert (hits[0].name, hits[0].tier, hits[0].why) == ("Đặng Văn Lâm", MIDDLE, "khớp tên")


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "   ",
        "!!!",
        "1990",
        "%",
        "_",
        "'",
        '"',
        "*",
        "a' OR 1=1 --",
        "NEAR(",
        "\u0301",
        "x" * 500,
        "tr ư ơ đ",
        "AND OR NOT",
        "ơ",
    ],
)
def test_garbage_never_crashes(app: App, junk: str) -> None:
    hits = find_people(app.db, junk)
    assert isinstance(hits, list)
    assert isinstance(search_all(app.db, junk).people, list)


def test_why_and_what(app: App) -> None:
    [h, *_] = find_people(app.db, "Trần Thị Thuỷ")
    assert h.why == "khớp đúng cả dấu" and h.role == "child" and h.source_type == "register_entry"
    assert h.birth_date == date(1978, 7, 2) and h.register_type == "ket_hon" and h.reg_year == 2000
    assert h.mother_name == "Phạm Thị Mai"
    [h, *_] = find_people(app.db, "Nguen Van Trung")
    assert (h.why, h.match.edits) == ("gần đúng (lỗi OCR)", 1)


def test_replace_update_and_remove_keep_the_index_in_step(app: App) -> None:
    with app.db.write() as s:
        replace_source(
            s,
            "document",
            77,
            [
                PersonRecord("Bùi Thị Xuân", "bride", "document", 77),
                PersonRecord("Lê Văn Duyệt", "groom", "document", 77),
            ],
        )
    assert first(app, "bui thi xuan")[0] == "Bùi Thị Xuân"
    with app.db.write() as s:
        replace_source(s, "document", 77, [PersonRecord("Bùi Thị Xuyến", "bride", "document", 77)])
    assert [h.name for h in find_people(app.db, "bui thi xuan") if h.source_id == 77] == ["Bùi Thị Xuyến"]
    assert find_people(app.db, "Lê Văn Duyệt") == []
    pid = find_people(app.db, "Bùi Thị Xuyến")[0].person_id
    with app.db.write() as s:
        update_person(s, pid, name="Bùi Thị Xuân", birth="1971")
    assert [h.person_id for h in find_people(app.db, "Bùi Thị Xuân 1971")] == [pid]
    assert find_people(app.db, "Bùi Thị Xuân 1972") == []
    with app.db.write() as s:
        assert remove_source(s, "document", 77) == 1
    assert find_people(app.db, "Bùi Thị Xuân") == []
    with app.db.read() as s:  # the vocabulary counts follow
        assert s.execute(text("SELECT n FROM people_tokens WHERE pos = 'g' AND token = 'xuan'")).scalar() == 0


def test_bulk_index_matches_row_by_row(app: App) -> None:
    recs = [
        PersonRecord(f"Phan Văn Bulk{i % 7}", "child", "register_entry", 1000 + i, birth=1900 + i % 50)
        for i in range(300)
    ]
    n = bulk_index(app.db, recs, batch=128, rebuild_indexes=True)
    assert n == 300
    hits = find_people(app.db, "phan van bulk3 1903")
    # i % 7 == 3 and i % 50 == 3 → only i = 3; the others born in 1903 are Bulk0…6 (OCR-near)
    assert [h.source_id for h in hits if h.tier <= FOLDED] == [1003] == [hits[0].source_id]
    assert len(hits) == 6 and all(h.tier == FUZZY for h in hits[1:])
    assert first(app, "Nguyễn Văn An") == ("Nguyễn Văn An", EXACT)  # the indexes came back
    assert first(app, "Thất Thuyết")[1] == WORDS  # the word index too
    with app.db.write() as s:  # and the triggers keeping it current
        index_person(s, PersonRecord("Mạc Đăng Dung", "child", "register_entry", 5000))
    assert first(app, "Đăng Dung Mạc") == ("Mạc Đăng Dung", WORDS)


def test_person_query_object(app: App) -> None:
    q = PersonQuery(name="Nguyễn Văn Hùng", born_year=1960)
    assert [h.birth_year for h in find_people(app.db, q)] == [1960]
    assert find_people(app.db, q, limit=0) == []


def test_search_all_has_people_and_pages(app: App) -> None:
    res = search_all(app.db, "Nguyễn Văn An 1990")
    assert [h.name for h in res.people][:1] == ["Nguyễn Văn An"]
    assert res.query.born_year == 1990
    assert res.pages == []  # no page text in this database


def test_new_people_are_found_by_a_process_that_already_searched(app: App) -> None:
    assert find_people(app.db, "Khúc Thừa Dụ") == []  # the vocabulary is now cached in this process
    with app.db.write() as s:
        index_person(s, PersonRecord("Khúc Thừa Dụ", "child", "register_entry", 906, birth=1905))
    hits = find_people(app.db, "Khuc Thu Du")  # "thu" for "thừa": needs the new middle name in the vocabulary
    assert [(h.name, h.tier) for h in hits][:1] == [("Khúc Thừa Dụ", FUZZY)]
    assert find_people(app.db, "Khúc Dụ 1905")[0].tier == MIDDLE  # and the new (given, surname) pair
