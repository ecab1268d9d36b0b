"""Exports: per book an XLSX in the national vocabulary and a ZIP of one PDF per entry (its page
images), CSV/JSON of everything, and print-ready register pages — checked by reading them back."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from indexer import jobs, results
from indexer.fields import DocumentReading
from indexer.registers import digitise, export
from indexer.registers.books import create_book
from indexer.registers.entries import edit_entry
from sohoa import bookfiles, exports
from sohoa.app import App
from tests.registerpages import ledger_page
from tests.registers_util import create_entry, make_app, output


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    class R:
        param = "sqlite"

    yield from make_app(R(), tmp_path)  # type: ignore[arg-type]


def _pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def _ledger_book(app: App, tmp_path: Path) -> int:
    """A ledger book with one scanned page holding entries 7 and 8, plus a legacy entry 9 without images."""
    book = create_book(app.db, "khai_sinh", 1999, "01", layout="ledger", commune="Phú Lộc", commune_code="19999")
    src = tmp_path / "scan"
    src.mkdir()
    rows = [
        dict(
            so="7",
            registration_date="04/05/1999",
            child_name="Nguyễn Văn An",
            child_birth_date="22/03/1999",
            child_sex="Nam",
            child_birth_place="Xã Phú Lộc",
            mother_name="Lê Thị Gấm",
            father_name="Nguyễn Văn Ba",
        ),
        dict(
            so="8",
            registration_date="05/05/1999",
            child_name="Trần Thị Thủy",
            child_birth_date="01/04/1999",
            child_sex="Nữ",
            child_birth_place="Xã Phú Lộc",
            mother_name="Phạm Thị Mai",
            father_name="",
        ),
    ]
    ledger_page(rows, dpi=150).save(src / "trang-001.png", dpi=(150, 150))
    bookfiles.add_files(app, book.id, [src])
    [job] = jobs.claim(app.db, "host:1")
    r = DocumentReading("so_dang_ky_khai_sinh_trang", 1.0)
    r.register_entries = [{**e, "region": [10, 300 + 60 * i, 1500, 58]} for i, e in enumerate(rows)]
    assert results.complete(app.db, job, "host:1", output(r))
    digitise.build_entries(app.db, book.id)
    eid = create_entry(
        app.db,
        book.id,
        {"so": "9", "nksHoTen": "Đặng Hữu Phước", "nksNgaySinh": "03/05/1999", "ngayDangKy": "06/05/1999"},
        origin="legacy",
        actor="t",
    )
    edit_entry(
        app.db, eid, {"ghiChu": "Cải chính họ từ Đặn thành Đặng"}, actor="archivist", reason="QĐ 5", kind="amendment"
    )
    return book.id


def test_a_book_exports_as_the_national_import_expects(app: App, tmp_path: Path) -> None:
    book_id = _ledger_book(app, tmp_path)
    res = exports.export_book(app, book_id, tmp_path / "out")
    assert (res.entries, res.pdfs, res.without_images) == (3, 2, ["9"])
    wb = load_workbook(res.xlsx)
    ws = wb["DuLieu"]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    assert head[:4] == ("so", "quyenSo", "trangSo", "ngayDangKy") and "nksHoTen" in head and "meHoTen" in head
    assert head[-1] == "tepDinhKem"
    col = {k: i for i, k in enumerate(head)}
    assert [r[col["so"]] for r in rows[1:]] == ["7", "8", "9"]
    assert rows[1][col["nksHoTen"]] == "Nguyễn Văn An" and rows[1][col["meHoTen"]] == "Lê Thị Gấm"
    assert rows[1][col["ngayDangKy"]] == "04/05/1999" and rows[1][col["quyenSo"]] == "01"
    assert rows[1][col["tepDinhKem"]] == "KS_1999_Q01_00007.pdf" and not rows[3][col["tepDinhKem"]]
    assert rows[3][col["ghiChu"]] == "Cải chính họ từ Đặn thành Đặng"
    assert ("nksHoTen", "Họ, chữ đệm, tên") in list(wb["ChuThich"].iter_rows(values_only=True))
    with zipfile.ZipFile(res.zip) as z:
        assert sorted(z.namelist()) == ["KS_1999_Q01_00007.pdf", "KS_1999_Q01_00008.pdf"]
        pdf = z.read("KS_1999_Q01_00007.pdf")
    assert pdf.startswith(b"%PDF") and 20_000 < len(pdf) < 400_000
    (tmp_path / "one.pdf").write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(tmp_path / "one.pdf")], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M) and "(A4)" in info  # the ledger page, at its own size
    printed = _pdftotext(res.print_pdf)
    assert "SỔ ĐĂNG KÝ KHAI SINH" in printed and "Nguyễn Văn An" in printed and "Đặng Hữu Phước" in printed
    assert "Quyển số: 01" in printed and "Trang số: 1" in printed


def test_everything_as_csv_and_json(app: App, tmp_path: Path) -> None:
    _ledger_book(app, tmp_path)
    kt = create_book(app.db, "khai_tu", 2020, "01")
    create_entry(
        app.db, kt.id, {"so": "3", "nktHoTen": "Võ Văn Kiệt", "nktNgayChet": "11/06/2020"}, origin="desk", actor="t"
    )
    path, n = export.export_all(app.db, "csv", tmp_path / "all.csv")
    assert n == 4
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["book_type"], r["so"]) for r in rows] == [
        ("khai_sinh", "7"),
        ("khai_sinh", "8"),
        ("khai_sinh", "9"),
        ("khai_tu", "3"),
    ]
    assert rows[3]["nktHoTen"] == "Võ Văn Kiệt" and rows[0]["commune"] == "Phú Lộc" and rows[0]["quyenSo"] == "01"
    path, n = export.export_all(app.db, "json", tmp_path / "all.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    ks = data["books"][0]
    assert ks["key"] == "khai_sinh/1999/01" and ks["commune"]["code"] == "19999"
    last = ks["entries"][2]
    assert [h["kind"] for h in last["history"]] == ["create", "amendment"] and last["history"][1]["reason"] == "QĐ 5"


def test_print_ready_pages_of_a_book_of_one_entry_per_page(app: App, tmp_path: Path) -> None:
    book = create_book(app.db, "khai_sinh", 2020, "01", commune="Cát Thành")
    for so, name in (("1", "Nguyễn Văn An"), ("2", "Trần Thị Bích Ngọc")):
        create_entry(
            app.db,
            book.id,
            {
                "so": so,
                "trangSo": so,
                "nksHoTen": name,
                "nksNgaySinh": "02/03/2020",
                "meHoTen": "Lê Thị Hoa",
                "ngayDangKy": "10/03/2020",
            },
            origin="desk",
            actor="t",
        )
    out = export.print_pdf(app.db, book.id, tmp_path / "in.pdf")
    pages = _pdftotext(out).split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    assert "Số: 1" in pages[0] and "Nguyễn Văn An" in pages[0] and "Trang số: 1" in pages[0]
    assert "Trần Thị Bích Ngọc" in pages[1] and "Họ, chữ đệm, tên mẹ" in pages[1] and "Cát Thành" in pages[1]


def test_file_names_in_the_zip_are_ascii(app: App, tmp_path: Path) -> None:
    book = create_book(app.db, "chung_thuc_hop_dong", 2021, "01-SCT/HĐ")
    create_entry(
        app.db,
        book.id,
        {"so": "5", "nycHoTen": "Lê Văn Đức", "tenHopDong": "Hợp đồng mua bán", "ngayDangKy": "03/02/2021"},
        origin="desk",
        actor="t",
    )
    res = exports.export_book(app, book.id, tmp_path / "out")
    assert res.xlsx.name == "SCTHD_2021_Q01-SCT-HD.xlsx" and res.without_images == ["5"]
    rows = list(load_workbook(res.xlsx)["DuLieu"].iter_rows(values_only=True))
    assert rows[1][rows[0].index("nycHoTen")] == "Lê Văn Đức" and rows[1][rows[0].index("quyenSo")] == "01-SCT/HĐ"
