"""Rows and cells of handwritten ledger pages from the image alone (``ocr.ledgerrows.find_rows``),
on pages drawn by ``bench.ledgergen`` (Dancing Script entries, rules faint / broken / hand-drawn /
absent, skew, scan noise), and the cells kept with the entry in the database.

What each rule guarantees:
- every entry ruled apart by faint, broken or hand-drawn rules is one row, its band overlapping
  the truth row at least 50 %, none too many (the header and the markers' row are not entries);
- each cell's box overlaps the truth cell at least 50 %, also on a skewed page with wavy rules;
- an empty ruled row at the foot of the page is not an entry;
- handwriting alone never makes a rule; without rules between the entries, rows come from line
  spacing, and a value wrapped onto a second line stays in its entry;
- a page with no ledger gives no rows;
- the reader hands each row's cells on by column, and digitising keeps them under the vocabulary
  keys with the entry's region.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from bench.ledgergen import Family, LedgerTruth, family, ledger_page
from bench.ledgerrows import box_iou, match, span_iou
from indexer import jobs, results
from indexer.fields import DocumentReading
from indexer.registers import digitise
from indexer.registers.books import create_book
from indexer.registers.entries import book_entries, get_entry
from ocr.ledgerrows import LedgerRows, find_rows
from ocr.types import PageResult
from sohoa import bookfiles
from sohoa.app import App
from tests.registerpages import ledger_page as printed_ledger_page
from tests.registers_util import make_app, output
from tests.test_registers_ledger import ROWS


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    yield from make_app(request, tmp_path)


def _found(page: LedgerTruth) -> LedgerRows:
    return find_rows(np.asarray(page.image), page.dpi)


def _assert_rows(page: LedgerTruth, rows: LedgerRows) -> None:
    found = [rows.span(b) for b in rows.entries]
    hits = match(page.rows, found)
    assert None not in hits, f"{page.family}: truth rows {page.rows}, found {found}"
    assert len(found) == len(page.rows)
    for t, h in zip(page.rows, hits):
        assert h is not None and span_iou(t, found[h]) >= 0.5


@pytest.mark.parametrize(
    "name", ["faint-ks", "broken-ks", "hand-ks", "clean-ks", "faint-kt", "broken-kh", "ghost-ks", "broken-ks-dense"]
)
def test_every_ruled_entry_is_one_row(name: str) -> None:
    for i in range(2):
        page = ledger_page(family(name), i)
        rows = _found(page)
        assert rows.method == "rules"
        _assert_rows(page, rows)
        assert len(rows.header) >= 1  # the printed header is never an entry


@pytest.mark.parametrize("name", ["hand-kh", "faint-kh-noisy"])
def test_cells_follow_skewed_and_wavy_rules(name: str) -> None:
    fam = family(name)
    for i in range(2):
        page = ledger_page(fam, i)
        rows = _found(page)
        _assert_rows(page, rows)
        hits = match(page.rows, [rows.span(b) for b in rows.entries])
        for truth, h in zip(page.cells, hits):
            assert h is not None
            cells = rows.cells(rows.entries[h])
            assert len(cells) == len(truth)
            for t, c in zip(truth, cells):
                assert box_iou(t, c) >= 0.5, (t, c)


def test_an_empty_ruled_row_at_the_foot_is_not_an_entry() -> None:
    fam = family("broken-ks-dense")  # up to four ruled rows left empty
    seen_empty = False
    for i in range(6):
        page = ledger_page(fam, i)
        rows = _found(page)
        _assert_rows(page, rows)
        empty = [b for b in rows.bands if not b.inked]
        if empty:
            seen_empty = True
            assert all(rows.span(e)[0] >= rows.span(rows.entries[-1])[1] - 2 for e in empty)
    assert seen_empty  # the family does leave rows empty


def test_without_rules_rows_come_from_line_spacing() -> None:
    wrapped = 0
    for name in ("absent-ks", "absent-kt"):
        for i in range(3):
            page = ledger_page(family(name), i)
            rows = _found(page)
            assert rows.method == "lines"
            _assert_rows(page, rows)
            pitch = np.median([b - a for a, b in page.rows])
            wrapped += sum(1 for a, b in page.rows if b - a > 1.4 * pitch)
            # handwriting alone never makes a rule: only the printed header's (and the foot's) are found
            ys = [r.at(rows.xc) for r in rows.hrules]
            body = [y for y in ys if page.rows[0][0] + 10 < y < page.rows[-1][1] - 10]
            assert body == []
    assert wrapped  # some entries took two lines and still were one row each


def test_a_page_with_no_ledger_gives_no_rows() -> None:
    blank = np.full((1654, 2339), 245, np.uint8)
    assert find_rows(blank, 200).entries == []
    im = Image.new("L", (2339, 1654), 250)
    d = ImageDraw.Draw(im)
    for k in range(20):  # a letter: lines of text, no table
        d.text((200, 200 + 60 * k), "Kính gửi Ủy ban nhân dân xã về việc đăng ký khai sinh " * 2, fill=20)
    got = find_rows(np.asarray(im), 200)
    assert got.method == "none" and got.entries == []


def test_an_unknown_family_name_is_refused() -> None:
    with pytest.raises(StopIteration):
        family("nope")
    assert isinstance(family("faint-ks"), Family)


def test_the_reader_keeps_each_row_s_cells_by_column(tmp_path: Path) -> None:
    """Through the real OCR: a printed ledger page's entries carry their cells, and each value's
    words lie in the cell of its column."""
    from ocr.pipeline import OcrOptions
    from ocr.types import PageSource
    from sohoa.tasks import PageTask, run_page_task

    rows = ROWS[:2]
    path = tmp_path / "trang-001.png"
    printed_ledger_page(rows).save(path, dpi=(200, 200))
    outcome = run_page_task(PageTask(PageSource(path, "image/png", 0), OcrOptions()))
    assert outcome.reading is not None
    # the reading types its entries as text; a ledger entry also carries its region and cells
    got: list[dict[str, Any]] = list(outcome.reading.register_entries)
    assert [e["so"] for e in got] == ["180", "181"]
    words = outcome.result.words
    for e in got:
        cells = e["cells"]
        _x, y, _w, h = e["region"]
        assert set(cells) >= {"so", "child_name", "mother_name", "father_name"}
        lefts = [c[0] for c in cells.values()]
        assert lefts == sorted(lefts)
        for _cx, cy, _cw, ch in cells.values():
            assert y - 2 <= cy and cy + ch <= y + h + 2  # a cell lies in its row
        sx, sy, sw, sh = cells["child_name"]
        inside = [
            wd.text for wd in words if sx <= wd.left + wd.width / 2 < sx + sw and sy <= wd.top + wd.height / 2 < sy + sh
        ]
        assert " ".join(inside).split()[-1] == e["child_name"].split()[-1]


def test_digitising_keeps_the_cells_under_the_vocabulary_keys(any_app: App, tmp_path: Path) -> None:
    book = create_book(any_app.db, "khai_sinh", 1999, "05", layout="ledger")
    src = tmp_path / "q"
    src.mkdir()
    printed_ledger_page([dict(so="1", child_name="X")]).save(src / "p1.png", dpi=(100, 100))
    bookfiles.add_files(any_app, book.id, [src])
    for job in jobs.claim(any_app.db, "host:1", limit=10):
        r = DocumentReading("so_dang_ky_khai_sinh_trang", 1.0)
        entries: list[dict[str, Any]] = [
            {
                "so": "7",
                "child_name": "Nguyễn Văn An",
                "region": [10, 100, 900, 48],
                "cells": {"so": [10, 100, 40, 48], "child_name": [200, 100, 150, 48], "bogus": [1, 2, 3, 4]},
            },
            {"so": "8", "child_name": "Trần Thị Bình", "region": [10, 150, 900, 48]},
            {"so": "", "child_name": "", "region": [10, 200, 900, 48], "cells": {"so": [10, 200, 40, 48]}},
            {"so": "", "child_name": ""},  # nothing read, nowhere on the page: not an entry
        ]
        r.register_entries = entries
        assert results.complete(any_app.db, job, "host:1", output(r))
    digitise.build_entries(any_app.db, book.id)
    first, second, unread = book_entries(any_app.db, book.id)
    got = get_entry(any_app.db, first.id).regions
    assert got[0].kind == "row" and got[0].box == (10, 100, 900, 48)
    assert got[0].cells == {"so": (10, 100, 40, 48), "nksHoTen": (200, 100, 150, 48)}
    assert get_entry(any_app.db, second.id).regions[0].cells == {}  # a row read without cells
    # a row whose writing the OCR could not read is an entry all the same, to be keyed from the paper
    got_unread = get_entry(any_app.db, unread.id)
    assert got_unread.so is None and got_unread.name == "" and "cần nhập từ sổ giấy" in got_unread.notes
    assert got_unread.regions[0].box == (10, 200, 900, 48) and got_unread.regions[0].cells == {"so": (10, 200, 40, 48)}
    rep = digitise.book_report(any_app.db, book.id)
    assert rep.entries == 3 and any("không rõ vị trí" in p for p in rep.problems)


def _worker_rows(
    page: LedgerTruth, tmp_path: Path, doc_type: str = "so_dang_ky_khai_sinh_trang"
) -> tuple[PageResult, list[dict[str, Any]]]:
    """A ledger page (khai sinh by default) through the real OCR worker: its result and the reading's entries,
    asserted one per truth row, each entry's region on its row (the worker deskews about the
    page's centre, where the truth bands are measured)."""
    from ocr.pipeline import OcrOptions
    from ocr.types import PageSource
    from sohoa.tasks import PageTask, run_page_task

    path = tmp_path / "trang-001.png"
    page.image.save(path, dpi=(page.dpi, page.dpi))
    outcome = run_page_task(PageTask(PageSource(path, "image/png", 0), OcrOptions()))
    assert outcome.reading is not None and outcome.reading.doc_type == doc_type
    got: list[dict[str, Any]] = list(outcome.reading.register_entries)
    spans = [(e["region"][1], e["region"][1] + e["region"][3]) for e in got]
    hits = match(page.rows, spans)
    assert len(got) == len(page.rows) and None not in hits, (spans, page.rows)
    return outcome.result, got


