"""The register commands as a clerk types them: book new/list/show, legacy import with its report,
entry edit/verify/show, export; a wrong request gets a Vietnamese message and exit code 2."""
from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import sohoa


def test_book_legacy_entry_and_export_commands(tmp_path: Path) -> None:
    r = sohoa("book", "new", "--type", "khai_sinh", "--year", "2012", "--volume", "01", "--commune", "Cát Thành",
              cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "khai_sinh/2012/01" in r.stdout and "sổ kẻ cột" in r.stdout
    r = sohoa("book", "new", "--type", "khai_sinh", "--year", "2012", "--volume", "1", cwd=tmp_path)
    assert r.returncode == 2 and "Lỗi: Sổ khai_sinh/2012/01 của Cát Thành đã có" in r.stderr

    csv_path = tmp_path / "cu.csv"
    csv_path.write_text("so,ho ten,ngay sinh,ho ten me,ngay dang ky\n1,Nguyễn Văn An,02/03/2012,Lê Thị Hoa,10/03/2012\n"
                        "2,,05/04/2012,,12/04/2012\n", encoding="utf-8")
    r = sohoa("legacy", "import", str(csv_path), "--book", "khai_sinh/2012/01", cwd=tmp_path)
    assert r.returncode == 1, r.stderr  # a row was refused: look at the report
    assert "đã thêm 1" in r.stdout and "từ chối 1" in r.stdout
    report = (tmp_path / "cu.tu-choi.csv").read_text(encoding="utf-8-sig")
    assert "thiếu họ, chữ đệm, tên" in report

    r = sohoa("entry", "edit", "khai_sinh/2012/01#1", "nksHoTen=Nguyễn Văn Ân", "--reason", "đối chiếu sổ giấy",
              "--by", "archivist", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "«Nguyễn Văn An» → «Nguyễn Văn Ân»" in r.stdout
    r = sohoa("entry", "edit", "1", "hoTen=X", "--reason", "x", cwd=tmp_path)
    assert r.returncode == 2 and "không có trường «hoTen»" in r.stderr
    assert sohoa("entry", "verify", "1", "--by", "archivist", cwd=tmp_path).returncode == 0
    r = sohoa("entry", "show", "1", cwd=tmp_path)
    assert "đã kiểm tra" in r.stdout and "đối chiếu sổ giấy" in r.stdout and "archivist" in r.stdout
    r = sohoa("search", "nguyen van an", cwd=tmp_path)
    assert "mục sổ 1" in r.stdout

    r = sohoa("book", "show", "1", "--entries", cwd=tmp_path)
    assert "Nguyễn Văn Ân" in r.stdout
    r = sohoa("export", "all", "--format", "json", "--out", str(tmp_path / "all.json"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert data["books"][0]["entries"][0]["data"]["nksHoTen"] == "Nguyễn Văn Ân"
    r = sohoa("export", "khai_sinh/2012/01", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["KS_2012_Q01.xlsx", "KS_2012_Q01.zip",
                                                                     "KS_2012_Q01_in-so.pdf"]
    r = sohoa("file", "99", cwd=tmp_path)
    assert r.returncode == 2 and "Không có hồ sơ số 99" in r.stderr
