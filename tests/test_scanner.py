"""Scanning at the counter with a real SANE stack and no hardware: libsane's virtual ``test``
scanner (a feeder of 10 pages per open handle, errors injected through its
``read-return-value`` option) and ``pnm`` scanner (scans a binary PGM pixel-exactly), configured
by the committed ``tests/sane`` folder. Every scan runs in sohoa's supervised child process."""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from capture.scanner.batch import Fate, PageResult
from capture.scanner.errors import Problem
from capture.scanner.session import ChildConfig, describe_device, list_devices
from config import Settings
from indexer.models import Arrival, Document, Job, ScanBatch
from indexer.search import search
from sohoa.app import App
from sohoa.runner import Runner
from sohoa.scanning import ScanOutcome, ocr_behind, run_scan
from tests.pages import birth_declaration, render_page

ROOT = Path(__file__).resolve().parent.parent
SANE_DIR = ROOT / "tests" / "sane"
JAM_AFTER = 3


def make_settings(tmp_path: Path, page_timeout_s: float = 20.0, **profiles: dict[str, Any]) -> Settings:
    base = {
        "feeder": {"source": "feeder", "resolution": 100, "options": {"test-picture": "Grid"}},
        "white": {"source": "feeder", "resolution": 75, "options": {"test-picture": "Solid white"}},
        "glass": {"source": "auto", "resolution": 300},
    }
    base.update(profiles)
    s = Settings(
        data_dir=tmp_path / "data",
        workers=2,
        scanner={
            "device": "test:0",
            "sane_config_dir": SANE_DIR,
            "open_timeout_s": 20,
            "page_timeout_s": page_timeout_s,
            "default_profile": "feeder",
            "profiles": base,
        },
    )
    s.ensure_dirs()
    return s


@pytest.fixture
def scan_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.chdir(tmp_path)
    a = App(make_settings(tmp_path))
    yield a
    a.close()


def batch_row(app: App, batch_id: int) -> ScanBatch:
    with app.db.read() as s:
        b = s.get(ScanBatch, batch_id)
        assert b is not None
        return b


def scanner_arrivals(app: App) -> list[Arrival]:
    with app.db.read() as s:
        return list(s.scalars(select(Arrival).where(Arrival.source == "scanner").order_by(Arrival.id)))


def write_pgm(im: Image.Image, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    im.convert("L").save(path, format="PPM")  # mode L -> binary P5
    assert path.read_bytes()[:2] == b"P5"
    return path


# -- devices -------------------------------------------------------------------------------------


def test_lists_the_virtual_scanners_in_the_committed_sane_config() -> None:
    t0 = time.monotonic()
    names = [d.name for d in list_devices(ChildConfig(sane_config_dir=SANE_DIR))]
    assert "test:0" in names and "pnm:0" in names
    assert "test:1" not in names  # test.conf: number_of_devices 1
    assert time.monotonic() - t0 < 10  # no network probing
    _device, opts = describe_device(ChildConfig(sane_config_dir=SANE_DIR), "test:0")
    by_name = {o.name: o for o, _ in opts}
    assert by_name["resolution"].type == "fixed" and by_name["resolution"].constraint.max == 1200  # not 78643200
    assert by_name["br-y"].constraint.max == 300  # test.conf: geometry_max 300


# -- a feeder batch ------------------------------------------------------------------------------


def test_feeder_batch_stores_every_page_as_it_arrives(scan_app: App) -> None:
    seen: list[Any] = []
    out = run_scan(scan_app, "feeder", on_event=seen.append)
    assert out.complete and out.failure is None
    assert out.opened is not None and out.opened.feeder and out.opened.settings["resolution"] == 100
    pages = [r for r in seen if isinstance(r, PageResult)]
    assert [r.page.sheet for r in pages] == list(range(1, 11))  # 10 pages per open handle, then no docs
    assert all(r.fate is Fate.STORED and r.dossier == f"{out.batch_id}.1" for r in pages)
    # Resolution and geometry are fixed-point in SANE: 100 dpi over 210 x 297 mm.
    assert (pages[0].page.width, pages[0].page.height) == (826, 1169)
    b = batch_row(scan_app, out.batch_id)
    assert (b.state, b.pages, b.sheets, b.dossiers, b.reason, b.device) == ("complete", 10, 10, 1, None, "test:0")
    arrivals = scanner_arrivals(scan_app)
    assert [a.meta["sheet"] for a in arrivals] == list(range(1, 11))
    assert arrivals[0].meta == {
        "device": "test:0",
        "profile": "feeder",
        "batch": out.batch_id,
        "dossier": f"{out.batch_id}.1",
        "sheet": 1,
        "side": "front",
        "dpi": 100,
    }
    with scan_app.db.read() as s:
        doc = s.scalars(select(Document)).first()
        assert doc.source == "scanner"
        assert {j.priority for j in s.scalars(select(Job))} == {20}  # before bulk archive work
        stored = scan_app.original_path(doc.original.store_key)
    assert Image.open(stored).info["dpi"][0] == pytest.approx(100, abs=0.01)
    assert not (scan_app.settings.scan_spool_dir / f"lo{out.batch_id}").exists()  # nothing left behind


# -- errors a clerk can act on -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "problem", "says"),
    [
        ("SANE_STATUS_JAMMED", Problem.PAPER_JAM, "Kẹt giấy"),
        ("SANE_STATUS_COVER_OPEN", Problem.COVER_OPEN, "Nắp máy quét đang mở"),
        ("SANE_STATUS_IO_ERROR", Problem.DEVICE_LOST, "Mất kết nối với máy quét giữa chừng"),
    ],
)
def test_error_mid_batch_keeps_pages_marks_incomplete_and_resumes(
    scan_app: App, status: str, problem: Problem, says: str
) -> None:
    out = run_scan(scan_app, "feeder", faults={JAM_AFTER: {"read-return-value": status}})
    assert not out.complete and out.failure is not None
    assert out.failure.problem is problem and says in out.failure.message
    assert out.tally.pages == JAM_AFTER
    b = batch_row(scan_app, out.batch_id)
    assert (b.state, b.reason, b.pages) == ("incomplete", problem.value, JAM_AFTER)
    assert says in b.message
    assert len(scanner_arrivals(scan_app)) == JAM_AFTER  # the pages already scanned are stored
    # Resume: a new batch, same device and profile, continuing the same dossier (the clerk put
    # back the last two sheets: the feeder runs out after them).
    again = run_scan(scan_app, resume=out.batch_id, faults={2: {"read-return-value": "SANE_STATUS_NO_DOCS"}})
    assert again.complete and again.tally.pages == 2
    b2 = batch_row(scan_app, again.batch_id)
    assert (b2.resumes_batch_id, b2.device, b2.profile) == (out.batch_id, "test:0", "feeder")
    assert {a.meta["dossier"] for a in scanner_arrivals(scan_app)} == {f"{out.batch_id}.1"}


