"""The intake receipt (Giấy tiếp nhận hồ sơ và hẹn trả kết quả): the due date in working days
(weekends and the office's holidays skipped, the 15:00 same-day limit), dossier codes in the
national format with a per-day sequence that is never given twice — across threads, processes
killed with SIGKILL mid-issue, and on PostgreSQL — and the desk: a clerk issues it from a dossier,
prints it (page and PDF), reprints the same paper; an archivist cannot issue; without the office's
code nothing is issued."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from config import Settings
from indexer import accounts
from indexer.fields.dossier_code import PATTERN, check
from indexer.models import AuditEntry, Document, DossierReceipt
from indexer.procedures import procedure_of, processing_days
from indexer.receipts import ReceiptDraft, ReceiptError, issue, next_seq, receipt_of
from indexer.workdays import due_at
from sohoa.app import App
from sohoa.web import create_app
from tests.conftest import ROOT
from tests.registers_util import dossier
from tests.webdesk import PASSWORD, logged_in

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AGENCY = "000.17.31.H42"
TET = [date(2027, 2, d) for d in range(5, 11)]  # Tết Đinh Mùi days off, as an office would set them


# -- working days ---------------------------------------------------------------------------------


def test_due_dates_skip_weekends_holidays_and_the_same_day_limit() -> None:
    fri = datetime(2026, 12, 4, 9, 30, tzinfo=VN)
    assert fri.weekday() == 4
    # the same day, before 15:00: due at closing time that day
    assert due_at(fri, 0) == datetime(2026, 12, 4, 17, 0, tzinfo=VN)
    # after 15:00: the next working day, over the weekend
    assert due_at(fri.replace(hour=15, minute=1), 0) == datetime(2026, 12, 7, 17, 0, tzinfo=VN)
    # 3 working days from a Friday: Mon, Tue, Wed
    assert due_at(fri, 3).date() == date(2026, 12, 9)
    # received on a Sunday, same-day procedure: Monday
    assert due_at(datetime(2026, 12, 6, 8, 0, tzinfo=VN), 0).date() == date(2026, 12, 7)
    # over Tết (Fri 5 … Wed 10 Feb 2027 off) and its weekend: Thursday 4 Feb + 3 → 11, 12, 15 Feb
    thu = datetime(2027, 2, 4, 10, 0, tzinfo=VN)
    assert due_at(thu, 3, TET).date() == date(2027, 2, 15)
    assert due_at(thu, 3).date() == date(2027, 2, 9)
    # settings' limits
    assert due_at(fri.replace(hour=14), 0, same_day_until=dtime(11, 0), closing=dtime(16, 30)) == datetime(
        2026, 12, 7, 16, 30, tzinfo=VN
    )
    with pytest.raises(ValueError):
        due_at(fri, -1)


def test_procedures_and_the_offices_own_times() -> None:
    assert procedure_of("to_khai_dang_ky_khai_sinh").title == "Đăng ký khai sinh"
    assert procedure_of("to_khai_xac_nhan_tinh_trang_hon_nhan").days == 3
    assert procedure_of("giay_tiep_nhan_ho_so").key == "khac"
    assert processing_days("ket_hon") == 0
    assert processing_days("ket_hon", {"ket_hon": 5}) == 5


# -- the dossier code and its sequence --------------------------------------------------------------


def _draft(at: datetime, applicant: str = "Trần Văn Nộp") -> ReceiptDraft:
    return ReceiptDraft(
        procedure="khai_sinh",
        content="Đăng ký khai sinh",
        applicant=applicant,
        received_at=at,
        due_at=due_at(at, 0),
        processing_days=0,
        receiver="Lê Thị Tiếp",
        papers=["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
    )


def _doc(app: App, n: int = 1) -> list[int]:
    from tests.registers_util import take_image

    return [take_image(app, f"Hồ sơ {i}") for i in range(n)]


def test_codes_follow_the_national_format_one_sequence_a_day(app: App) -> None:
    d1, d2, d3, d4 = _doc(app, 4)
    mon = datetime(2026, 12, 7, 8, 5, tzinfo=VN)
    r1 = issue(app.db, d1, _draft(mon), agency_code=AGENCY, actor="tiepnhan")
    r2 = issue(app.db, d2, _draft(mon.replace(hour=16)), agency_code=AGENCY, actor="tiepnhan")
    assert (r1.code, r2.code) == (f"{AGENCY}-261207-0001", f"{AGENCY}-261207-0002")
    assert PATTERN.match(r1.code) and check(r1.code).ok and check(r1.code).date == date(2026, 12, 7)
    # a new day starts at 0001; the local day decides (00:30 in Hà Nội is still the 7th in UTC)
    r3 = issue(app.db, d3, _draft(datetime(2026, 12, 8, 0, 30, tzinfo=VN)), agency_code=AGENCY, actor="t")
    assert r3.code == f"{AGENCY}-261208-0001"
    # the same dossier again: the same receipt, no number taken
    again = issue(app.db, d1, _draft(mon.replace(hour=11), "Người khác"), agency_code=AGENCY, actor="t")
    assert (again.id, again.code, again.applicant) == (r1.id, r1.code, "Trần Văn Nộp")
    r4 = issue(app.db, d4, _draft(mon.replace(hour=17)), agency_code=AGENCY, actor="t")
    assert r4.code.endswith("-261207-0003")
    got = receipt_of(app.db, d1)
    assert got is not None and got.papers == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    with app.db.read() as s:
        assert s.scalar(select(AuditEntry.detail).where(AuditEntry.action == "receipt.issue")) == {
            "code": r1.code,
            "due": "07/12/2026",
        }
    with pytest.raises(ReceiptError, match="người nộp"):
        issue(app.db, _doc(app)[0], _draft(mon, "  "), agency_code=AGENCY, actor="t")
    with pytest.raises(ReceiptError, match="mẫu"):
        issue(app.db, _doc(app)[0], _draft(mon), agency_code="17.31.H42", actor="t")


def test_threads_issuing_at_once_never_share_a_number(app: App) -> None:
    docs = _doc(app, 24)
    at = datetime(2026, 12, 7, 9, 0, tzinfo=VN)
    codes: list[str] = []
    errors: list[BaseException] = []

    def work(ids: list[int]) -> None:
        try:
            for d in ids:
                codes.append(issue(app.db, d, _draft(at), agency_code=AGENCY, actor="t").code)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(docs[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(int(c[-4:]) for c in codes) == list(range(1, 25))


ISSUER = """
import sys, time
from datetime import datetime
from zoneinfo import ZoneInfo
from indexer.db import open_database
from indexer.receipts import issue
from tests.test_receipts import AGENCY, _draft
db = open_database(sys.argv[1])
at = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
for d in map(int, sys.argv[2].split(",")):
    r = issue(db, d, _draft(at), agency_code=AGENCY, actor="t")
    print(r.code, flush=True)
