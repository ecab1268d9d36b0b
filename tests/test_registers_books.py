"""Register books and entries on SQLite and PostgreSQL: creation and the filing key, corrections
with their history (who, when, old → new, why), verification, the name index, clear refusals that
lose nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from indexer.models import AuditEntry, RegisterEntry
from indexer.people import find_people
from indexer.registers.books import create_book, find_book, list_books
from indexer.registers.entries import edit_entry, find_entry_id, get_entry, verify_entry
from indexer.registers.model import RegisterError, norm_so
from indexer.registers.vocabulary import book_type, header_key
from sohoa.app import App
from tests.registers_util import create_entry, make_app


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    yield from make_app(request, tmp_path)


AN = {
    "so": "047",
    "nksHoTen": "Nguyễn Văn An",
    "nksNgaySinh": "2/3/2012",
    "nksGioiTinh": "nam",
    "meHoTen": "Lê Thị Hoa",
    "chaHoTen": "Nguyễn Văn Ba",
    "ngayDangKy": "10/03/2012",
}


def test_book_key_layout_and_duplicates(app: App) -> None:
    b = create_book(app.db, "Khai sinh", 2012, "1", commune="Xã Cát Thành", commune_code="12345")
    assert (b.book_type, b.year, b.volume, b.layout, b.key) == ("khai_sinh", 2012, "01", "ledger", "khai_sinh/2012/01")
    assert b.commune.name == "Xã Cát Thành" and b.commune.scheme == "v2025"
    assert create_book(app.db, "ks", 2017, "01").layout == "entry_per_page"  # since 2016; the only commune is taken
    with pytest.raises(RegisterError, match="đã có"):
        create_book(app.db, "khai_sinh", 2012, "01", commune="cat thanh")
    with pytest.raises(RegisterError, match="Không có loại sổ"):
        create_book(app.db, "khai_sinh_lai", 2012, "01")
    with pytest.raises(RegisterError, match="Ngày khóa sổ"):
        create_book(app.db, "kt", 2012, "01", opened_on=date(2012, 5, 1), closed_on=date(2012, 1, 1))
    assert find_book(app.db, "khai_sinh/2012/1").id == b.id == find_book(app.db, str(b.id)).id
    with pytest.raises(RegisterError, match="Không có sổ"):
        find_book(app.db, "khai_tu/2012/01")
    assert [r.book.key for r in list_books(app.db)] == ["khai_sinh/2012/01", "khai_sinh/2017/01"]


def test_entries_corrections_history_and_verification(app: App) -> None:
    b = create_book(app.db, "khai_sinh", 2012, "01", commune="Cát Thành")
    eid = create_entry(app.db, b.id, AN, origin="legacy", actor="clerk1")
    e = get_entry(app.db, eid)
    assert (e.so, e.name, e.birth_date, e.registration_date, e.status) == (
        "47",
        "Nguyễn Văn An",
        date(2012, 3, 2),
        date(2012, 3, 10),
        "unverified",
    )
    assert e.data["nksGioiTinh"] == "Nam" and e.data["nksNgaySinh"] == "02/03/2012" and e.data["quyenSo"] == "01"
    assert find_entry_id(app.db, "khai_sinh/2012/01#47") == eid
    # the name index finds the entry's people without diacritics
    hits = find_people(app.db, "nguyen van an")
    assert [(h.source_type, h.source_id, h.role) for h in hits][:1] == [("register_entry", eid, "child")]
    assert find_people(app.db, "le thi hoa")[0].role == "mother"

    assert verify_entry(app.db, eid, actor="archivist") is True
    assert verify_entry(app.db, eid, actor="archivist") is False
    made = edit_entry(
        app.db,
        eid,
        {"nksHoTen": "Nguyễn Văn Ân", "ghiChu": "Thay đổi từ An thành Ân"},
        actor="archivist",
        reason="quyết định 12/QĐ-UBND",
        kind="amendment",
    )
    assert {(c.field, c.old, c.new) for c in made} == {
        ("nksHoTen", "Nguyễn Văn An", "Nguyễn Văn Ân"),
        ("ghiChu", None, "Thay đổi từ An thành Ân"),
    }
    assert edit_entry(app.db, eid, {"nksHoTen": "Nguyễn Văn Ân"}, actor="x", reason="lại") == []
    e = get_entry(app.db, eid)
    assert e.name == "Nguyễn Văn Ân" and e.status == "unverified"  # a change needs a new check
    assert [(h.kind, h.field, h.actor) for h in e.history] == [
        ("create", "", "clerk1"),
        ("verify", "", "archivist"),
        ("amendment", "nksHoTen", "archivist"),
        ("amendment", "ghiChu", "archivist"),
    ]
    assert e.history[2].reason == "quyết định 12/QĐ-UBND"
    assert find_people(app.db, "Nguyễn Văn Ân")[0].source_id == eid
    with app.db.read() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "register_entry")).all()
    assert actions == ["entry.create", "entry.verify", "entry.amendment"]


def test_bad_input_is_refused_clearly_and_loses_nothing(app: App) -> None:
    b = create_book(app.db, "khai_sinh", 2012, "01")
    eid = create_entry(app.db, b.id, AN, origin="desk", actor="c")
    with pytest.raises(RegisterError, match="Số 47 đã có"):
        create_entry(app.db, b.id, {**AN, "nksHoTen": "Trần Văn Bình"}, origin="desk", actor="c")
    with pytest.raises(RegisterError, match="ngày không hợp lệ"):
        create_entry(app.db, b.id, {**AN, "so": "48", "nksNgaySinh": "31/02/2012"}, origin="desk", actor="c")
    with pytest.raises(RegisterError, match="không có trường"):
        edit_entry(app.db, eid, {"hoTen": "X"}, actor="c", reason="r")
    with pytest.raises(RegisterError, match="lý do"):
        edit_entry(app.db, eid, {"nksHoTen": "X"}, actor="c", reason=" ")
    e2 = create_entry(app.db, b.id, {**AN, "so": "48", "nksHoTen": "Trần Văn Bình"}, origin="desk", actor="c")
    with pytest.raises(RegisterError, match="Số 47 đã có"):
        edit_entry(app.db, e2, {"so": "47"}, actor="c", reason="r")
    # nothing half-done: both entries as they were
    with app.db.read() as s:
        rows = s.execute(select(RegisterEntry.so, RegisterEntry.name).order_by(RegisterEntry.id)).all()
        assert [tuple(r) for r in rows] == [("47", "Nguyễn Văn An"), ("48", "Trần Văn Bình")]
        assert s.scalar(select(func.count()).select_from(RegisterEntry)) == 2


def test_vocabulary_helpers() -> None:
    assert norm_so("Số: 047") == "47" and norm_so("20/GKS-BS") is None and norm_so("47/2015") == "47"
    ks = book_type("KS")
    assert ks is not None and ks.id == "khai_sinh"
    assert header_key("Họ tên mẹ", ks) == "meHoTen" and header_key("NKSHOTEN", ks) == "nksHoTen"
    assert header_key("Ngày sinh", ks) == "nksNgaySinh" and header_key("Cột lạ", ks) is None
    assert book_type("xac nhan tinh trang hon nhan").id == "xac_nhan_tthn"  # type: ignore[union-attr]
