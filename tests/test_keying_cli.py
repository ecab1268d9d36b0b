"""``sohoa keying …`` as an archive lead types it, on a real SQLite data folder: a book set to
"nhập hai lần" and back (audited), the entries waiting for an arbitrator with each keyer's value of
each differing column, and each person's agreement rates — the same numbers as the desk's."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from config import Settings
from indexer.models import AuditEntry, RegisterBook
from indexer.registers.keying import DISAGREED, WAITING, arbitrate, save_keying
from indexer.registers.keying_stats import agreement_rates
from sohoa.app import App
from tests.test_cli import sohoa
from tests.test_registers_keying import ROWS, _book


def _double(app: App, book_id: int) -> bool:
    with app.db.read() as s:
        b = s.get(RegisterBook, book_id)
        assert b is not None
        return b.double_keying


def test_keying_commands_set_double_list_disagreements_and_rates(tmp_path: Path) -> None:
    app = App(Settings(data_dir=tmp_path / "data", workers=1))
    try:
        book_id, ids = _book(app, double=False)
    finally:
        app.close()

    r = sohoa("keying", "double", "khai_sinh/1998/01", "--by", "truong-kho", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "nhập hai lần" in r.stdout and "khai_sinh/1998/01" in r.stdout
    r = sohoa("keying", "double", str(book_id), "--by", "truong-kho", cwd=tmp_path)
    assert r.returncode == 0 and "từ trước: không đổi gì" in r.stdout
    r = sohoa("keying", "double", "khai_sinh/1998/09", cwd=tmp_path)
    assert r.returncode == 2 and "Không có sổ khai_sinh/1998/09" in r.stderr

    r = sohoa("keying", "disagreements", str(book_id), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Không có mục nào chờ phân xử" in r.stdout
    r = sohoa("keying", "rates", cwd=tmp_path)
    assert r.returncode == 1 and "Chưa có ai nhập" in r.stdout

    app = App(Settings(data_dir=tmp_path / "data", workers=1))
    try:
        assert _double(app, book_id)
        with app.db.read() as s:
            on = s.scalars(select(AuditEntry).where(AuditEntry.action == "book.double_keying")).all()
        assert [(a.actor, a.detail) for a in on] == [("truong-kho", {"on": True})]  # once: the second changed nothing
        # entry 1: the two keyers agree (the date typed two ways); entry 2: they differ in two columns
        a1 = dict(ROWS[0])
        b1 = {**ROWS[0], "ngayDangKy": "02031998"}
        assert save_keying(app.db, book_id, ids[0], a1, actor="lan").state == WAITING
        save_keying(app.db, book_id, ids[0], b1, actor="minh")
        wrong = {**ROWS[1], "nksHoTen": "Ngô Văn Tai", "meHoTen": "Phan Thị Lai"}
        assert save_keying(app.db, book_id, ids[1], ROWS[1], actor="lan").state == WAITING
        assert save_keying(app.db, book_id, ids[1], wrong, actor="minh").state == DISAGREED
        expected = {p.actor: p for p in agreement_rates(app.db, book_id)}
    finally:
        app.close()

    r = sohoa("keying", "disagreements", "khai_sinh/1998/01", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    out = r.stdout
    assert "1 mục hai lần nhập khác nhau" in out
    assert f"#{ids[1]}" in out and f"#{ids[0]}" not in out
    assert "«Ngô Văn Tài» (lan)" in out and "«Ngô Văn Tai» (minh)" in out
    assert "«Phan Thị Lài» (lan)" in out and "«Phan Thị Lai» (minh)" in out
    assert "Ngày đăng ký" not in out  # the dates agree once read: not a difference

    r = sohoa("keying", "disagreements", str(book_id), "--json", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    assert doc["double_keying"] is True and doc["waiting"] == 1
    [e] = doc["entries"]
    assert e["entry_id"] == ids[1] and e["so"] == "13" and e["page_no"] == 1 and e["row"] == 2
    assert e["keyers"] == ["lan", "minh"]
    assert {c["key"]: c["values"] for c in e["columns"]} == {
        "nksHoTen": ["Ngô Văn Tài", "Ngô Văn Tai"],
        "meHoTen": ["Phan Thị Lài", "Phan Thị Lai"],
    }

    r = sohoa("keying", "rates", "--book", str(book_id), "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    people = {p["actor"]: p for p in json.loads(r.stdout)["people"]}
    assert set(people) == {"lan", "minh"}
    for who, p in people.items():
        assert p["entries"] == 2 and p["compared"] == 2
        assert (p["columns"], p["agreed"], p["right"]) == (
            expected[who].columns,
            expected[who].agreed,
            expected[who].right,
        )
        assert p["agreed"] == p["columns"] - 2  # two columns differ, on one entry
    r = sohoa("keying", "rates", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    pct = f"{100 * expected['lan'].agreed / expected['lan'].columns:.1f} %"
    assert "lan" in r.stdout and "minh" in r.stdout and pct in r.stdout

    # the arbitrator settles it: nothing waits any more, and the rates count the arbitration
    app = App(Settings(data_dir=tmp_path / "data", workers=1))
    try:
        arbitrate(app.db, book_id, ids[1], ROWS[1], actor="hoa")
    finally:
        app.close()
    r = sohoa("keying", "disagreements", str(book_id), cwd=tmp_path)
    assert r.returncode == 0 and "Không có mục nào chờ phân xử" in r.stdout
    people = {p["actor"]: p for p in json.loads(sohoa("keying", "rates", "--json", cwd=tmp_path).stdout)["people"]}
    assert people["hoa"]["arbitrated"] == 1
    assert people["lan"]["accuracy"] == 1.0 and people["minh"]["accuracy"] < 1.0

    r = sohoa("keying", "double", str(book_id), "--off", "--by", "truong-kho", cwd=tmp_path)
    assert r.returncode == 0 and "thôi nhập hai lần" in r.stdout
    app = App(Settings(data_dir=tmp_path / "data", workers=1))
    try:
        assert not _double(app, book_id)
    finally:
        app.close()
