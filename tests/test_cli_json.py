"""``--json`` for scripts, run as a script runs it (``python -m sohoa.cli`` on a real SQLite data
folder): one JSON document on stdout with fixed keys, NFC text, values as the desk shows them, and
the documented exit codes — 0 done, 1 nothing found / something to look at, 2 refused."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

from config import Settings
from indexer.registers.books import create_book
from indexer.registers.entries import edit_entry
from sohoa.app import App
from sohoa.commands.jsonout import plain
from tests.registers_util import create_entry, dossier
from tests.test_cli import sohoa

ID12 = "079203001234"


def _data(tmp_path: Path) -> tuple[int, int, int]:
    """A book with one entry (corrected once) and a dossier with read fields. Returns the book,
    entry and document ids."""
    app = App(Settings(data_dir=tmp_path / "data", workers=1))
    app.settings.ensure_dirs()
    try:
        book = create_book(app.db, "khai_sinh", 2012, "01", commune="Cát Thành", commune_code="12345")
        eid = create_entry(
            app.db,
            book.id,
            {"so": "47", "nksHoTen": "Nguyễn Văn An", "nksNgaySinh": "02/03/2012", "ngayDangKy": "10/03/2012"},
            origin="legacy",
            actor="t",
        )
        edit_entry(app.db, eid, {"meHoTen": "Lê Thị Hoa"}, actor="archivist", reason="đối chiếu sổ giấy")
        doc = dossier(
            app,
            "to_khai_dang_ky_khai_sinh",
            {
                "child_name": unicodedata.normalize("NFD", "Nguyễn Văn An"),
                "child_birth_date": "02/03/2012",
                "requester_id_doc": f"CCCD số {ID12}",
            },
        )
        return book.id, eid, doc
    finally:
        app.close()


def _confirm_fields(tmp_path: Path, doc_id: int) -> None:
    from sqlalchemy import select

    from indexer.fieldedits import confirm_all
    from indexer.models import Page

    app = App(Settings(data_dir=tmp_path / "data", workers=1))
    try:
        with app.db.read() as s:
            page_ids = s.scalars(select(Page.id).where(Page.document_id == doc_id)).all()
        for pid in page_ids:
            confirm_all(app.db, pid, actor="tiepnhan")
    finally:
        app.close()


def _json(tmp_path: Path, *args: str, rc: int) -> Any:
    r = sohoa(*args, "--json", cwd=tmp_path)
    assert r.returncode == rc, (r.returncode, r.stdout, r.stderr)
    doc = json.loads(r.stdout)  # exactly one document: anything else on stdout fails here
    assert r.stdout.endswith("}\n")
    text = r.stdout
    assert unicodedata.normalize("NFC", text) == text
    return doc


def test_every_json_command_on_a_real_database(tmp_path: Path) -> None:
    book_id, eid, doc_id = _data(tmp_path)

    found = _json(tmp_path, "search", "nguyen van an", rc=0)
    assert list(found) == ["query", "people", "pages"]
    assert found["query"]["text"] == "nguyen van an" and found["query"]["born"] is None
    entry_hit = next(p for p in found["people"] if p["source_type"] == "register_entry")
    assert entry_hit["name"] == "Nguyễn Văn An" and entry_hit["entry_id"] == eid and entry_hit["rank"] >= 1
    assert entry_hit["role_label"] == "người được khai sinh" and entry_hit["registration_year"] == 2012
    doc_hit = next(p for p in found["people"] if p["source_type"] != "register_entry")
    assert doc_hit["document_id"] == doc_id and doc_hit["name"] == "Nguyễn Văn An"  # NFD stored → NFC out
    none = _json(tmp_path, "search", "Phạm Văn Không", "--commune", "Nơi Khác", rc=1)
    assert none["people"] == [] and none["pages"] == [] and none["query"]["commune"] == "Nơi Khác"

    shown = _json(tmp_path, "show", str(doc_id), rc=0)["document"]
    assert shown["id"] == doc_id and shown["doc_type"] == "to_khai_dang_ky_khai_sinh"
    assert shown["type_label"] == "Tờ khai đăng ký khai sinh"
    by_id = {f["field_id"]: f for f in shown["fields"]}
    assert by_id["requester_id_doc"]["value"] == f"CCCD số {ID12}"  # whole, as the desk shows it
    assert by_id["child_name"]["value"] == "Nguyễn Văn An" and by_id["child_name"]["label"]
    assert set(by_id["child_birth_date"]) == {
        "page_no",
        "doc_type",
        "field_id",
        "label",
        "value",
        "raw_value",
        "confidence",
        "needs_review",
        "review_reasons",
        "corrected_from",
        "correction_reason",
        "confirmed_by",
    }
    missing = _json(tmp_path, "show", "999", rc=1)
    assert missing["error"]["code"] == "not_found" and "999" in missing["error"]["message"]

    st = _json(tmp_path, "status", rc=0)
    assert list(st) == [
        "jobs",
        "documents",
        "pages_indexed",
        "inbox_dir",
        "quarantine_dir",
        "queue",
        "throughput",
        "broker",
        "workers",
        "hosts",
        "intake",
        "fixity",
        "events",
        "failures",
        "quarantine_total",
        "quarantine",
    ]
    assert st["documents"] == {"indexed": 1} and st["pages_indexed"] == 1 and st["broker"] is None
    assert st["queue"] == {"queued": 0, "dispatched": 0, "running": 0} and st["quarantine"] == []
    assert st["events"]["waiting"] >= 1  # the dossier's document.indexed, kept for a target

    filed = _json(tmp_path, "file", str(doc_id), rc=0)
    assert filed["document_id"] == doc_id and filed["book_type"] == "khai_sinh" and filed["done"] == []
    assert filed["proposals"][0]["entry_id"] == eid and filed["proposals"][0]["book_key"] == "khai_sinh/2012/01"
    assert filed["linked_entry_id"] is None and len(filed["fields_to_confirm"]) == 3
    refused = _json(tmp_path, "file", str(doc_id), "--confirm", str(eid), rc=2)  # the desk's rule: fields first
    assert refused["error"]["code"] == "refused" and "chưa được xác nhận" in refused["error"]["message"]
    _confirm_fields(tmp_path, doc_id)
    confirmed = _json(tmp_path, "file", str(doc_id), "--confirm", str(eid), "--by", "tiepnhan", rc=0)
    assert confirmed["done"] == [{"action": "confirm", "entry_id": eid, "skipped": None}]
    assert confirmed["linked_entry_id"] == eid
    refused = _json(tmp_path, "file", str(doc_id), "--confirm", "12345", rc=2)
    assert refused["error"]["code"] == "refused" and "12345" in refused["error"]["message"]

    book = _json(tmp_path, "book", "show", "khai_sinh/2012/01", "--entries", rc=0)
    assert book["book"]["id"] == book_id and book["book"]["commune"]["name"] == "Cát Thành"
    assert book["report"]["complete"] is True and book["report"]["entries"] == 1
    assert [e["so"] for e in book["entries"]] == ["47"] and book["entries"][0]["data"]["meHoTen"] == "Lê Thị Hoa"
    assert _json(tmp_path, "book", "show", str(book_id), rc=0)["entries"] is None
    assert _json(tmp_path, "book", "show", "khai_sinh/1900/09", rc=2)["error"]["code"] == "refused"

    entry = _json(tmp_path, "entry", "show", "khai_sinh/2012/01#47", rc=0)["entry"]
    assert entry["id"] == eid and entry["data"]["nksHoTen"] == "Nguyễn Văn An"
    assert entry["labels"]["nksHoTen"] == "Họ, chữ đệm, tên" and entry["registration_date"] == "2012-03-10"
    change = next(h for h in entry["history"] if h["field"] == "meHoTen")
    assert (change["actor"], change["new"], change["reason"]) == ("archivist", "Lê Thị Hoa", "đối chiếu sổ giấy")
    assert {"document_id": doc_id, "state": "linked"} in entry["documents"]
    assert _json(tmp_path, "entry", "show", "999", rc=2)["error"]["code"] == "refused"


def test_exit_codes_are_in_the_help(tmp_path: Path) -> None:
    r = sohoa("--help", cwd=tmp_path)
    assert r.returncode == 0 and "Mã thoát" in r.stdout and "--json" in r.stdout
    for cmd in (["search"], ["show"], ["status"], ["file"], ["book", "show"], ["entry", "show"]):
        h = sohoa(*cmd, "--help", cwd=tmp_path)
        assert "--json" in h.stdout and "Mã thoát" in h.stdout, cmd


def test_plain_values_are_nfc_iso_and_lists() -> None:
    from datetime import UTC, date, datetime

    nfd = unicodedata.normalize("NFD", "Trần Thị Thủy")
    assert nfd != "Trần Thị Thủy"
    out = plain({"n": nfd, "d": date(2012, 3, 2), "t": datetime(2024, 1, 2, 3, 4, tzinfo=UTC), "b": (1, 2)})
    assert out == {"n": "Trần Thị Thủy", "d": "2012-03-02", "t": "2024-01-02T03:04:00+00:00", "b": [1, 2]}
