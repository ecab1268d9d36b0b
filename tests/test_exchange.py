"""The exchange round trip: a book exported as the national-import XLSX, and everything exported as
``export all --format json``, each imported with ``sohoa exchange import`` into a fresh, empty data
folder — then every book, entry, value, status and history line compared with the source; a second
import changes nothing; the imported people are found by name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from config import Settings
from indexer.models import Commune, RegisterBook, RegisterEntry, RegisterEntryChange
from indexer.people import search_all
from indexer.registers.books import create_book
from indexer.registers.entries import edit_entry, verify_entry
from indexer.registers.exchange import iso
from sohoa import exports
from sohoa.app import App
from tests.registers_util import create_entry
from tests.test_cli import sohoa
from tests.test_registers_export import _ledger_book


def _app(data: Path) -> App:
    a = App(Settings(data_dir=data, workers=1))
    a.settings.ensure_dirs()
    return a


@pytest.fixture
def source(tmp_path: Path) -> Iterator[tuple[App, int]]:
    """A ledger book read by OCR (with page images, entries 7 and 8, a legacy 9 amended) and a
    death register book of one entry per page: corrected, verified, a note, a key outside the
    vocabulary, a number read twice (kept only as so_raw)."""
    app = _app(tmp_path / "src" / "data")
    ledger = _ledger_book(app, tmp_path / "src")
    kt = create_book(app.db, "khai_tu", 2020, "02", commune="Phường Bến Nghé", commune_code="26740", expected_pages=200)
    a = create_entry(
        app.db,
        kt.id,
        {
            "so": "3",
            "trangSo": "3",
            "nktHoTen": "Võ Văn Kiệt",
            "nktNgayChet": "11/06/2020",
            "ngayDangKy": "12/06/2020",
            "soCu": "KT-03/2020",  # not in the vocabulary: kept as text
        },
        origin="desk",
        actor="tuphap",
        notes="bản chính lưu tại UBND",
    )
    edit_entry(app.db, a, {"nktHoTen": "Võ Văn Kiệt "}, actor="tuphap", reason="x")  # no change
    edit_entry(app.db, a, {"nktNoiChet": "Bệnh viện Chợ Rẫy"}, actor="tuphap", reason="bổ sung theo giấy báo tử")
    edit_entry(app.db, a, {"ghiChu": ""}, actor="tuphap", reason="bỏ ghi chú trống")
    verify_entry(app.db, a, actor="luutru")
    create_entry(
        app.db,
        kt.id,
        {"so": "3", "nktHoTen": "Lê Văn Hai", "ngayDangKy": "13/06/2020"},
        origin="ocr",
        actor="ocr",
        strict=False,
    )  # the number is taken: kept as so_raw with a note
    yield app, ledger
    app.close()


def snapshot(app: App) -> list[dict[str, Any]]:
    """Everything a book and its entries are, comparable across databases (ids left out)."""
    out = []
    with app.db.read() as s:
        for b, c in s.execute(
            select(RegisterBook, Commune)
            .join(Commune, Commune.id == RegisterBook.commune_id)
            .order_by(RegisterBook.book_type, RegisterBook.year, RegisterBook.volume)
        ):
            entries = []
            for e in s.scalars(select(RegisterEntry).where(RegisterEntry.book_id == b.id)):
                history = [
                    (iso(h.at), h.actor, h.kind, h.field, h.old_value, h.new_value, h.reason)
                    for h in s.scalars(
                        select(RegisterEntryChange)
                        .where(RegisterEntryChange.entry_id == e.id)
                        .order_by(RegisterEntryChange.id)
                    )
                ]
                entries.append(
                    {
                        "so": e.so,
                        "so_raw": e.so_raw,
                        "page_no": e.page_no,
                        "registration_date": e.registration_date,
                        "name": e.name,
                        "birth_date": e.birth_date,
                        "data": e.data,
                        "notes": e.notes,
                        "status": e.status,
                        "origin": e.origin,
                        "source_ref": e.source_ref,
                        "created_by": e.created_by,
                        "created_at": iso(e.created_at),
                        "verified_by": e.verified_by,
                        "verified_at": iso(e.verified_at),
                        "history": history,
                    }
                )
            entries.sort(key=lambda x: (x["so"] or "", x["so_raw"], x["name"]))
            out.append(
                {
                    "commune": (c.name, c.code, c.scheme, c.province),
                    "book": (b.book_type, b.year, b.volume, b.layout, b.title, b.opened_on, b.closed_on),
                    "more": (b.expected_pages, b.notes),
                    "entries": entries,
                }
            )
    return out


def _import(target: Path, path: Path, rc: int) -> str:
    r = sohoa("exchange", "import", str(path), "--by", "chuyen-may", cwd=target)
    assert r.returncode == rc, (r.stdout, r.stderr)
    return r.stdout


def test_a_book_goes_through_its_xlsx_whole(source: tuple[App, int], tmp_path: Path) -> None:
    app, ledger = source
    res = exports.export_book(app, ledger, tmp_path / "out")
    want = [b for b in snapshot(app) if b["book"][0] == "khai_sinh"]
    assert len(want) == 1 and len(want[0]["entries"]) == 3
    assert sum(len(e["history"]) for e in want[0]["entries"]) >= 4  # created ×3, amendment, …

    target = tmp_path / "empty"
    target.mkdir()
    out = _import(target, res.xlsx, rc=0)
    assert "đã nhập 3 mục" in out
    fresh = _app(target / "data")
    try:
        assert snapshot(fresh) == want
        found = search_all(fresh.db, "Nguyen Van An").people
        assert any(h.source_type == "register_entry" and h.name == "Nguyễn Văn An" for h in found)
    finally:
        fresh.close()
    out = _import(target, res.xlsx, rc=1)  # again: the book is there, left alone
    assert "để nguyên" in out
    fresh = _app(target / "data")
    try:
        assert snapshot(fresh) == want
    finally:
        fresh.close()


def test_everything_goes_through_export_all_json_whole(source: tuple[App, int], tmp_path: Path) -> None:
    app, _ = source
    want = snapshot(app)
    assert [len(b["entries"]) for b in want] == [3, 2]
    death = next(b for b in want if b["book"][0] == "khai_tu")
    corrected = next(e for e in death["entries"] if e["so"] == "3")
    assert corrected["status"] == "verified" and corrected["data"]["soCu"] == "KT-03/2020"
    assert [h[2] for h in corrected["history"]] == ["create", "correction", "verify"]
    twice = next(e for e in death["entries"] if e["so"] is None)
    assert twice["so_raw"] == "3" and "trùng" in twice["notes"]

    src_dir = app.settings.data_dir.parent
    r = sohoa("export", "all", "--format", "json", "--out", str(tmp_path / "all.json"), cwd=src_dir)
    assert r.returncode == 0, r.stderr
    target = tmp_path / "empty"
    target.mkdir()
    out = _import(target, tmp_path / "all.json", rc=0)
    assert "5 mục đã nhập" in out
    fresh = _app(target / "data")
    try:
        assert snapshot(fresh) == want
    finally:
        fresh.close()


def test_files_that_are_not_exchange_files_are_refused(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["so", "nksHoTen"])
    wb.save(tmp_path / "other.xlsx")
    (tmp_path / "other.json").write_text('{"books": []}', encoding="utf-8")
    r = sohoa("exchange", "import", str(tmp_path / "other.xlsx"), cwd=tmp_path)
    assert r.returncode == 2 and "sohoa legacy import" in r.stderr
    r = sohoa("exchange", "import", str(tmp_path / "other.json"), cwd=tmp_path)
    assert r.returncode == 2 and "sohoa-registers/1" in r.stderr
