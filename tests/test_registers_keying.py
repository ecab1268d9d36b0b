"""Keying a ledger book from the paper (``indexer.registers.keying``), on SQLite and PostgreSQL:
once (values to the entry, verified when complete), twice (nothing settled on one person's word,
agreement settles, disagreement waits for a third person), who keyed every value, the completion
offers never carrying one keyer's reading to the other, per-person agreement rates."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from indexer.models import Page
from indexer.registers.books import create_book
from indexer.registers.completion import offers
from indexer.registers.digitise import attach_documents
from indexer.registers.entries import Region, get_entry
from indexer.registers.keying import (
    AGREED,
    ARBITRATED,
    DISAGREED,
    INCOMPLETE,
    SAVED,
    WAITING,
    arbitrate,
    next_to_key,
    readings_of,
    save_keying,
    set_double_keying,
    to_arbitrate,
    typed_date,
)
from indexer.registers.keying_stats import agreement_rates
from indexer.registers.model import RegisterError
from sohoa.app import App
from tests.registers_util import create_entry, make_app
from tests.webdesk import add_document


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    yield from make_app(request, tmp_path)


ROWS = [
    {"so": "12", "ngayDangKy": "2/3/1998", "nksHoTen": "Trần Thị Thủy", "nksNgaySinh": "20/02/1998",
     "nksGioiTinh": "Nữ", "nksNoiSinh": "Trạm y tế xã Phú Lộc", "meHoTen": "Lê Thị Hoa", "chaHoTen": "Trần Văn Nam"},
    {"so": "13", "ngayDangKy": "03/03/1998", "nksHoTen": "Ngô Văn Tài", "nksNgaySinh": "01/03/1998",
     "nksGioiTinh": "Nam", "nksNoiSinh": "Phú Lộc", "meHoTen": "Phan Thị Lài", "chaHoTen": "Ngô Văn Cường"},
    {"so": "14", "ngayDangKy": "05/03/1998", "nksHoTen": "Đỗ Thị Mai", "nksNgaySinh": "02/03/1998",
     "nksGioiTinh": "Nữ", "nksNoiSinh": "Phú Lộc", "meHoTen": "Võ Thị Sen", "chaHoTen": "Đỗ Văn Hùng"},
]  # fmt: skip


def _book(app: App, double: bool) -> tuple[int, list[int]]:
    b = create_book(app.db, "khai_sinh", 1998, "01", layout="ledger", commune="Phú Lộc")
    if double:
        set_double_keying(app.db, b.id, True, actor="admin")
    doc = add_document(app, "Sổ khai sinh 1998 trang 1")
    attach_documents(app.db, b.id, [(doc, "trang-001.png")], start_page=1)
    with app.db.read() as s:
        pid = s.scalar(select(Page.id).where(Page.document_id == doc))
    assert pid is not None
    ids = [
        create_entry(
            app.db,
            b.id,
            {"so": r["so"], "trangSo": "1"},  # what the OCR read of a handwritten row: the number
            origin="ocr",
            actor="system",
            regions=[Region(pid, "row", (40, 300 + 90 * i, 1500, 80))],
            strict=False,
        )
        for i, r in enumerate(ROWS)
    ]
    return b.id, ids


def test_dates_as_archivists_type_them() -> None:
    assert typed_date("2/3/1998") == typed_date("02031998") == typed_date("02.03.1998") == date(1998, 3, 2)
    assert typed_date("31021998") is None  # no 31 February: not guessed
    assert typed_date("") is None


def test_keyed_once_goes_to_the_entry_with_who_and_is_verified_when_complete(app: App) -> None:
    book, (e12, e13, _) = _book(app, double=False)
    nfd = {k: unicodedata.normalize("NFD", v) for k, v in ROWS[0].items()}  # as some input methods send it
    assert save_keying(app.db, book, e12, nfd, actor="an").state == SAVED
    e = get_entry(app.db, e12)
    assert e.status == "verified"
    assert e.data["nksHoTen"] == "Trần Thị Thủy" and unicodedata.is_normalized("NFC", e.data["nksNoiSinh"])
    assert e.data["ngayDangKy"] == "02/03/1998"  # kept in the one date form
    assert readings_of(app.db, e12) == [("an", {k: unicodedata.normalize("NFC", v) for k, v in nfd.items()})]
    assert readings_of(app.db, e12)[0][1]["ngayDangKy"] == "2/3/1998"  # the reading as typed
    assert {(h.actor, h.field) for h in e.history if h.kind == "correction"} >= {("an", "nksHoTen"), ("an", "meHoTen")}
    # An entry without its registration date is saved, not verified, and says why.
    out = save_keying(app.db, book, e13, {**ROWS[1], "ngayDangKy": ""}, actor="an")
    assert out.state == INCOMPLETE and out.missing == ["Ngày, tháng, năm đăng ký"]
    assert get_entry(app.db, e13).status == "unverified"
    # A bad date is refused and nothing is written.
    with pytest.raises(RegisterError, match="ngày không hợp lệ"):
        save_keying(app.db, book, e13, {**ROWS[1], "nksNgaySinh": "31/02/1998"}, actor="binh")
    assert [who for who, _ in readings_of(app.db, e13)] == ["an"]
    nxt = next_to_key(app.db, book, "an", after=e12)
    assert nxt is not None and nxt.index == 2  # 13 was keyed: on to 14


def test_keyed_twice_settles_on_agreement_and_waits_for_an_arbitrator_otherwise(app: App) -> None:
    book, (e12, e13, e14) = _book(app, double=True)
    assert save_keying(app.db, book, e12, ROWS[0], actor="an").state == WAITING
    e = get_entry(app.db, e12)
    assert e.status == "unverified" and "nksHoTen" not in e.data  # nothing settled on one person's word
    assert next_to_key(app.db, book, "an") is not None and next_to_key(app.db, book, "an").entry_id == e13  # type: ignore[union-attr]
    assert next_to_key(app.db, book, "binh").entry_id == e12  # type: ignore[union-attr]
    # The second keyer types the date another way and the marks decomposed: the same values.
    second = {**ROWS[0], "ngayDangKy": "02031998", "meHoTen": unicodedata.normalize("NFD", "Lê Thị Hoa")}
    assert save_keying(app.db, book, e12, second, actor="binh").state == AGREED
    e = get_entry(app.db, e12)
    assert e.status == "verified" and e.data["nksHoTen"] == "Trần Thị Thủy" and e.data["ngayDangKy"] == "02/03/1998"
    keyed = {(h.actor, h.field, h.new) for h in e.history if h.kind == "keying"}
    assert ("an", "ngayDangKy", "2/3/1998") in keyed and ("binh", "ngayDangKy", "02031998") in keyed
    with pytest.raises(RegisterError, match="chốt xong"):
        save_keying(app.db, book, e12, ROWS[0], actor="chi")

    # One column differs: the entry waits, untouched, for a third person.
    assert save_keying(app.db, book, e13, ROWS[1], actor="an").state == WAITING
    assert save_keying(app.db, book, e13, {**ROWS[1], "meHoTen": "Phan Thị Lại"}, actor="binh").state == DISAGREED
    assert get_entry(app.db, e13).status == "unverified" and "meHoTen" not in get_entry(app.db, e13).data
    with pytest.raises(RegisterError, match="đã có hai người nhập"):
        save_keying(app.db, book, e13, ROWS[1], actor="chi")
    with pytest.raises(RegisterError, match="người phân xử chốt"):  # no changing a reading once both are in
        save_keying(app.db, book, e13, ROWS[1], actor="binh")
    assert to_arbitrate(app.db, book) == [e13]
    assert to_arbitrate(app.db, book, "an") == []  # a keyer never settles their own disagreement
    with pytest.raises(RegisterError, match="không được là một trong hai người"):
        arbitrate(app.db, book, e13, ROWS[1], actor="binh")
    assert arbitrate(app.db, book, e13, ROWS[1], actor="chi").state == ARBITRATED
    e = get_entry(app.db, e13)
    assert e.status == "verified" and e.verified_by == "chi" and e.data["meHoTen"] == "Phan Thị Lài"
    assert ("binh", "meHoTen", "Phan Thị Lại") in {(h.actor, h.field, h.new) for h in e.history if h.kind == "keying"}
    assert to_arbitrate(app.db, book) == []

    rates = {p.actor: p for p in agreement_rates(app.db, book)}
    # an: 8 columns of e12 agree, 7 of 8 of e13 → 15/16 with the other, 16/16 with the settled values.
    assert (rates["an"].agreed, rates["an"].columns, rates["an"].right, rates["an"].final_columns) == (15, 16, 16, 16)
    assert (rates["binh"].agreed, rates["binh"].right) == (15, 15)
    assert rates["chi"].arbitrated == 1 and rates["chi"].entries == 0
    assert e14 not in to_arbitrate(app.db, book)


def test_offers_are_the_book_and_the_gazetteer_never_the_other_keyers_reading(app: App) -> None:
    book, (e12, _, _) = _book(app, double=True)
    save_keying(app.db, book, e12, ROWS[0], actor="an")
    # an's own reading is offered to an; binh, keying blind, never sees it.
    assert "Lê Thị Hoa" in offers(app.db, book, "meHoTen", "le thi", actor="an")
    assert "Lê Thị Hoa" not in offers(app.db, book, "meHoTen", "le thi", actor="binh")
    save_keying(app.db, book, e12, ROWS[0], actor="binh")  # agreed: settled, now the book's
    from indexer.registers import completion

    completion._values.clear()
    assert "Lê Thị Hoa" in offers(app.db, book, "chaHoTen", "Lê", actor="chi")  # any name column
    places = offers(app.db, book, "nksNoiSinh", "Trạm y tế xã phu lo", actor="chi")
    assert places and all(p.startswith("Trạm y tế xã Phú Lộc") for p in places[:2])
    assert offers(app.db, book, "nksNoiSinh", "P", actor="chi") == []  # one letter: no list


def test_a_keyer_never_sees_a_value_another_person_put_in_the_entry(app: App) -> None:
    """Keyed twice: the keying screen shows the OCR's readings and the person's own, never a value
    someone else wrote into the entry (a keyer correcting it on the verification page)."""
    from indexer.registers.entries import edit_entry
    from indexer.registers.keying import keying_view, locate

    book, (e12, _, _) = _book(app, double=True)
    edit_entry(app.db, e12, {"nksHoTen": "Trần Thị Thủy", "so": "12"}, actor="an", reason="sửa theo sổ")
    pos = locate(app.db, book, e12)
    assert pos is not None
    seen = keying_view(app.db, book, pos, "binh")
    assert seen.values == {"so": "12", "trangSo": "1", "quyenSo": "01"}  # the OCR's, not an's correction
    save_keying(app.db, book, e12, ROWS[0], actor="an")
    assert keying_view(app.db, book, pos, "an").values["meHoTen"] == "Lê Thị Hoa"  # one's own reading
    assert "meHoTen" not in keying_view(app.db, book, pos, "binh").values


def test_the_verification_page_cannot_settle_an_entry_of_a_book_keyed_twice(app: App) -> None:
    from indexer.registers.checking import check_entry

    book, ids = _book(app, double=True)
    with pytest.raises(RegisterError, match="nhập hai lần"):
        check_entry(app.db, ids[0], {}, actor="luutru", reason="sổ gốc để trống")
    assert get_entry(app.db, ids[0]).status != "verified"
    check_entry(app.db, ids[0], {"ghiChu": "rách góc"}, actor="luutru", verify=False)  # a note is still kept
    assert get_entry(app.db, ids[0]).data.get("ghiChu") == "rách góc"
    assert book
