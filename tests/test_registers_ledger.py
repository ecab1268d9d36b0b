"""Columnar ledger pages through the real OCR: the ruled grid found with OpenCV, one entry per row
with its row's region, a cell read again from its own image when the page's words miss it, and
the word-based reader when there is no grid."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from indexer.fields.catalogue import load
from indexer.registers.ledger import read_grid, read_ledger, refine_reading
from ocr.engine import make_engine
from ocr.ledgergrid import LedgerImage, find_grid
from ocr.load import load_page
from ocr.pipeline import OcrOptions, ocr_page, upright
from ocr.types import PageSource
from sohoa.samples import tilt
from sohoa.tasks import PageTask, read_page, run_page_task
from tests.fakeengine import WordsEngine
from tests.registerpages import ledger_page

ROWS = [
    dict(
        so="180",
        registration_date="04/05/1999",
        child_name="Nguyễn Văn Trường",
        child_birth_date="22/03/1999",
        child_sex="Nam",
        child_birth_place="Bệnh viện huyện Vũ Thư",
        mother_name="Lương Thị Ngọc Trâm",
        father_name="Nguyễn Văn Trung",
    ),
    dict(
        so="181",
        registration_date="07/05/1999",
        child_name="Trần Thị Thủy",
        child_birth_date="13/04/1998",
        child_sex="Nữ",
        child_birth_place="Xã Yên Lạc, huyện Thái Thụy",
        mother_name="Lê Thị Gấm",
        father_name="Trần Quang Quyết",
    ),
    dict(
        so="182",
        registration_date="10/05/1999",
        child_name="Đặng Hữu Phước",
        child_birth_date="12/06/1998",
        child_sex="Nam",
        child_birth_place="Trạm Y tế xã Long Hiệp",
        mother_name="Phạm Ngọc Bảo Tâm",
        father_name="",
    ),
]
DT = load().get("so_dang_ky_khai_sinh_trang")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    path = tmp_path_factory.mktemp("ledger") / "trang-007.png"
    tilt(ledger_page(ROWS), 1.2).save(path, dpi=(200, 200))
    return path, run_page_task(PageTask(PageSource(path, "image/png", 0), OcrOptions()))


def test_a_ledger_page_gives_one_entry_per_row_with_its_region(page: tuple[Path, object]) -> None:
    _, outcome = page
    reading = outcome.reading  # type: ignore[attr-defined]
    assert reading.doc_type == "so_dang_ky_khai_sinh_trang"
    got = reading.register_entries
    assert [e["so"] for e in got] == ["180", "181", "182"]
    assert [e["child_name"] for e in got] == [r["child_name"] for r in ROWS]
    assert [e["mother_name"] for e in got] == [r["mother_name"] for r in ROWS]
    assert got[0]["child_birth_date"] == "22/03/1999" and got[1]["child_sex"] == "Nữ" and got[2]["father_name"] == ""
    regions = [e["region"] for e in got]
    tops = [r[1] for r in regions]
    assert tops == sorted(tops)
    for a, b in zip(regions, regions[1:]):
        assert a[1] + a[3] <= b[1] + 3  # rows do not overlap
    dpi = outcome.result.dpi  # type: ignore[attr-defined]
    for r in regions:
        assert 0.8 * 44 / 72 * dpi <= r[3] <= 1.3 * 44 / 72 * dpi  # a drawn row is 44 pt tall
        assert r[2] > 0.8 * outcome.result.width  # type: ignore[attr-defined]


def test_a_cell_the_words_missed_is_read_from_its_own_image(page: tuple[Path, object]) -> None:
    path, outcome = page
    result = outcome.result  # type: ignore[attr-defined]
    gray = upright(load_page(PageSource(path, "image/png", 0)).gray, result.rotation, result.skew_deg)
    grid = find_grid(gray, result.dpi)
    assert grid is not None and len(grid.rows) >= 5  # header, markers, three rows
    # Drop the words of the second row's child name, as if Tesseract had missed them.
    first = read_grid(LedgerImage(gray, result.dpi), result.words, DT)
    assert first is not None
    x, y, w, h = first.rows[1].region
    lost = [
        wd
        for wd in result.words
        if not (y <= wd.top + wd.height / 2 < y + h and wd.text in ("Trần", "Thị", "Thủy") and wd.left < x + 0.45 * w)
    ]
    assert len(lost) < len(result.words)
    without = read_grid(LedgerImage(gray, result.dpi), lost, DT)
    assert without is not None and without.rows[1].values["child_name"] == ""
    again = read_ledger(LedgerImage(gray, result.dpi, make_engine("tesserocr", "vie")), lost, DT)
    assert again.method == "grid"
    assert again.rows[1].values["child_name"] == "Trần Thị Thủy" and "child_name" in again.rows[1].reread


def test_a_date_that_is_no_day_of_the_calendar_is_read_again(page: tuple[Path, object]) -> None:
    path, outcome = page
    result = outcome.result  # type: ignore[attr-defined]
    gray = upright(load_page(PageSource(path, "image/png", 0)).gray, result.rotation, result.skew_deg)
    # Tesseract lost a slash in one birth date and read 0 as 9 in another.
    bad = {"13/04/1998": "13/041998", "12/06/1998": "12/96/1998"}
    damaged = [replace(w, text=bad.get(w.text, w.text)) for w in result.words]
    assert sum(w.text in bad.values() for w in damaged) == 2
    without = read_grid(LedgerImage(gray, result.dpi), damaged, DT)
    assert without is not None and [r.values["child_birth_date"] for r in without.rows[1:]] == list(bad.values())
    again = read_ledger(LedgerImage(gray, result.dpi, make_engine("tesserocr", "vie")), damaged, DT)
    assert [r.values["child_birth_date"] for r in again.rows] == ["22/03/1999", "13/04/1998", "12/06/1998"]
    assert "child_birth_date" in again.rows[1].reread and "child_birth_date" not in again.rows[0].reread


def test_without_a_grid_the_words_give_the_entries(page: tuple[Path, object]) -> None:
    _, outcome = page
    result = outcome.result  # type: ignore[attr-defined]
    blank = np.full((result.height, result.width), 255, np.uint8)  # an image without rules
    got = read_ledger(LedgerImage(blank, result.dpi), result.words, DT, width=result.width, height=result.height)
    assert got.method == "words"
    assert [r.values["child_name"] for r in got.rows] == [r["child_name"] for r in ROWS]
    assert all(r.region[3] > 0 for r in got.rows)
    assert read_ledger(None, [], DT).rows == []


def test_find_grid_needs_rules() -> None:
    arr = np.array(ledger_page(ROWS[:1]))
    assert find_grid(arr, 200) is not None
    assert find_grid(np.full_like(arr, 255), 200) is None


def test_the_grid_is_read_on_the_page_the_ocr_stage_loaded(page: tuple[Path, object], tmp_path: Path) -> None:
    """The ledger step takes the page the OCR stage had: with the file gone after OCR, the entries
    still come from the grid. Words replayed from the real run (no second Tesseract reading)."""
    path, outcome = page
    recorded = outcome.result  # type: ignore[attr-defined]
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    engine = WordsEngine(list(recorded.words), width=recorded.width)
    done = ocr_page(PageSource(copy, "image/png", 0), OcrOptions(thumbnail=False), engine)
    assert (done.result.rotation, done.result.width) == (recorded.rotation, recorded.width)
    reading = read_page(done.result)
    assert reading is not None and reading.doc_type == DT.id
    copy.unlink()  # nothing after the OCR stage may load the page again
    assert refine_reading(done, reading, engine)
    got = reading.register_entries
    assert [e["child_name"] for e in got] == [r["child_name"] for r in ROWS]
    assert all(len(e["region"]) == 4 for e in got)  # type: ignore[arg-type]
