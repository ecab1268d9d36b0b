"""Tra cứu's people: one row per person with all their sources; a parent's row says whose record it
is; two different people of the same name are never merged."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from indexer import accounts
from indexer.models import FieldValue
from indexer.registers import filing
from indexer.registers.books import create_book
from sohoa.app import App
from sohoa.web import create_app
from tests.registers_util import create_entry, dossier
from tests.webdesk import PASSWORD, logged_in


def test_one_row_per_person_with_whose_record_it_is(app: App) -> None:
    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk")
    desk = create_app(app)
    year = date.today().year
    b = create_book(app.db, "khai_sinh", year, "01", commune="Phú Lộc")
    doc = dossier(
        app,
        "to_khai_dang_ky_khai_sinh",
        {
            "child_name": "Trần Thị Kim Tươi",
            "child_birth_date": f"02/11/{year}",
            "mother_name": "Võ Thị Tuyết",
            "registration_date": f"01/12/{year}",
        },
    )
    with app.db.write() as s:
        s.execute(update(FieldValue).where(FieldValue.document_id == doc).values(confirmed_by="tiepnhan"))
    eid = filing.create_from_document(app.db, doc, actor="tiepnhan")
    # A namesake born another year: another person, another row.
    create_entry(
        app.db,
        b.id,
        {"so": "9", "nksHoTen": "Trần Thị Kim Tươi", "nksNgaySinh": "05/05/2001", "ngayDangKy": f"01/06/{year}"},
        origin="legacy",
        actor="t",
    )
    c, _ = logged_in(desk, "tiepnhan")
    page = c.get("/search", params={"q": "tran thi kim tuoi"}).text
    rows = page.split('<li class="person"')[1:]
    kim = [r for r in rows if f"sinh 02/11/{year}" in r]
    assert len(kim) == 1  # the dossier's child and the entry made from it: one person
    assert f'href="/entries/{eid}"' in kim[0] and f'href="/documents/{doc}"' in kim[0]
    assert len([r for r in rows if "sinh 05/05/2001" in r]) == 1
    page = c.get("/search", params={"q": "vo thi tuyet"}).text
    [mother] = [r for r in page.split('<li class="person"')[1:] if "Tuyết" in r.split("</span>")[0]]
    assert '<span class="whose">mẹ của Trần Thị Kim Tươi</span>' in mother
    assert f'href="/entries/{eid}"' in mother and f'href="/documents/{doc}"' in mother