def test_empty_feeder_is_reported_and_a_feeder_running_out_is_the_normal_end(scan_app: App) -> None:
    s = scan_app.settings
    s.scanner.profiles["empty"] = s.scanner.profiles["feeder"].model_copy(
        update={"options": {"read-return-value": "SANE_STATUS_NO_DOCS"}}
    )
    out = run_scan(scan_app, "empty")
    assert out.failure is not None and out.failure.problem is Problem.FEEDER_EMPTY
    assert "Khay nạp giấy trống" in out.failure.message and out.tally.pages == 0
    assert batch_row(scan_app, out.batch_id).state == "incomplete"
    out = run_scan(scan_app, "feeder", faults={JAM_AFTER: {"read-return-value": "SANE_STATUS_NO_DOCS"}})
    assert out.complete and out.tally.pages == JAM_AFTER


def test_invalid_profile_options_list_the_valid_values(scan_app: App, tmp_path: Path) -> None:
    s = scan_app.settings
    profiles = s.scanner.profiles
    profiles["lineart"] = profiles["feeder"].model_copy(update={"mode": "lineart"})
    profiles["sepia"] = profiles["feeder"].model_copy(update={"options": {"test-picture": "Sepia"}})
    profiles["nosuch"] = profiles["feeder"].model_copy(update={"options": {"gamma-magic": 2}})
    profiles["pnm400"] = profiles["glass"].model_copy(
        update={
            "resolution": 400,
            "options": {"filename": str(write_pgm(Image.new("L", (50, 50), 255), tmp_path / "w.pgm"))},
        }
    )
    out = run_scan(scan_app, "lineart")
    f = out.failure
    assert f is not None and f.problem is Problem.INVALID_OPTION and f.option == "mode"
    assert "Gray, Color" in f.message and "«lineart»" in f.message
    assert batch_row(scan_app, out.batch_id).reason == "invalid_option"
    f = run_scan(scan_app, "sepia").failure
    assert f is not None and "Solid black, Solid white, Color pattern, Grid" in f.message and "Sepia" in f.message
    f = run_scan(scan_app, "nosuch").failure
    assert f is not None and f.option == "gamma-magic" and "read-return-value" in f.message
    f = run_scan(scan_app, "pnm400", device="pnm:0").failure
    assert f is not None and f.option == "resolution" and "75, 90, 100" in f.message and "300" in f.message
    f = run_scan(scan_app, "feeder", device="pnm:0").failure  # a pnm device has no feeder
    assert f is not None and f.problem is Problem.INVALID_OPTION and "feeder" in f.message
    f = run_scan(scan_app, "feeder", device="nosuch:7").failure
    assert f is not None and f.problem is Problem.DEVICE_NOT_FOUND and "test:0" in f.message
    assert not scanner_arrivals(scan_app)


