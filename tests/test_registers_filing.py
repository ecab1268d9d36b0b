"""Filing dossiers against the register, on SQLite and PostgreSQL, through the real hook in
``indexer.results.complete``: by number and book, by name + birth date + parents with OCR damage
and no diacritics, never automatically when the entry does not exist, a clerk's decisions kept,
a new registration creating its entry from the confirmed fields — every decision audited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from indexer.models import AuditEntry, FieldValue, RegisterFiling
from indexer.registers import filing, matching
from indexer.registers.books import create_book
from indexer.registers.entries import get_entry
from indexer.registers.model import RegisterError
from sohoa.app import App
from tests.registers_util import create_entry, dossier, make_app


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    a = next(make_app(request, tmp_path))
    book = create_book(a.db, "khai_sinh", 2012, "01", commune="Cát Thành")
    people = [
        ("47", "Nguyễn Văn Trường", "02/03/2012", "Lê Thị Hoa", "Nguyễn Văn Ba", "10/03/2012"),
        ("48", "Nguyễn Văn Trung", "02/03/2012", "Trần Thị Lan", "Nguyễn Văn Cường", "11/03/2012"),
        ("49", "Nguyễn Thị Hương", "15/01/2012", "Phạm Thị Mai", "Nguyễn Văn Dũng", "20/03/2012"),
        ("50", "Trần Văn Trường", "02/03/2012", "Lê Thị Hoa", "Trần Văn Tư", "21/03/2012"),
    ] + [
        (str(51 + i), f"Nguyễn Văn {g}", f"{1 + i:02d}/04/2012", "Đỗ Thị Hằng", "Nguyễn Văn Hải", "30/04/2012")
        for i, g in enumerate(["An", "Anh", "Bình", "Cường", "Dũng", "Đức", "Hùng", "Hưng", "Khoa", "Long"])
    ]
    for so, name, born, mother, father, reg in people:
        create_entry(
            a.db,
            book.id,
            {"so": so, "nksHoTen": name, "nksNgaySinh": born, "meHoTen": mother, "chaHoTen": father, "ngayDangKy": reg},
            origin="legacy",
            actor="t",
        )
    a.book_id = book.id  # type: ignore[attr-defined]
    yield a
    a.close()


def _entry(app: App, so: str) -> int:
    from indexer.registers.entries import find_entry_id

    return find_entry_id(app.db, f"khai_sinh/2012/01#{so}")


def test_a_certificate_is_filed_by_its_number(app: App) -> None:
    doc = dossier(
        app,
        "giay_khai_sinh",
        {
            "reg_number": "47",
            "book_number": "01",
            "registration_date": "10/03/2012",
            "child_name": "NGUYỄN VĂN TRƯỜNG",
            "child_birth_date": "02/03/2012",
        },
    )
    view = filing.document_filing(app.db, doc)
    assert view.linked is not None and view.linked.entry_id == _entry(app, "47")
    assert view.linked.decided_by == "system" and any("đúng số 47" in r for r in view.linked.reasons)
    with app.db.read() as s:
        assert (
            s.scalar(
                select(AuditEntry.action).where(
                    AuditEntry.action == "filing.auto_link", AuditEntry.object_id == str(doc)
                )
            )
            == "filing.auto_link"
        )
    assert get_entry(app.db, _entry(app, "47")).documents == [(doc, "linked")]


def test_a_damaged_declaration_is_filed_by_name_birth_date_and_parents(app: App) -> None:
    # Tesseract damage: diacritics lost, ư→u, tr→ư, a dropped letter, a 0/8 digit confusion.
    doc = dossier(
        app,
        "to_khai_dang_ky_khai_sinh",
        {
            "child_name": "NGUYEN VAN ƯUONG",
            "child_birth_date": "02/03/2812",
            "mother_name": "Le Thi Hoa",
            "father_name": "Nguyen Van B",
        },
    )
    view = filing.document_filing(app.db, doc)
    assert view.proposals[0].entry_id == _entry(app, "47")  # first; name and date both damaged: a clerk confirms
    # Typed without diacritics, the father's name with a dropped letter: certain enough to link.
    doc1 = dossier(
        app,
        "to_khai_dang_ky_khai_sinh",
        {
            "child_name": "nguyen van truong",
            "child_birth_date": "02/03/2012",
            "mother_name": "Le Thi Hoa",
            "father_name": "Nguyen Van B",
        },
    )
    v1 = filing.document_filing(app.db, doc1)
    assert v1.linked is not None and v1.linked.entry_id == _entry(app, "47")
    # The same person written another way, no mother: ranked first but left to a clerk (one item only).
    doc2 = dossier(app, "trich_luc_khai_sinh", {"child_name": "Nguyễn Văn Trường", "child_birth_date": "02/03/2012"})
    v2 = filing.document_filing(app.db, doc2)
    assert v2.proposals[0].entry_id == _entry(app, "47") and v2.linked is None
    assert {p.entry_id for p in v2.proposals} >= {_entry(app, "47"), _entry(app, "48")}


def test_no_automatic_link_when_the_entry_does_not_exist(app: App) -> None:
    # A sibling: same parents as no. 47, another child born another day — a new registration.
    doc = dossier(
        app,
        "to_khai_dang_ky_khai_sinh",
        {
            "child_name": "Nguyễn Văn Trưởng",
            "child_birth_date": "05/09/2013",
            "mother_name": "Lê Thị Hoa",
            "father_name": "Nguyễn Văn Ba",
        },
    )
    view = filing.document_filing(app.db, doc)
    assert view.linked is None and view.can_create
    # A namesake of no. 57 born in the same year, other parents.
    doc2 = dossier(
        app,
        "to_khai_dang_ky_khai_sinh",
        {"child_name": "Nguyen Van Hung", "child_birth_date": "07/08/2012", "mother_name": "Vũ Thị Lụa"},
    )
    assert filing.document_filing(app.db, doc2).linked is None


def test_clerk_decisions_are_kept_and_audited(app: App) -> None:
    doc = dossier(app, "trich_luc_khai_sinh", {"child_name": "Nguyễn Văn Trường", "child_birth_date": "02/03/2012"})
    e47, e50 = _entry(app, "47"), _entry(app, "50")
    filing.reject(app.db, doc, e47, actor="clerk1")
    with pytest.raises(RegisterError, match="còn 2 trường chưa được xác nhận"):  # nobody checked the fields
        filing.confirm(app.db, doc, e50, actor="clerk1")
    with app.db.write() as s:  # the clerk confirms every field at the desk
        s.execute(update(FieldValue).where(FieldValue.document_id == doc).values(confirmed_by="clerk1"))
    filing.confirm(app.db, doc, e50, actor="clerk1")
    out = filing.refile(app.db, doc)  # a re-read must not undo a clerk's decision
    assert out.skipped
    view = filing.document_filing(app.db, doc)
    assert view.linked is not None and (view.linked.entry_id, view.linked.decided_by) == (e50, "clerk1")
    assert any(p.entry_id == e47 and p.state == "rejected" for p in view.proposals)
    with pytest.raises(RegisterError, match="không được đề xuất"):
        filing.reject(app.db, doc, _entry(app, "60"), actor="clerk1")
    with app.db.read() as s:
        acts = s.scalars(
            select(AuditEntry.action).where(AuditEntry.object_id == str(doc), AuditEntry.action.like("filing.%"))
        ).all()
    assert acts[-2:] == ["filing.reject", "filing.link"]


def test_a_new_registration_creates_its_entry_from_the_confirmed_fields(app: App) -> None:
    doc = dossier(
        app,
        "to_khai_dang_ky_khai_sinh",
        {
            "child_name": "PHẠM MINH KHOA",
            "child_birth_date": "01/05/2012",
            "child_sex": "Nam",
            "mother_name": "Võ Thị Tuyết",
            "father_name": "Phạm Văn Lộc",
            "requester_name": "Phạm Văn Lộc",
        },
    )
    assert filing.document_filing(app.db, doc).can_create
    with app.db.write() as s:  # the clerk confirms every field at the desk
        s.execute(update(FieldValue).where(FieldValue.document_id == doc).values(confirmed_by="clerk1"))
        s.execute(
            update(FieldValue)
            .where(FieldValue.document_id == doc, FieldValue.field_id == "child_name")
            .values(confirmed_value="Phạm Minh Khoa")
        )
    eid = filing.create_from_document(app.db, doc, actor="clerk1", registration_date=matching.parse_date("15/05/2012"))
    e = get_entry(app.db, eid)
    assert (e.so, e.name, e.status, e.origin) == ("61", "Phạm Minh Khoa", "verified", "desk")  # numbers run on
    assert (
        e.data["meHoTen"] == "Võ Thị Tuyết"
        and e.data["ngayDangKy"] == "15/05/2012"
        and e.data["nycHoTen"] == "Phạm Văn Lộc"
    )
    assert filing.document_filing(app.db, doc).linked.entry_id == eid  # type: ignore[union-attr]
    with pytest.raises(RegisterError, match="đã được vào sổ"):
        filing.create_from_document(app.db, doc, actor="clerk1")
    with app.db.read() as s:
        assert s.scalar(select(RegisterFiling.method).where(RegisterFiling.document_id == doc)) == "created"
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.action == "filing.create")) == "filing.create"
    # no open book of the year: a clear refusal
    doc2 = dossier(app, "to_khai_dang_ky_khai_sinh", {"child_name": "Lê Văn Tám", "child_birth_date": "01/01/2030"})
    with app.db.write() as s:
        s.execute(update(FieldValue).where(FieldValue.document_id == doc2).values(confirmed_by="clerk1"))
    with pytest.raises(RegisterError, match="Chưa có sổ khai sinh năm 2030"):
        filing.create_from_document(app.db, doc2, actor="clerk1", registration_date=matching.parse_date("02/01/2030"))


def test_documents_that_belong_nowhere_are_left_alone(app: App) -> None:
    doc = dossier(
        app, "giay_tiep_nhan_ho_so", {"applicant": "Nguyễn Văn Trường", "dossier_code": "000.17.31.H42-230515-0001"}
    )
    view = filing.document_filing(app.db, doc)
    assert view.book_type is None and view.proposals == []


def test_scoring_rules() -> None:
    assert matching.name_edits("Nguyễn Văn Trường", "NGUYEN VAN TRUONG") == 0
    assert matching.name_edits("Nguyễn Văn Trường", "Nguyen Van Ưuong") == 1  # tr → ư
    assert matching.name_edits("Nguyễn Văn Trường", "Nguyễn Trường") == 1.5  # a missing middle name
    assert matching.name_edits("Nguyễn Văn Trường", "Trần Văn Trường") >= 90  # another surname
    assert "2812" not in {str(y) for y in matching.year_variants(2012)}  # out of range
    assert {2010, 2016, 2078} <= set(matching.year_variants(2018))  # 8→0, 8→6, 1→7
    assert matching.so_variants("47") == sorted({"47", "41"})
    # A tone OCR'd before the circumflex: NFC leaves two characters, which would split the name.
    q = matching.query_from_fields(
        [
            ("trich_luc_khai_sinh", "child_name", "ĐỖ NGUYE\u0301\u0302T"),
            ("trich_luc_khai_sinh", "child_birth_date", "05/02/2022"),
        ]
    )
    assert q is not None and q.people[0].name == "ĐỖ NGUYẾT" and matching.name_edits("Đỗ Nguyết", q.people[0].name) == 0
