"""The register commands as a clerk types them: book new/list/show, legacy import with its report,
entry edit/verify/show, export; a wrong request gets a Vietnamese message and exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import sohoa


def test_book_legacy_entry_and_export_commands(tmp_path: Path) -> None:
    r = sohoa(
        "book", "new", "--type", "khai_sinh", "--year", "2012", "--volume", "01", "--commune", "Cát Thành", cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr
    assert "khai_sinh/2012/01" in r.stdout and "sổ kẻ cột" in r.stdout
    r = sohoa("book", "new", "--type", "khai_sinh", "--year", "2012", "--volume", "1", cwd=tmp_path)
    assert r.returncode == 2 and "Lỗi: Sổ khai_sinh/2012/01 của Cát Thành đã có" in r.stderr

    csv_path = tmp_path / "cu.csv"
    csv_path.write_text(
        "so,ho ten,ngay sinh,ho ten me,ngay dang ky\n1,Nguyễn Văn An,02/03/2012,Lê Thị Hoa,10/03/2012\n"
        "2,,05/04/2012,,12/04/2012\n",
        encoding="utf-8",
    )
    r = sohoa("legacy", "import", str(csv_path), "--book", "khai_sinh/2012/01", cwd=tmp_path)
    assert r.returncode == 1, r.stderr  # a row was refused: look at the report
    assert "đã thêm 1" in r.stdout and "từ chối 1" in r.stdout
    report = (tmp_path / "cu.tu-choi.csv").read_text(encoding="utf-8-sig")
    assert "thiếu họ, chữ đệm, tên" in report

    r = sohoa(
        "entry",
        "edit",
        "khai_sinh/2012/01#1",
        "nksHoTen=Nguyễn Văn Ân",
        "--reason",
        "đối chiếu sổ giấy",
        "--by",
        "archivist",
        cwd=tmp_path,
    )
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
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "KS_2012_Q01.xlsx",
        "KS_2012_Q01.zip",
        "KS_2012_Q01_in-so.pdf",
    ]
    r = sohoa("file", "99", cwd=tmp_path)
    assert r.returncode == 2 and "Không có hồ sơ số 99" in r.stderr


def test_book_import_reports_refused_and_missing_pages_and_resumes(tmp_path: Path) -> None:
    from tests.registerpages import ledger_page

    rows = [
        dict(
            so=str(n),
            registration_date="04/05/1999",
            child_name=name,
            child_birth_date="22/03/1999",
            child_sex="Nam",
            child_birth_place="Xã Phú Lộc",
            mother_name="Lê Thị Gấm",
            father_name="",
        )
        for n, name in ((1, "Nguyễn Văn An"), (2, "Trần Văn Bình"))
    ]
    src = tmp_path / "quyen"
    src.mkdir()
    ledger_page(rows[:1], dpi=150).save(src / "trang-001.png", dpi=(150, 150))
    (src / "trang-002.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a picture")  # a broken scan
    ledger_page(rows[1:], dpi=150).save(src / "trang-003.png", dpi=(150, 150))
    assert (
        sohoa(
            "book", "new", "--type", "ks", "--year", "1999", "--volume", "01", "--layout", "ledger", cwd=tmp_path
        ).returncode
        == 0
    )
    r = sohoa("book", "import", "khai_sinh/1999/01", str(src), cwd=tmp_path)
    assert r.returncode == 1, r.stderr  # done, with something to look at
    assert "trang 1: trang-001.png" in r.stdout and "trang 3: trang-003.png" in r.stdout
    assert "trang-002.jpg: Ảnh bị hỏng, không giải mã được" in r.stderr
    assert "Đã lập 2 mục sổ từ 2 trang" in r.stdout and "Thiếu trang: 2" in r.stdout
    r = sohoa(
        "book", "import", "khai_sinh/1999/01", str(src / "trang-001.png"), str(src / "trang-003.png"), cwd=tmp_path
    )
    assert r.returncode == 1 and "Đã thêm 0 trang; 2 tệp đã có trong sổ (bỏ qua)" in r.stdout
    assert "Đã lập" not in r.stdout  # nothing built twice
    r = sohoa("book", "show", "khai_sinh/1999/01", "--entries", cwd=tmp_path)
    assert "2 mục (2 chưa kiểm tra)" in r.stdout and "Nguyễn Văn An" in r.stdout and "Trần Văn Bình" in r.stdout


def test_book_scan_from_the_scanner_page_after_page(tmp_path: Path) -> None:
    """The SANE ``pnm`` backend plays the glass: each run scans one page of the book into it."""
    from tests.registerpages import ledger_page
    from tests.test_scanner import SANE_DIR, write_pgm

    rows = [
        dict(
            so=str(n),
            registration_date="04/05/1999",
            child_name=name,
            child_birth_date="22/03/1999",
            child_sex="Nam",
            child_birth_place="Xã Phú Lộc",
            mother_name="Lê Thị Gấm",
            father_name="",
        )
        for n, name in ((1, "Nguyễn Văn An"), (2, "Trần Văn Bình"))
    ]
    pgms = [write_pgm(ledger_page([r], dpi=150), tmp_path / f"glass-{i}.pgm") for i, r in enumerate(rows, 1)]
    profiles = "".join(
        f'[scanner.profiles.so{i}]\nsource = "auto"\nresolution = 150\noptions = {{ filename = "{p}" }}\n'
        for i, p in enumerate(pgms, 1)
    )
    (tmp_path / "sohoa.toml").write_text(
        f'[scanner]\ndevice = "pnm:0"\nsane_config_dir = "{SANE_DIR}"\n{profiles}', encoding="utf-8"
    )
    env = {"SOHOA_CONFIG": str(tmp_path / "sohoa.toml")}
    assert (
        sohoa(
            "book",
            "new",
            "--type",
            "ks",
            "--year",
            "1999",
            "--volume",
            "01",
            "--layout",
            "ledger",
            cwd=tmp_path,
            env=env,
        ).returncode
        == 0
    )
    r = sohoa("book", "scan", "khai_sinh/1999/01", "--profile", "so1", cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    assert "Đã thêm 1 trang" in r.stdout and "trang 1:" in r.stdout and "Đã lập 1 mục sổ từ 1 trang" in r.stdout
    r = sohoa("book", "scan", "khai_sinh/1999/01", "--profile", "so2", cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    assert "trang 2:" in r.stdout and "Không thấy thiếu hay trùng trang" in r.stdout
    r = sohoa("book", "show", "khai_sinh/1999/01", "--entries", cwd=tmp_path, env=env)
    assert "2 trang, 2 mục" in r.stdout and "Nguyễn Văn An" in r.stdout and "Trần Văn Bình" in r.stdout
    r = sohoa("book", "scan", "khai_sinh/1999/01", "--profile", "khong-co", cwd=tmp_path, env=env)
    assert r.returncode == 2 and "khong-co" in r.stderr
