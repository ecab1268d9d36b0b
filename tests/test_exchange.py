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
from indexer.models import Commune, RegisterBook, RegisterEntry, RegisterEntryChange, RegisterKeying
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
                keyings = [
                    (k.role, k.actor, iso(k.at), k.data)
                    for k in s.scalars(
                        select(RegisterKeying)
                        .where(RegisterKeying.entry_id == e.id)
                        .order_by(RegisterKeying.at, RegisterKeying.id)
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
                        "keyings": keyings,
                    }
                )
            entries.sort(key=lambda x: (x["so"] or "", x["so_raw"], x["name"]))
            out.append(
                {
                    "commune": (c.name, c.code, c.scheme, c.province),
                    "book": (b.book_type, b.year, b.volume, b.layout, b.title, b.opened_on, b.closed_on),
                    "more": (b.expected_pages, b.notes, b.double_keying),
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


def test_who_keyed_what_and_the_arbitration_go_through_the_xlsx_the_json_and_the_csv(tmp_path: Path) -> None:
    """A book keyed twice: one entry the two keyers agree on, one they differ on that an arbitrator
    settled, one keyed by one person so far. Its XLSX and ``export all`` JSON carry every keying
    (who, when, the values as typed, keyer or arbitrator) and how each entry's keying ended; both
    bring them back whole into an empty sohoa; the CSV names the keyers and the arbitrator."""
    import csv
    import json

    from indexer.registers.keying import arbitrate, save_keying
    from tests.test_registers_keying import ROWS, _book

    app = _app(tmp_path / "src" / "data")
    try:
        book_id, ids = _book(app, double=True)
        save_keying(app.db, book_id, ids[0], ROWS[0], actor="lan")
        save_keying(app.db, book_id, ids[0], {**ROWS[0], "ngayDangKy": "02031998"}, actor="minh")
        save_keying(app.db, book_id, ids[1], ROWS[1], actor="lan")
        save_keying(app.db, book_id, ids[1], {**ROWS[1], "nksHoTen": "Ngô Văn Tai"}, actor="minh")
        arbitrate(app.db, book_id, ids[1], ROWS[1], actor="hoa")
        save_keying(app.db, book_id, ids[2], ROWS[2], actor="lan")
        want = snapshot(app)
        [book] = want
        assert book["more"][2] is True
        by_so = {e["so"]: e for e in book["entries"]}
        assert [(k[0], k[1]) for k in by_so["12"]["keyings"]] == [("key", "lan"), ("key", "minh")]
        assert by_so["12"]["keyings"][1][3]["ngayDangKy"] == "02031998"  # as typed
        assert [(k[0], k[1]) for k in by_so["13"]["keyings"]] == [("key", "lan"), ("key", "minh"), ("arbiter", "hoa")]
        assert [(k[0], k[1]) for k in by_so["14"]["keyings"]] == [("key", "lan")]
        res = exports.export_book(app, book_id, tmp_path / "out")
        src_dir = app.settings.data_dir.parent
        r = sohoa("export", "all", "--format", "json", "--out", str(tmp_path / "all.json"), cwd=src_dir)
        assert r.returncode == 0, r.stderr
        r = sohoa("export", "all", "--format", "csv", "--out", str(tmp_path / "all.csv"), cwd=src_dir)
        assert r.returncode == 0, r.stderr
    finally:
        app.close()

    from openpyxl import load_workbook

    wb = load_workbook(res.xlsx, read_only=True)
    keyed = list(wb["NhapLieu"].iter_rows(values_only=True))
    assert keyed[0] == ("dong", "vai_tro", "nguoi", "luc", "gia_tri")
    assert sorted((r[1], r[2]) for r in keyed[1:]) == sorted(
        [("key", "lan"), ("key", "minh"), ("key", "lan"), ("key", "minh"), ("arbiter", "hoa"), ("key", "lan")]
    )
    head = list(next(wb["MucSohoa"].iter_rows(values_only=True)))
    outcome = {r[1]: r[head.index("ket_qua_nhap")] for r in list(wb["MucSohoa"].iter_rows(values_only=True))[1:]}
    assert outcome == {"12": "agreed", "13": "arbitrated", "14": "waiting"}

    doc = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    [jb] = doc["books"]
    assert jb["double_keying"] is True
    je = {e["so"]: e for e in jb["entries"]}
    assert je["13"]["keying_outcome"] == "arbitrated" and je["12"]["keying_outcome"] == "agreed"
    assert je["14"]["keying_outcome"] == "waiting"
    assert [(k["role"], k["actor"], k["data"].get("nksHoTen")) for k in je["13"]["keyings"]] == [
        ("key", "lan", "Ngô Văn Tài"),
        ("key", "minh", "Ngô Văn Tai"),
        ("arbiter", "hoa", "Ngô Văn Tài"),
    ]
    with (tmp_path / "all.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["so"]: r for r in csv.DictReader(fh)}
    assert (rows["13"]["keyed_by"], rows["13"]["arbitrated_by"], rows["13"]["keying_outcome"]) == (
        "lan minh",
        "hoa",
        "arbitrated",
    )
    assert (rows["14"]["keyed_by"], rows["14"]["keying_outcome"]) == ("lan", "waiting")

    for name, path in (("xlsx", res.xlsx), ("json", tmp_path / "all.json")):
        target = tmp_path / f"empty-{name}"
        target.mkdir()
        assert "6 lần nhập từ sổ giấy" in _import(target, path, rc=0)
        fresh = _app(target / "data")
        try:
            assert snapshot(fresh) == want, name
        finally:
            fresh.close()
