"""``sohoa search`` prints people and pages; a document's fields feed the name index; one search
box returns people and pages together (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from config import Settings
from indexer import jobs, results
from indexer.people import PersonRecord, find_people, index_document_people, search_all
from indexer.people.index import add_people
from indexer.results import PageOutput
from sohoa.app import App
from tests.pages import name_page, save
from tests.test_cli import sohoa


def _people(app: App) -> None:
    with app.db.write() as s:
        add_people(
            s,
            [
                PersonRecord(
                    "Nguyễn Văn An",
                    "child",
                    "register_entry",
                    1,
                    birth="1990-07-02",
                    mother_name="Lê Thị Hoa",
                    father_name="Nguyễn Văn Ba",
                    register_type="khai_sinh",
                    reg_year=1990,
                    commune="Cát Thành",
                ),
                PersonRecord(
                    "Nguyễn Văn An",
                    "child",
                    "register_entry",
                    2,
                    birth=1985,
                    mother_name="Trần Thị Lan",
                    register_type="khai_sinh",
                    reg_year=1985,
                    commune="Cát Hải",
                ),
                PersonRecord(
                    "Trần Thị Thuỷ", "bride", "register_entry", 3, birth=1978, register_type="ket_hon", reg_year=2000
                ),
            ],
        )


def test_cli_prints_a_table_of_people(tmp_path: Path) -> None:
    app = App(Settings(data_dir=tmp_path / "data", workers=1))
    _people(app)
    app.close()
    out = sohoa("search", "nguyen van an", "--born", "1990", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Người: 1" in out.stdout
    row = next(line for line in out.stdout.splitlines() if "Nguyễn Văn An" in line)
    for cell in (
        "02/07/1990",
        "Lê Thị Hoa",
        "Nguyễn Văn Ba",
        "khai sinh",
        "1990",
        "Cát Thành",
        "khớp không dấu",
        "mục sổ 1",
    ):
        assert cell in row, (cell, row)
    both = sohoa("search", "Nguyễn Văn An", cwd=tmp_path)
    assert "Người: 2" in both.stdout and both.stdout.count("khớp đúng cả dấu") == 2
    by_mother = sohoa("search", "nguyen van an", "--mother", "tran thi lan", cwd=tmp_path)
    assert "Người: 1" in by_mother.stdout and "Cát Hải" in by_mother.stdout and "đúng mẹ" in by_mother.stdout
    by_type = sohoa("search", "tran thi thuy", "--type", "ket-hon", "--year", "2000", cwd=tmp_path)
    assert "Trần Thị Thuỷ" in by_type.stdout and "kết hôn" in by_type.stdout and "bên nữ" in by_type.stdout
    ocr = sohoa("search", "Nguen Vn An", cwd=tmp_path)
    assert "gần đúng (lỗi OCR)" in ocr.stdout
    none = sohoa("search", "Phạm Văn Không", "--commune", "Cát Thành", cwd=tmp_path)
    assert none.returncode == 1 and "Không tìm thấy" in none.stdout
    wrong_type = sohoa("search", "tran thi thuy", "--type", "khai-tu", cwd=tmp_path)
    assert wrong_type.returncode == 1


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    a = App(Settings(data_dir=tmp_path / "data", database_url=url, workers=1))
    a.settings.ensure_dirs()
    yield a
    a.close()


def _page(app: App, name: str, text_: str) -> tuple[int, int]:
    save(name_page(name), app.settings.inbox_dir / f"{name}.png")
    app.intake.take(app.settings.inbox_dir / f"{name}.png", source="import", remove=True)
    [job] = jobs.claim(app.db, "host:1", limit=1)
    out = PageOutput(
        text=text_,
        words=[],
        mean_conf=90.0,
        rotation=0,
        skew_deg=0.0,
        blank=False,
        width=100,
        height=100,
        dpi=150,
        engine="test",
    )
    assert results.complete(app.db, job, "host:1", out)
    return job.document_id, job.page_id


def test_search_all_returns_people_and_pages(any_app: App) -> None:
    _people(any_app)
    doc, page = _page(any_app, "ks", "GIẤY KHAI SINH\nHọ, chữ đệm, tên: NGUYỄN VĂN AN\nNgày sinh: 02/7/1990")
    res = search_all(any_app.db, "Nguyễn Văn An")
    assert sorted(h.source_id for h in res.people) == [1, 2]
    assert [h.document_id for h in res.pages] == [doc] and res.pages[0].tier == 0
    res = search_all(any_app.db, "nguyen van an 1990")
    assert [h.source_id for h in res.people] == [1]
    assert [h.page_id for h in res.pages] == [page]  # the date is page text too


def test_page_search_falls_back_to_any_word_only_when_nothing_else_matches(any_app: App) -> None:
    from indexer.search import search

    _, an = _page(any_app, "an", "Họ, chữ đệm, tên: NGUYỄN VĂN AN")
    _, _lanh = _page(any_app, "lanh", "Họ, chữ đệm, tên: TRẦN VĂN LANH")
    # No page has every word of "Nguyễn Văn Bình": the near one comes back, as a near miss
    # (Lanh's page shares only "văn" and is too far).
    hits = search(any_app.db, "Nguyễn Văn Bình")
    assert [(h.page_id, h.tier) for h in hits] == [(an, 3)]
    # A page has every word: the any-word fallback is not asked, so Lanh's page ("văn" only) stays out.
    assert [h.page_id for h in search(any_app.db, "van an")] == [an]
    assert search(any_app.db, "Phạm Bình") == []  # nothing near: still nothing


def test_document_fields_feed_the_name_index(any_app: App) -> None:
    doc, page = _page(any_app, "gks", "GIẤY KHAI SINH")
    fields = {
        "child_name": ("NGUYỄN THỊ MỸ HOÀ", None),
        "child_birth_date": ("02/7/2019", "2019-07-02"),
        "mother_name": ("Lê Thị Hoa", None),
        "mother_birth_year": ("1990", "1990"),
        "father_name": ("Nguyễn Văn Ba", None),
        "registration_date": ("05/7/2019", "2019-07-05"),
        "registration_place": ("UBND xã Cát Thành", None),
        "signer": ("Trần Văn Ký", None),
    }
    with any_app.db.write() as s:
        for fid, (value, norm) in fields.items():
            s.execute(
                text(
                    "INSERT INTO fields (document_id, page_id, doc_type, field_id, label, section, raw_value, value, "
                    "normalized, confidence, needs_review, review_reasons, boxes, created_at) VALUES (:d, :p, "
                    "'giay_khai_sinh', :f, '', '', :v, :v, :n, 0.9, :r, '[]', '[]', CURRENT_TIMESTAMP)"
                ),
                {"d": doc, "p": page, "f": fid, "v": value, "n": norm, "r": False},
            )
        assert index_document_people(s, doc) == 3  # child, mother, father; not the official who signed
    [child] = find_people(any_app.db, "nguyen thi my hoa 2019")
    assert (child.role, child.document_id, child.page_id) == ("child", doc, page)
    assert (child.mother_name, child.father_name, child.register_type, child.reg_year) == (
        "Lê Thị Hoa",
        "Nguyễn Văn Ba",
        "khai_sinh",
        2019,
    )
    [mother] = find_people(any_app.db, "Lê Thị Hoa", born=1990)
    assert mother.role == "mother" and mother.document_id == doc
    assert find_people(any_app.db, "Trần Văn Ký") == []
    # A clerk confirms a corrected name: indexing again replaces the document's people.
    with any_app.db.write() as s:
        s.execute(text("UPDATE fields SET confirmed_value = 'Nguyễn Thị Mỹ Hòa Bình' WHERE field_id = 'child_name'"))
        assert index_document_people(s, doc) == 3
    assert [h.name for h in find_people(any_app.db, "Nguyễn Thị Mỹ Hòa Bình")][:1] == ["Nguyễn Thị Mỹ Hòa Bình"]
    assert [h.tier for h in find_people(any_app.db, "NGUYỄN THỊ MỸ HOÀ") if h.document_id == doc] != [0]


def test_register_page_entries_feed_the_name_index(any_app: App) -> None:
    doc, page = _page(any_app, "so", "SỔ ĐĂNG KÝ KHAI SINH")
    entries = [
        {
            "so": "12",
            "registration_date": "15/01/1990",
            "child_name": "Phạm Văn Tám",
            "child_birth_date": "01/01/1990",
            "mother_name": "Đỗ Thị Chín",
            "father_name": "Phạm Văn Mười",
        }
    ]
    with any_app.db.write() as s:
        s.execute(
            text("UPDATE pages SET doc_type = 'so_dang_ky_khai_sinh_trang', register_entries = :e WHERE id = :p"),
            {"e": __import__("json").dumps(entries), "p": page},
        )
        assert index_document_people(s, doc) == 3
    [h] = find_people(any_app.db, "pham van tam", born=1990)
    assert (h.role, h.page_id, h.mother_name, h.reg_year) == ("child", page, "Đỗ Thị Chín", 1990)


def test_a_page_read_with_fields_is_findable_by_name_at_once(any_app: App) -> None:
    from indexer.fields.reading import DocumentReading, FieldReading

    reading = DocumentReading(
        "to_khai_dang_ky_khai_tu",
        fields={
            "deceased_name": FieldReading("deceased_name", "VÕ VĂN KIỆT", "VÕ VĂN KIỆT"),
            "deceased_birth_date": FieldReading(
                "deceased_birth_date", "23/11/1922", "23/11/1922", normalized="1922-11-23"
            ),
            "requester_name": FieldReading("requester_name", "Phan Văn Khải", "Phan Văn Khải"),
        },
    )
    save(name_page("Võ Văn Kiệt"), any_app.settings.inbox_dir / "kt.png")
    any_app.intake.take(any_app.settings.inbox_dir / "kt.png", source="import", remove=True)
    [job] = jobs.claim(any_app.db, "host:1", limit=1)
    out = PageOutput(
        text="TỜ KHAI ĐĂNG KÝ KHAI TỬ",
        words=[],
        mean_conf=90.0,
        rotation=0,
        skew_deg=0.0,
        blank=False,
        width=100,
        height=100,
        dpi=150,
        engine="test",
        reading=reading,
    )
    assert results.complete(any_app.db, job, "host:1", out)
    [h] = find_people(any_app.db, "vu van kiet")  # Vũ/Võ, no diacritics
    assert (h.role, h.document_id, h.page_id, h.birth_year, h.register_type) == (
        "deceased",
        job.document_id,
        job.page_id,
        1922,
        "khai_tu",
    )
    assert find_people(any_app.db, "Phan Văn Khải")[0].role == "requester"