"""


def _kill_midway(url: str, docs: list[int], after: int) -> list[str]:
    """Run an issuing process and SIGKILL it once it has printed ``after`` codes (mid-loop)."""
    p = subprocess.Popen(
        [sys.executable, "-c", ISSUER, url, ",".join(map(str, docs))],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert p.stdout is not None
    printed = [p.stdout.readline().strip() for _ in range(after)]
    p.send_signal(signal.SIGKILL)
    rest, _ = p.communicate(timeout=30)
    return printed + rest.split()


def _issued_survive_a_crash(app: App, url: str) -> None:
    docs = _doc(app, 400)
    printed = _kill_midway(url, docs, 40)  # started, never finished: killed while issuing
    with app.db.read() as s:
        stored = list(s.scalars(select(DossierReceipt.seq).order_by(DossierReceipt.seq)))
    assert 0 < len(stored) < len(docs), "the issuer was not killed mid-way"
    assert stored == list(range(1, len(stored) + 1))  # no gap, no double
    assert len(printed) <= len(stored)  # every code a citizen could have got is stored
    # Two more processes after the crash, one of them killed too: numbers go on from the last one.
    rest = [d for d in docs if receipt_of(app.db, d) is None]
    _kill_midway(url, rest[:200], 25)
    rest = [d for d in docs if receipt_of(app.db, d) is None]
    r = issue(app.db, rest[0], _draft(datetime(2026, 12, 7, 15, 0, tzinfo=VN)), agency_code=AGENCY, actor="t")
    with app.db.read() as s:
        seqs = list(s.scalars(select(DossierReceipt.seq).order_by(DossierReceipt.seq)))
    assert seqs == list(range(1, len(seqs) + 1)) and r.seq == len(seqs)


def test_a_process_killed_while_issuing_loses_no_number_and_gives_none_twice(app: App) -> None:
    _issued_survive_a_crash(app, app.settings.db_url)


def test_on_postgresql_the_sequence_is_atomic_and_survives_a_crash(tmp_path: Path, pg_url: str) -> None:
    a = App(Settings(data_dir=tmp_path / "data", database_url=pg_url, workers=1))
    try:
        db = a.db
        at = date(2026, 11, 2)  # another day than the crash drill's
        with db.write() as s:
            assert [next_seq(s, AGENCY, at) for _ in range(3)] == [1, 2, 3]
        with db.write() as s:
            assert next_seq(s, AGENCY, at + timedelta(days=1)) == 1
        _issued_survive_a_crash(a, pg_url)
    finally:
        a.close()


# -- the desk ---------------------------------------------------------------------------------------


@pytest.fixture
def office_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    monkeypatch.chdir(tmp_path)
    s = Settings(
        data_dir=tmp_path / "data",
        workers=1,
        office={"agency_code": AGENCY, "name": "UBND xã Phú Lộc", "place": "Phú Lộc", "holidays": ["2027-02-08"]},
    )
    s.ensure_dirs()
    a = App(s)
    yield a
    a.close()


def test_a_clerk_issues_prints_and_reprints_the_receipt_from_a_dossier(office_app: App) -> None:
    app = office_app
    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk", "Lê Thị Tiếp")
    accounts.create_user(app.db, "luutru", PASSWORD, "archivist", "Đỗ Văn Lưu")
    doc = dossier(
        app,
        "to_khai_dang_ky_khai_sinh",
        {"requester_name": "Trần Văn Bình", "requester_residence": "Thôn 3, xã Phú Lộc", "child_name": "Trần An"},
    )
    desk = create_app(app)
    c, csrf = logged_in(desk, "tiepnhan")
    page = c.get(f"/documents/{doc}").text
    assert "Cấp giấy tiếp nhận hồ sơ và hẹn trả kết quả" in page
    assert 'name="applicant" value="Trần Văn Bình"' in page  # the requester read from the declaration
    assert "Thôn 3, xã Phú Lộc" in page and "Đăng ký khai sinh — trong ngày làm việc" in page
    before = datetime.now(VN)
    r = c.post(
        f"/documents/{doc}/receipt",
        data={
            "csrf_token": csrf,
            "procedure": "xac_nhan_hon_nhan",
            "applicant": "Trần Văn Bình",
            "applicant_address": "Thôn 3, xã Phú Lộc",
            "papers": "Tờ khai\nBản sao CCCD\n",
            "sets": "1",
            "days": "",
            "result_place": "Bộ phận một cửa UBND xã Phú Lộc",
        },
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/receipts/")
    rec = receipt_of(app.db, doc)
    assert rec is not None and PATTERN.match(rec.code)
    assert rec.code == f"{AGENCY}-{before:%y%m%d}-0001" or before.date() != datetime.now(VN).date()
    assert rec.processing_days == 3 and rec.receiver == "Lê Thị Tiếp" and rec.issued_by == "tiepnhan"
    due = rec.due_at.replace(tzinfo=UTC).astimezone(VN) if rec.due_at.tzinfo is None else rec.due_at.astimezone(VN)
    assert due.weekday() < 5 and due.time() == dtime(17, 0) and due.date() > before.date()
    printed = c.get(r.headers["location"])
    assert printed.status_code == 200
    html = printed.text
    for text in (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f'Mã hồ sơ: <strong class="dossier-code">{rec.code}</strong>',
        "UBND XÃ PHÚ LỘC",
        "Tiếp nhận hồ sơ của:</dt><dd>Trần Văn Bình",
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        "03 ngày làm việc",
        f"{due:%H} giờ {due:%M} phút, ngày {due:%d} tháng {due:%m} năm {due:%Y}",
        "1) Tờ khai",
        "2) Bản sao CCCD",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Lê Thị Tiếp",
        "Liên 2: giao người nộp hồ sơ",
        "Phú Lộc, ngày",
    ):
        assert text in html, text
    pdf = c.get(f"/receipts/{rec.id}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    out = Path(app.settings.data_dir) / "r.pdf"
    out.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ") == 2  # two copies
    assert f"Mã hồ sơ: {rec.code}" in text and "Trần Văn Bình" in text and "Lê Thị Tiếp" in text
    # The dossier's page now shows the receipt; asking again gives the same one.
    page = c.get(f"/documents/{doc}").text
    assert rec.code in page and "In lại giấy tiếp nhận" in page and 'name="applicant"' not in page
    again = c.post(f"/documents/{doc}/receipt", data={"csrf_token": csrf, "procedure": "khai_sinh", "applicant": "X"})
    assert again.headers["location"] == f"/receipts/{rec.id}"
    with app.db.read() as s:
        assert len(list(s.scalars(select(DossierReceipt)))) == 1
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.action.like("receipt.%"))))
    assert actions == ["receipt.issue", "receipt.view", "receipt.print"]
    # An archivist sees the receipt, cannot issue one.
    other = dossier(app, "to_khai_dang_ky_khai_tu", {"requester_name": "Lý Thị Hai"})
    a, acsrf = logged_in(desk, "luutru")
    assert 'name="applicant"' not in a.get(f"/documents/{other}").text
    refused = a.post(
        f"/documents/{other}/receipt", data={"csrf_token": acsrf, "procedure": "khai_tu", "applicant": "Y"}
    )
    assert refused.status_code == 403 and receipt_of(app.db, other) is None
    # No applicant: refused in Vietnamese, nothing issued.
    empty = c.post(f"/documents/{other}/receipt", data={"csrf_token": csrf, "procedure": "khai_tu", "applicant": " "})
    assert empty.status_code == 422 and "Chưa ghi người nộp hồ sơ." in empty.text and receipt_of(app.db, other) is None


def test_without_the_offices_code_no_receipt_is_issued(app: App) -> None:
    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk")
    doc = dossier(app, "to_khai_dang_ky_khai_sinh", {"requester_name": "Trần Văn Bình"})
    c, csrf = logged_in(create_app(app), "tiepnhan")
    page = c.get(f"/documents/{doc}").text
    assert "chưa đặt mã cơ quan" in page and 'name="applicant"' not in page
    r = c.post(f"/documents/{doc}/receipt", data={"csrf_token": csrf, "procedure": "khai_sinh", "applicant": "A"})
    assert r.status_code == 422 and "báo người quản trị" in r.text
    with app.db.read() as s:
        assert s.scalar(select(DossierReceipt.id)) is None
        assert s.get(Document, doc) is not None
