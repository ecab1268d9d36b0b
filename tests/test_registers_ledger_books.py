"""The death (khai tử) and marriage (kết hôn) ledgers, as the birth ledger: their columns are the
catalogue's (``doc_types.yaml``: ``so_dang_ky_khai_tu_trang``, ``so_dang_ky_ket_hon_trang``), and
everything after takes them from there.

What each rule guarantees:
- every register column of every ledger is one column of the book type's national vocabulary
  (none dropped, none twice), and the generated pages print exactly the catalogue's columns;
- through the real OCR worker (Tesseract), a generated handwritten death or marriage ledger page is
  taken for its book's ledger, every written row is one entry on its truth row, each entry has one
  cell per column of the book type, left to right, and dates land in their own column;
- on the keying screen a death or marriage book shows one input per column (the ledger's printed
  titles), each with its cell on the row image; an entry keyed there with all its columns is saved
  with every value, verified;
- keyed twice, with one difference settled by an arbitrator, the book's XLSX carries those columns
  under their national names, with the settled values, and every keying.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bench.keying import make_book
from bench.ledgergen import COLUMNS, FAMILIES, family, ledger_page
from bench.ledgerrows import match
from indexer import accounts
from indexer.fields.catalogue import load
from indexer.registers.entries import get_entry
from indexer.registers.keying import (
    AGREED,
    ARBITRATED,
    DISAGREED,
    WAITING,
    arbitrate,
    cleaned,
    columns,
    save_keying,
    titles,
)
from indexer.registers.vocabulary import BOOK_TYPES
from sohoa import exports
from sohoa.app import App
from sohoa.web import create_app
from tests.registers_util import make_app
from tests.webdesk import PASSWORD, logged_in

LEDGERS = {
    "khai_sinh": "so_dang_ky_khai_sinh_trang",
    "khai_tu": "so_dang_ky_khai_tu_trang",
    "ket_hon": "so_dang_ky_ket_hon_trang",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    yield from make_app(request, tmp_path)


def test_each_ledger_column_is_one_vocabulary_column() -> None:
    cat = load()
    for book, ledger in LEDGERS.items():
        bt = BOOK_TYPES[book]
        assert bt.ledger_type == ledger
        dt = cat.get(ledger)
        assert dt is not None and dt.register is not None and dt.kind == "register_page" and dt.book == book
        assert dt.id not in bt.doc_types  # a ledger page is the book's own page, not a document filed in it
        keys = [bt.fields.get(c.id) for c in dt.register.columns]
        assert None not in keys, [c.id for c in dt.register.columns if c.id not in bt.fields]
        assert len(set(keys)) == len(keys)
        assert all(bt.key(k) is not None for k in keys if k)
        assert [k.key for k in columns(bt)] == [*keys, "ghiChu"]
        assert [c.title for c in dt.register.columns] == [h for h, _k, _s in COLUMNS[book]]  # what the pages print
        assert len(dt.register.markers) >= len(dt.register.columns)
    death, marriage = BOOK_TYPES["khai_tu"], BOOK_TYPES["ket_hon"]
    assert titles(death)["nktHoTen"] == "Họ, chữ đệm, tên người chết"
    assert titles(death)["nktNgayChet"] == "Ngày, tháng, năm chết" and titles(death)["ghiChu"] == "Ghi chú"
    assert titles(marriage)["voNoiCuTru"] == "Nơi cư trú của vợ"
    assert {f.book for f in FAMILIES if not f.local} == set(LEDGERS)  # every ledger is drawn as the catalogue has it


@pytest.mark.parametrize(("name", "index"), [("hand-kt", 0), ("faint-kt10", 1), ("hand-kh8", 0), ("faint-kh8", 1)])
def test_the_ocr_worker_finds_every_row_of_a_death_or_marriage_ledger(name: str, index: int, tmp_path: Path) -> None:
    from ocr.pipeline import OcrOptions
    from ocr.types import PageSource
    from sohoa.tasks import PageTask, run_page_task

    fam = family(name)
    page = ledger_page(fam, index)
    path = tmp_path / "trang-001.png"
    page.image.save(path, dpi=(page.dpi, page.dpi))
    outcome = run_page_task(PageTask(PageSource(path, "image/png", 0), OcrOptions()))
    assert outcome.reading is not None and outcome.reading.doc_type == LEDGERS[fam.book]
    dt = load().get(LEDGERS[fam.book])
    assert dt is not None and dt.register is not None
    ids = [c.id for c in dt.register.columns]
    got: list[dict[str, Any]] = list(outcome.reading.register_entries)
    spans = [(e["region"][1], e["region"][1] + e["region"][3]) for e in got]
    hits = match(page.rows, spans)
    assert len(got) == len(page.rows) and None not in hits, (spans, page.rows)
    for e in got:
        assert list(e["cells"]) == ids  # one cell per column, in the catalogue's order
        lefts = [c[0] for c in e["cells"].values()]
        assert lefts == sorted(lefts)
    # the handwriting is read poorly, but what is read of a date is in its own column
    dates = [i for i, c in enumerate(ids) if c.endswith("_date")]
    right = sum(e[ids[i]] == truth[i] for e, truth in zip(got, page.values) for i in dates)
    wrong_column = sum(
        e[ids[i]] == truth[j] != truth[i] for e, truth in zip(got, page.values) for i in dates for j in dates if i != j
    )
    assert right >= 3 and wrong_column <= right // 4, (right, wrong_column)


def _inputs(html: str) -> list[str]:
    return re.findall(r'<input id="k-\w+" name="f_(\w+)"', html)


@pytest.mark.parametrize("name", ["hand-kt", "hand-kh8"])
def test_an_entry_is_keyed_on_the_desk_with_all_its_columns(app: App, name: str) -> None:
    book = make_book(app, 1, family=name)
    bt = BOOK_TYPES[family(name).book]
    keys = [k.key for k in columns(bt)]
    (e1, v1), (e2, _) = book.entries[:2]
    assert list(v1) == keys[:-1] and all(v1[k] for k in keys[:2])  # every written column, Ghi chú aside
    accounts.create_user(app.db, "luutru", PASSWORD, "archivist")
    c, csrf = logged_in(create_app(app), "luutru")
    page = c.get(f"/books/{book.book_id}/keying")
    assert page.status_code == 200 and f'data-entry="{e1}"' in page.text
    assert _inputs(page.text) == keys  # one input per column of the book type, in the ledger's order
    for k in keys:
        assert f'for="k-{k}">{titles(bt)[k]}' in page.text  # titled as printed on the ledger
    cells = dict(re.findall(r'data-key="(\w+)"[^>]*data-cell="([\d.,]+)"', page.text))
    assert set(cells) == set(keys) - {"ghiChu"}
    lefts = [float(cells[k].split(",")[0]) for k in keys[:-1]]
    assert lefts == sorted(lefts)

    typed = {**v1, "ghiChu": "nhập thử"}
    r = c.post(
        f"/books/{book.book_id}/keying/{e1}",
        data={**{f"f_{k}": v for k, v in typed.items()}, "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and f'data-entry="{e2}"' in r.text and "Đã lưu số" in r.text
    assert _inputs(r.text) == keys
    e = get_entry(app.db, e1)
    assert e.status == "verified"
    for k, v in typed.items():
        assert e.data.get(k, "") == cleaned(bt, k, v), k
    assert e.name.startswith(v1[bt.name_key])  # the entry is found under its (first) person's name


@pytest.mark.parametrize("name", ["hand-kt", "hand-kh8"])
def test_keyed_twice_arbitrated_and_exported_with_the_ledger_s_columns(any_app: App, name: str, tmp_path: Path) -> None:
    book = make_book(any_app, 1, family=name, double=True)
    bt = BOOK_TYPES[family(name).book]
    keys = [k.key for k in columns(bt)]
    (e1, v1), (e2, v2) = book.entries[:2]
    place = next(k for k in keys if k.endswith("NoiCuTru"))  # Nơi cư trú cuối cùng / Nơi cư trú của vợ
    assert save_keying(any_app.db, book.book_id, e1, v1, actor="an").state == WAITING
    assert save_keying(any_app.db, book.book_id, e1, v1, actor="binh").state == AGREED
    assert save_keying(any_app.db, book.book_id, e2, v2, actor="an").state == WAITING
    other = {**v2, place: v2[place] + " cũ"}
    assert save_keying(any_app.db, book.book_id, e2, other, actor="binh").state == DISAGREED
    assert get_entry(any_app.db, e2).status == "unverified"  # nothing settled on one person's word
    assert arbitrate(any_app.db, book.book_id, e2, v2, actor="chi").state == ARBITRATED

    res = exports.export_book(any_app, book.book_id, tmp_path / "out")
    wb = load_workbook(res.xlsx)
    rows = list(wb["DuLieu"].iter_rows(values_only=True))
    col = {k: i for i, k in enumerate(rows[0])}
    assert set(keys) <= set(col)  # every ledger column under its national name
    by_so = {r[col["so"]]: r for r in rows[1:]}
    for values in (v1, v2):
        row = by_so[values["so"]]
        for k, v in values.items():
            assert (row[col[k]] or "") == cleaned(bt, k, v), k
    keyed = list(wb["NhapLieu"].iter_rows(values_only=True))
    head = {k: i for i, k in enumerate(keyed[0])}
    who = {(r[head["vai_tro"]], r[head["nguoi"]]) for r in keyed[1:]}
    assert who == {("key", "an"), ("key", "binh"), ("arbiter", "chi")}, who
    binh = [json.loads(r[head["gia_tri"]]) for r in keyed[1:] if r[head["nguoi"]] == "binh"]
    assert {"so": v2["so"], place: other[place]}.items() <= next(v for v in binh if v["so"] == v2["so"]).items()


def test_a_loose_death_or_marriage_ledger_page_names_its_people() -> None:
    """A ledger page read outside a book feeds the name index with the people of its rows."""
    from indexer.people.sources import _entry_people

    row = {
        "so": "5",
        "registration_date": "03/01/1996",
        "deceased_name": "Lê Văn Tám",
        "deceased_birth_date": "1913",
        "declarant_name": "Lê Văn Chín",
        "region": [1, 2, 3, 4],
    }
    got = _entry_people(1, 2, "so_dang_ky_khai_tu_trang", row, 0)
    assert [(r.role, r.name, r.birth, r.register_type, r.reg_year) for r in got] == [
        ("deceased", "Lê Văn Tám", "1913", "khai_tu", 1996),
        ("declarant", "Lê Văn Chín", None, "khai_tu", 1996),
    ]
    row = {"so": "9", "wife_name": "Đỗ Thị Mai", "husband_name": "Ngô Văn Tài", "husband_birth_date": "01/03/1970"}
    got = _entry_people(1, 2, "so_dang_ky_ket_hon_trang", row, 0)
    assert [(r.role, r.name, r.birth, r.register_type) for r in got] == [
        ("wife", "Đỗ Thị Mai", None, "ket_hon"),
        ("husband", "Ngô Văn Tài", "01/03/1970", "ket_hon"),
    ]