@pytest.mark.parametrize(
    ("name", "index"), [("faint-ks", 0), ("absent-ks", 0), ("cross-ks", 1), ("worn-ks", 1), ("worn-ks", 3)]
)
def test_the_ocr_worker_gives_one_entry_per_handwritten_row(name: str, index: int, tmp_path: Path) -> None:
    """Through the real worker (Tesseract reads handwriting poorly; the rows must still be right):
    every entry of a handwritten page is one entry of the reading, its region on the truth row, its
    cells one per column of the book. cross-ks#1 has empty ruled rows whose specks the OCR reads
    as text (never an entry); worn-ks#1 has column rules worn into pieces (still every column);
    on worn-ks#3 the OCR reads nothing of one row (still an entry, to be keyed)."""
    page = ledger_page(family(name), index)
    got = _worker_rows(page, tmp_path)[1]
    for e in got:
        assert len(e["cells"]) == len(page.headers)


@pytest.mark.parametrize("name", ["faint-ks", "absent-ks"])
def test_the_scanner_s_dark_edges_make_no_rows(name: str) -> None:
    page = ledger_page(family(name), 1)
    gray = np.asarray(page.image).copy()
    gray[-40:, :] = 20  # the lid's shadow along the foot
    gray[:25, :] = 30
    gray[:, :30] = 25
    gray[:, -60:-50] = 60  # the facing page's edge
    rows = find_rows(gray, page.dpi)
    _assert_rows(page, rows)


