"""Legacy import from older software: CSV and XLSX in UTF-8, Windows-1258, TCVN3 (ABC) and VNI,
a column mapping onto the national vocabulary, every refused row reported with its reason, and
importing the same file again changes nothing."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from indexer.models import RegisterEntry
from indexer.people import find_people
from indexer.registers.books import create_book
from indexer.registers.entries import book_entries
from indexer.registers.legacy_import import import_file, load_mapping
from indexer.registers.model import RegisterError
from sohoa.app import App
from tests.legacytext import encode_tcvn3, encode_vni
from tests.registers_util import make_app

ROWS = [
    ["STT", "Số", "Họ tên", "Ngày sinh", "Giới tính", "Họ tên mẹ", "Họ tên cha", "Ngày ĐK", "Ghi chú cũ"],
    ["1", "1", "Nguyễn Văn Ánh", "02/03/2012", "Nam", "Lê Thị Hoà", "Nguyễn Văn Ba", "10/03/2012", "x"],
    ["2", "2", "Trần Thị Thủy", "05/04/2012", "Nữ", "Phạm Thị Mai", "", "12/04/2012", ""],
    ["3", "2", "Đặng Hữu Phước", "05/04/2012", "Nam", "", "", "12/04/2012", ""],  # số twice
    ["4", "3", "", "05/04/2012", "Nữ", "", "", "12/04/2012", ""],  # no name
    ["5", "4", "Lê Văn Tám", "31/02/2012", "Nam", "", "", "12/04/2012", ""],  # no such date
    ["6", "5", "Bùi Thị Xuân", "01/01/2012", "Nữ", "", "", "03/01/2013", ""],  # another year
    ["", "", "", "", "", "", "", "", ""],  # empty
    ["8", "xx", "Ngô Quyền", "01/01/2012", "Nam", "", "", "03/01/2012", ""],  # not a number
]
REASONS = {4: "trùng số 2", 5: "thiếu họ, chữ đệm, tên", 6: "ngày không hợp lệ", 7: "năm 2013", 9: "số không hợp lệ"}
MAP = {"Ngày ĐK": "ngayDangKy", "Ghi chú cũ": "-", "STT": "-"}


def cp1258(text: str) -> bytes:
    """Windows-1258 as old Windows software wrote it: precomposed base letters, combining tones."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        nfd = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in nfd if c in "\u0300\u0301\u0303\u0309\u0323")
        out += unicodedata.normalize("NFC", "".join(c for c in nfd if c not in tones)).encode("cp1258") + tones.encode(
            "cp1258"
        )
    return out


ENCODERS = {"utf-8": lambda t: t.encode("utf-8"), "windows-1258": cp1258, "tcvn3": encode_tcvn3, "vni": encode_vni}


def csv_text(rows: list[list[str]], sep: str = ";") -> str:
    return "\n".join(sep.join(r) for r in rows) + "\n"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    class R:
        param = "sqlite"

    yield from make_app(R(), tmp_path)  # type: ignore[arg-type]


def _check(app: App, book_id: int, rep, offset: int = 0) -> None:  # type: ignore[no-untyped-def]
    """``offset``: rows above the header (the report names rows as the file numbers them)."""
    assert rep.created == 2 and rep.unchanged == 0 and rep.empty == 1
    assert {r.row - offset for r in rep.rejected} == REASONS.keys()
    for r in rep.rejected:
        assert REASONS[r.row - offset] in r.reason, r
    names = [(e.so, e.name, e.data.get("meHoTen")) for e in book_entries(app.db, book_id)]
    assert names == [("1", "Nguyễn Văn Ánh", "Lê Thị Hoà"), ("2", "Trần Thị Thủy", "Phạm Thị Mai")]


@pytest.mark.parametrize("encoding", list(ENCODERS))
def test_csv_in_each_legacy_encoding(app: App, tmp_path: Path, encoding: str) -> None:
    book = create_book(app.db, "khai_sinh", 2012, "01")
    rows = [r[:] for r in ROWS]
    if encoding == "tcvn3":  # TCVN3 has no toned capitals: old exports typed those names in lower case
        rows[1][2] = "Nguyễn Văn ánh"
    path = tmp_path / f"so-{encoding}.csv"
    path.write_bytes(ENCODERS[encoding](csv_text(rows)))
    rep = import_file(app.db, book.id, path, mapping=MAP)
    assert rep.encoding == encoding
    assert rep.mapping["Họ tên"] == "nksHoTen" and rep.mapping["Ngày sinh"] == "nksNgaySinh"
    if encoding == "tcvn3":
        with app.db.write() as s:
            e = s.scalar(select(RegisterEntry).where(RegisterEntry.so == "1"))
            assert e is not None and e.name == "Nguyễn Văn ánh"
            return
    _check(app, book.id, rep)
    report = rep.write_csv(tmp_path / "tu-choi.csv")
    text = report.read_text(encoding="utf-8-sig")
    assert "trùng số 2 với dòng 3" in text and "Đặng Hữu Phước" in text