def test_no_scanner_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "sane-empty"
    empty.mkdir()
    (empty / "dll.conf").write_text("# no backends\n")
    monkeypatch.chdir(tmp_path)
    s = make_settings(tmp_path)
    s.scanner.sane_config_dir = empty
    s.scanner.device = None
    app = App(s)
    try:
        out = run_scan(app, "feeder")
    finally:
        app.close()
    assert out.failure is not None and out.failure.problem is Problem.NO_SCANNER
    assert "Không tìm thấy máy quét nào" in out.failure.message


def _slow(after: int, delay_us: int = 200000) -> dict[int, dict[str, Any]]:
    """From page ``after`` on, 64 KiB per read and a pause after each: ~3 s for a 100 dpi page."""
    return {after: {"read-limit": True, "read-limit-size": 65536, "read-delay": True, "read-delay-duration": delay_us}}


def test_a_hung_device_times_out_without_hanging_the_caller(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = App(make_settings(tmp_path, page_timeout_s=1.0))
    try:
        t0 = time.monotonic()
        out = run_scan(app, "feeder", faults=_slow(2))
        took = time.monotonic() - t0
        assert out.failure is not None and out.failure.problem is Problem.TIMEOUT
        assert "không phản hồi" in out.failure.message
        assert took < 15
        assert out.tally.pages == 2 and batch_row(app, out.batch_id).state == "incomplete"
        assert len(scanner_arrivals(app)) == 2
    finally:
        app.close()
    assert not _children()  # the child's process group was killed


def _children() -> list[int]:
    me = os.getpid()
    kids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
                cmd = (d / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == me and b"capture.scanner.child" in cmd:
                kids.append(int(d.name))
    return kids


def test_a_driver_crash_mid_batch_keeps_the_pages(scan_app: App) -> None:
    def kill_child(ev: Any) -> None:
        if isinstance(ev, PageResult) and ev.page.index == 2:
            for pid in _children():
                os.killpg(pid, signal.SIGKILL)

    out = run_scan(scan_app, "feeder", on_event=kill_child, faults=_slow(2))
    assert out.failure is not None and out.failure.problem is Problem.DRIVER_CRASHED
    assert "Trình điều khiển máy quét bị lỗi" in out.failure.message
    assert out.tally.pages == 2
    b = batch_row(scan_app, out.batch_id)
    assert (b.state, b.reason, b.pages) == ("incomplete", "driver_crashed", 2)
    assert run_scan(scan_app, resume=out.batch_id).complete


# -- images: bit depths and three-pass colour come out right ----------------------------------------


def test_one_bit_sixteen_bit_and_three_pass_frames(scan_app: App) -> None:
    import numpy as np

    profiles = scan_app.settings.scanner.profiles
    base = {"source": "flatbed", "resolution": 50}
    profiles["g8"] = profiles["feeder"].model_copy(update={**base, "options": {"test-picture": "Grid"}})
    profiles["g1"] = profiles["feeder"].model_copy(update={**base, "options": {"test-picture": "Grid", "depth": 1}})
    profiles["g16"] = profiles["feeder"].model_copy(update={**base, "options": {"test-picture": "Grid", "depth": 16}})
    profiles["c1"] = profiles["feeder"].model_copy(
        update={**base, "mode": "color", "options": {"test-picture": "Color pattern"}}
    )
    profiles["c3"] = profiles["feeder"].model_copy(
        update={**base, "mode": "color", "options": {"test-picture": "Color pattern", "three-pass": True}}
    )
    images = {}
    for name in ("g8", "g1", "g16", "c1", "c3"):
        out = run_scan(scan_app, name, is_blank=lambda g, d: False)
        assert out.complete, (name, out.failure)
        with scan_app.db.read() as s:
            doc = s.get(Document, out.tally.documents[0])
            images[name] = np.asarray(Image.open(scan_app.original_path(doc.original.store_key)))
    assert images["g8"].shape == (584, 413) and set(np.unique(images["g8"])) == {0, 255}
    assert (images["g1"] == images["g8"]).all()
    assert (images["g16"] == images["g8"]).all()
    assert images["c1"].shape == (584, 413, 3) and (images["c3"] == images["c1"]).all()


# -- separator sheets, through the pnm scanner -----------------------------------------------------


def test_a_scanned_separator_sheet_is_not_stored(scan_app: App, tmp_path: Path) -> None:
    from pdf2image import convert_from_path

    from capture.scanner.separator import write_separator_pdf

    pdf = write_separator_pdf(tmp_path / "sep.pdf")
    sheet = convert_from_path(str(pdf), dpi=150, grayscale=True, first_page=1, last_page=1)[0]
    pgm = write_pgm(sheet, tmp_path / "sep.pgm")
    profiles = scan_app.settings.scanner.profiles
    profiles["pnm"] = profiles["glass"].model_copy(update={"resolution": 150, "options": {"filename": str(pgm)}})
    first = run_scan(scan_app, "feeder", faults={JAM_AFTER: {"read-return-value": "SANE_STATUS_JAMMED"}})
    # After the jam the clerk puts a separator on top: the resumed batch must start a new dossier.
    sep = run_scan(scan_app, "pnm", device="pnm:0", resume=first.batch_id)
    assert sep.complete and sep.tally.separators == [1] and sep.tally.pages == 0
    assert [r.fate for r in sep.results] == [Fate.SEPARATOR]
    assert len(scanner_arrivals(scan_app)) == JAM_AFTER


# -- the whole pipeline: a rendered Vietnamese page through pnm:0 to search ----------------------------


@pytest.mark.slow
def test_scanned_page_is_found_by_the_citizens_name(scan_app: App, tmp_path: Path) -> None:
    page = render_page(birth_declaration("Nguyễn Văn An", "02/12/2023", "Trần Thị Hoà", "Nguyễn Văn Bình"), dpi=300)
    pgm = write_pgm(page, tmp_path / "to-khai.pgm")
    profiles = scan_app.settings.scanner.profiles
    profiles["pnm"] = profiles["glass"].model_copy(update={"options": {"filename": str(pgm)}})
    out = run_scan(scan_app, "pnm", device="pnm:0")
    assert out.complete and out.tally.pages == 1 and out.opened is not None and out.opened.resolution == 300
    [res] = out.results
    assert (res.page.width, res.page.height, res.page.dpi) == page.size + (300,)
    Runner(scan_app, watch=False).run(once=True)
    hits = search(scan_app.db, "nguyen van an")
    assert hits and hits[0].title == res.page.path.name and hits[0].document_id == res.document_id
    assert search(scan_app.db, "Trần Thị Hòa")[0].document_id == res.document_id


@pytest.mark.slow
def test_ocr_of_page_one_finishes_while_the_feeder_is_still_scanning(scan_app: App) -> None:
    ends: list[float] = []

    def note(ev: Any) -> None:
        if isinstance(ev, PageResult):
            ends.append(ev.page.scanned_at)

    with ocr_behind(scan_app.settings):
        out = run_scan(scan_app, "white", on_event=note, faults=_slow(1, 100000))
    assert isinstance(out, ScanOutcome) and out.complete and out.tally.pages == 10
    with scan_app.db.read() as s:
        job = s.scalars(select(Job).order_by(Job.id)).first()
        assert job.state == "done"
        finished = job.finished_at.replace(tzinfo=job.finished_at.tzinfo or UTC).timestamp()
    assert finished < ends[-1], "OCR of page 1 should finish before the feeder's last page"


# -- the command line -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_scan_commands_as_a_clerk_uses_them(tmp_path: Path) -> None:
    from tests.pages import name_page
    from tests.test_cli import sohoa

    pgm = write_pgm(name_page("Hoàng Văn Thái", dpi=150), tmp_path / "trang.pgm")
    (tmp_path / "sohoa.toml").write_text(
        f'[scanner]\ndevice = "test:0"\nsane_config_dir = "{SANE_DIR}"\n'
        '[scanner.profiles.ket-giay]\nresolution = 75\noptions = { "read-return-value" = "SANE_STATUS_JAMMED" }\n'
        f'[scanner.profiles.kinh]\nsource = "auto"\nresolution = 150\noptions = {{ filename = "{pgm}" }}\n',
        encoding="utf-8",
    )
    env = {"SOHOA_CONFIG": str(tmp_path / "sohoa.toml")}
    out = sohoa("scanners", "--details", cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    assert "test:0" in out.stdout and "pnm:0" in out.stdout and "Automatic Document Feeder" in out.stdout
    assert "intake (feeder, gray, 300 dpi)" in out.stdout
    out = sohoa("separator", "--out", str(tmp_path / "tach.pdf"), cwd=tmp_path, env=env)
    assert out.returncode == 0 and (tmp_path / "tach.pdf").read_bytes()[:5] == b"%PDF-"
    out = sohoa("scan", "--profile", "ket-giay", cwd=tmp_path, env=env)
    assert out.returncode == 1 and "Kẹt giấy" in out.stderr and "sohoa scan --resume 1" in out.stderr
    out = sohoa("scan", "--profile", "kinh", "--device", "pnm:0", "--process", cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    assert "tờ 1 mặt trước: đã lưu vào hồ sơ 2.1" in out.stdout and "Đã nhận dạng xong" in out.stdout
    found = sohoa("search", "hoang van thai", cwd=tmp_path, env=env)
    assert found.returncode == 0 and "lo2-to001-truoc.png" in found.stdout