@pytest.mark.parametrize(("name", "index"), [("absent-kt10-hi", 0), ("absent-kt10-hi", 1), ("absent-kh8", 0)])
def test_unruled_entries_are_found_down_to_the_page_s_foot(name: str, index: int) -> None:
    """Without rules between the entries, the writing under the header is read down to the page's
    foot margin: a page the entries fill to the bottom keeps its last entries (the band looked at
    once stopped at 60 % of the page below the header, and the entries under it were lost)."""
    page = ledger_page(family(name), index)
    rows = _found(page)
    assert rows.method == "lines"
    below_header = page.rows[0][0]
    assert page.rows[-1][1] > below_header + 0.6 * (page.image.height - below_header)  # the page is full
    _assert_rows(page, rows)


@pytest.mark.parametrize("index", [3, 4])
def test_an_entry_s_number_is_looked_for_where_its_line_runs_on_a_turned_page(index: int) -> None:
    """Unruled entries, ruled columns, a page turned by up to a degree: whether a text line starts
    an entry is judged by the ink of the number column where that line crosses it (the line's
    height at the table's centre, moved by the page's slope), not at the centre's height, which
    on the left edge of a turned page is a line's height away and saw the number of the line
    above in a wrapped value's second line."""
    page = ledger_page(family("absent-kt10-cols"), index)
    rows = _found(page)
    assert rows.method == "lines"
    _assert_rows(page, rows)


