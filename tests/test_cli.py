"""The command line as a clerk or the benchmark uses it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.pages import name_page, save, turn

ROOT = Path(__file__).resolve().parent.parent


def sohoa(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    e.update({"SOHOA_DATA_DIR": str(cwd / "data"), "SOHOA_WORKERS": "2", "COLUMNS": "200"})
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "sohoa.cli", *args], cwd=cwd, env=e, capture_output=True, text=True, timeout=timeout
    )


def test_process_writes_one_prediction_json_per_page(tmp_path: Path) -> None:
    src = tmp_path / "in"
    save(name_page("Nguyễn Thị Lan"), src / "single.png")
    pages = [name_page("Trần Văn Một"), turn(name_page("Trần Văn Hai"), 0)]
    pages[0].save(src / "two.pdf", save_all=True, append_images=pages[1:], resolution=150)
    (src / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0garbage")
    out = sohoa("process", str(src), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    produced = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert produced == [
        "broken.error.json",
        "single.json",
        "single.pdf",
        "two-p0001.json",
        "two-p0001.pdf",
        "two-p0002.json",
        "two-p0002.pdf",
    ]
    pred = json.loads((tmp_path / "out" / "single.json").read_text("utf-8"))
    assert {"text", "rotation", "skew_deg", "blank"} <= pred.keys()
    assert "Nguyễn Thị Lan" in pred["text"] and pred["blank"] is False and pred["rotation"] == 0
    err = json.loads((tmp_path / "out" / "broken.error.json").read_text("utf-8"))
    assert err["error"] in ("truncated", "corrupt_image")


def test_import_process_status_search(tmp_path: Path) -> None:
    folder = tmp_path / "old-scans"
    save(name_page("Đặng Thị Hồng Nhung"), folder / "a.png")
    save(name_page("Bùi Văn Toàn"), folder / "nested" / "b.jpg", quality=85)
    (folder / "readme.txt").write_text("không phải ảnh", encoding="utf-8")
    imp = sohoa("import", str(folder), "--process", cwd=tmp_path)
    assert imp.returncode == 0, imp.stderr
    assert "mới: 2" in imp.stdout and "cách ly: 1" in imp.stdout
    assert (folder / "a.png").exists()  # import copies unless --move
    st = sohoa("status", cwd=tmp_path)
    assert "xong: 2" in st.stdout and "readme.txt" in st.stdout and "Không phải tệp ảnh" in st.stdout
    found = sohoa("search", "dang thi hong nhung", cwd=tmp_path)
    assert found.returncode == 0 and "a.png" in found.stdout and "b.jpg" not in found.stdout
    none = sohoa("search", "không có ai tên này", cwd=tmp_path)
    assert none.returncode == 1 and "Không tìm thấy" in none.stdout


def test_run_once_with_samples_tells_where_to_drop_and_look(tmp_path: Path) -> None:
    out = sohoa("run", "--samples", "--once", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert str(tmp_path / "data" / "inbox") in out.stdout
    assert "sohoa search" in out.stdout
    found = sohoa("search", "nguyen van an", cwd=tmp_path)
    assert "mau-to-khai-khai-sinh.jpg" in found.stdout
    # The samples are dropped once only.
    again = sohoa("run", "--samples", "--once", cwd=tmp_path)
    assert "ảnh quét mẫu" not in again.stdout