def _xlsx(path: Path, rows: list[list[str]], encode=None) -> Path:  # type: ignore[no-untyped-def]
    wb = Workbook()
    ws = wb.active
    ws.append(["SỔ ĐĂNG KÝ KHAI SINH — xuất từ phần mềm cũ"])  # a title row above the header
    for r in rows:
        ws.append([(encode(c) if encode and c else c) for c in r])
    wb.save(path)
    return path


def test_xlsx_in_unicode_and_in_vnitimes_mojibake(app: App, tmp_path: Path) -> None:
    book = create_book(app.db, "khai_sinh", 2012, "01")
    rep = import_file(app.db, book.id, _xlsx(tmp_path / "a.xlsx", ROWS), mapping=MAP)
    assert rep.encoding == "utf-8"
    _check(app, book.id, rep, offset=1)
    # The same data typed with a VNI-Times font: its cells hold VNI bytes read as Windows-1252.
    book2 = create_book(app.db, "khai_sinh", 2012, "02")
    vni = _xlsx(tmp_path / "b.xlsx", ROWS, lambda c: encode_vni(c).decode("cp1252"))
    rep2 = import_file(app.db, book2.id, vni, mapping=MAP)
    assert rep2.encoding == "vni"
    assert [e.name for e in book_entries(app.db, book2.id)] == ["Nguyễn Văn Ánh", "Trần Thị Thủy"]
    assert find_people(app.db, "nguyen van anh")[0].source_type == "register_entry"


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    yield from make_app(request, tmp_path)


def test_reimporting_the_same_file_changes_nothing_and_conflicts_are_refused(any_app: App, tmp_path: Path) -> None:
    app = any_app
    book = create_book(app.db, "khai_sinh", 2012, "01")
    path = tmp_path / "so.csv"
    path.write_text(csv_text(ROWS, ","), encoding="utf-8")
    first = import_file(app.db, book.id, path, mapping=MAP)
    again = import_file(app.db, book.id, path, mapping=MAP)
    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    with app.db.read() as s:
        assert s.scalar(select(func.count()).select_from(RegisterEntry)) == 2
    changed = [r[:] for r in ROWS[:3]]
    changed[1][5] = "Lê Thị Hồng"
    path.write_text(csv_text(changed, ","), encoding="utf-8")
    rep = import_file(app.db, book.id, path, mapping=MAP)
    assert rep.created == 0 and rep.unchanged == 1
    assert [r.reason for r in rep.rejected] == ["số 1 đã có trong sổ với nội dung khác (meHoTen)"]
    assert book_entries(app.db, book.id)[0].data["meHoTen"] == "Lê Thị Hoà"  # the book keeps its entry


def test_mapping_files_and_unreadable_input_give_clear_errors(app: App, tmp_path: Path) -> None:
    book = create_book(app.db, "khai_sinh", 2012, "01")
    rows = [["so_dk", "ten_tre", "me"], ["7", "Hồ Văn Nam", "Lý Thị Mơ"]]
    path = tmp_path / "odd.csv"
    path.write_text(csv_text(rows, "\t"), encoding="utf-8")
    with pytest.raises(RegisterError, match="Không tìm thấy cột cho so, nksHoTen"):
        import_file(app.db, book.id, path)
    mfile = tmp_path / "map.yaml"
    mfile.write_text("so_dk: so\nten_tre: nksHoTen\nme: meHoTen\n", encoding="utf-8")
    rep = import_file(app.db, book.id, path, mapping=load_mapping(mfile))
    assert rep.created == 1 and book_entries(app.db, book.id)[0].data == {
        "so": "7",
        "nksHoTen": "Hồ Văn Nam",
        "meHoTen": "Lý Thị Mơ",
        "quyenSo": "01",
    }
    with pytest.raises(RegisterError, match="không có trong sổ khai sinh"):
        import_file(app.db, book.id, path, mapping={"ten_tre": "hoTenTre"})
    with pytest.raises(RegisterError, match="CỘT=trường"):
        load_mapping(None, ["ten_tre"])
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(RegisterError, match="Không đọc được tệp Excel"):
        import_file(app.db, book.id, bad)
    with app.db.read() as s:
        assert s.scalar(select(func.count()).select_from(RegisterEntry)) == 1