def test_the_grid_is_found_at_the_file_s_resolution_not_the_handwriting_s() -> None:
    from ocr.ledgergrid import grid_dpi

    assert grid_dpi(400, "measured", 200) == 200  # the text ruler overruled the tag: handwriting
    assert grid_dpi(300, "tag", 300) == 300
    assert grid_dpi(300, "measured", 72) == 300  # a screen default says nothing of the scan
    assert grid_dpi(250, "measured", None) == 250


@pytest.mark.parametrize(("name", "index"), [("worn-ks", 7), ("cross-ks", 7)])
def test_the_ocr_worker_finds_the_rows_of_a_page_its_text_ruler_misjudged(
    name: str, index: int, tmp_path: Path
) -> None:
    """Through the real worker: the OCR stage reads these 200-dpi pages' resolution off the
    handwriting's size (for printed type: 400 dpi). The grid is found at the file's 200 dpi
    (``ocr.ledgergrid.grid_dpi``); at 400 every millimetre of the row finder was twice too long,
    and the first entry lost its upper half to the header (worn-ks#7) or an empty ruled row at
    the foot became an entry (cross-ks#7)."""
    page = ledger_page(family(name), index)
    result = _worker_rows(page, tmp_path)[0]
    assert result.dpi_source == "measured" and result.dpi > 1.8 * page.dpi  # the scale the text ruler gave


@pytest.mark.parametrize(("name", "index"), [("worn-kt10-100", 1), ("worn-kt10-100", 2), ("faint-kh8-lowres", 1)])
def test_a_row_cut_by_a_false_rule_is_made_whole(name: str, index: int) -> None:
    """At 100 dpi (JPEG, worn or faint rules) a line of writing blurs into a long dark run and is
    taken for a worn rule inside a row: the sliver it leaves (under 0.45 of the usual row) is
    joined to the neighbour that makes a row of the usual height, not counted as an entry."""
    page = ledger_page(family(name), index)
    rows = _found(page)
    _assert_rows(page, rows)


def test_a_column_rule_seen_twice_is_one_column(tmp_path: Path) -> None:
    """Through the real worker, a 100-dpi JPEG khai tử page: on the deskewed page one worn column
    rule is followed as two, 2.3 mm apart; no ledger column is that narrow (3 mm is the least), so
    they are one rule, the grid has the catalogue's ten columns and every row is an entry with its
    cells (with eleven columns the reader found no grid that fitted and lost the page's regions)."""
    page = ledger_page(family("worn-kt10-100"), 6)
    got = _worker_rows(page, tmp_path, "so_dang_ky_khai_tu_trang")[1]
    assert all(len(e["cells"]) == len(page.headers) for e in got)
