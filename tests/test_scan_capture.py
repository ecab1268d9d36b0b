"""Scanning without a scanner: how profiles map onto devices' options, and what happens to each
page at capture (separator sheets split dossiers, blank backs are dropped but kept, back sides
are turned) — the same code the scan session feeds, fed here with rendered pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select

from capture.scanner.batch import BatchCapture, Fate, Tally, batch_spool, recover_spool
from capture.scanner.duplex import Side, position, turn, turn_back
from capture.scanner.errors import Problem, ScanFailure
from capture.scanner.looks import working_gray
from capture.scanner.options import OptionInfo, Range, coerce
from capture.scanner.profiles import Duplex, Mode, ScanProfile, Source, apply_profile, choose_source
from capture.scanner.separator import is_separator, write_separator_pdf
from capture.scanner.session import ScannedPage
from config import SettingsError, load_settings
from indexer.models import Arrival, ScanBatch
from indexer.scanbatches import DbBatchRecorder
from ocr.blank import is_blank_back
from sohoa.app import App
from tests.pages import name_page, render_page
from tests.pages import turn as turn_content

# -- profiles onto options --------------------------------------------------------------------------


class FakeDevice:
    """An open device with the given options; records what was set."""

    def __init__(self, name: str, options: list[OptionInfo]) -> None:
        self.name = name
        self.options = {o.name: o for o in options}
        self.values: dict[str, Any] = {}
        self.log: list[tuple[str, Any]] = []

    def describe(self, option: str) -> OptionInfo | None:
        return self.options.get(option)

    def names(self) -> list[str]:
        return list(self.options)

    def get(self, option: str) -> Any:
        return self.values.get(option)

    def set(self, option: str, value: Any) -> Any:
        self.values[option] = value
        self.log.append((option, value))
        return value


def duplex_scanner() -> FakeDevice:
    return FakeDevice(
        "fujitsu:fi-7160:1",
        [
            OptionInfo("source", type="string", constraint=["Flatbed", "ADF Front", "ADF Back", "ADF Duplex"]),
            OptionInfo("mode", type="string", constraint=["Lineart", "Halftone", "Gray", "Color"]),
            OptionInfo("resolution", type="int", unit="dpi", constraint=[100, 150, 200, 300, 400, 600]),
            OptionInfo("tl-x", type="fixed", unit="mm", constraint=Range(0, 215.9, 0)),
            OptionInfo("tl-y", type="fixed", unit="mm", constraint=Range(0, 355.6, 0)),
            OptionInfo("br-x", type="fixed", unit="mm", constraint=Range(0, 215.9, 0)),
            OptionInfo("br-y", type="fixed", unit="mm", constraint=Range(0, 355.6, 0)),
            OptionInfo("page-width", type="fixed", unit="mm", constraint=Range(0, 221.0, 0)),
            OptionInfo("page-height", type="fixed", unit="mm", constraint=Range(0, 876.0, 0)),
        ],
    )


def test_intake_profile_on_a_duplex_feeder_scanner() -> None:
    dev = duplex_scanner()
    applied = apply_profile(ScanProfile("intake"), dev)
    assert (applied.source, applied.feeder, applied.duplex, applied.mode, applied.dpi) == (
        "ADF Duplex",
        True,
        True,
        "Gray",
        300,
    )
    assert [n for n, _ in dev.log][:3] == ["source", "mode", "resolution"]  # source first: it changes limits
    assert dev.values["br-x"] == 210.0 and dev.values["br-y"] == 297.0 and dev.values["page-width"] == 210.0


def test_duplex_off_picks_the_front_only_feeder_and_book_the_glass() -> None:
    applied = apply_profile(ScanProfile("one", duplex=Duplex.OFF), duplex_scanner())
    assert (applied.source, applied.duplex) == ("ADF Front", False)
    applied = apply_profile(
        ScanProfile("book", source=Source.FLATBED, mode=Mode.COLOR, resolution=400), duplex_scanner()
    )
    assert (applied.source, applied.feeder, applied.mode, applied.dpi) == ("Flatbed", False, "Color", 400)


def test_profile_values_the_device_lacks_list_what_it_has() -> None:
    with pytest.raises(ScanFailure) as exc:
        apply_profile(ScanProfile("fine", resolution=250), duplex_scanner())
    f = exc.value
    assert f.problem is Problem.INVALID_OPTION and f.option == "resolution"
    assert "100, 150, 200, 300, 400, 600" in f.message and "«fine»" in f.message and "250" in f.message
    simplex_only = FakeDevice("hp:1", [OptionInfo("source", type="string", constraint=["Flatbed", "ADF"])])
    with pytest.raises(ScanFailure) as exc:
        apply_profile(ScanProfile("both", duplex=Duplex.ON), simplex_only)
    assert "Flatbed, ADF" in exc.value.message
    assert apply_profile(ScanProfile("auto"), simplex_only).duplex is False  # duplex "auto": one side here
    glass_only = FakeDevice("pnm:0", [OptionInfo("resolution", type="int", constraint=[75, 150, 300])])
    with pytest.raises(ScanFailure):
        apply_profile(ScanProfile("feeder", source=Source.FEEDER), glass_only)
    assert apply_profile(ScanProfile("auto", source=Source.AUTO), glass_only).feeder is False


@pytest.mark.parametrize(
    ("choices", "want", "duplex", "expect"),
    [
        (
            ["Flatbed", "Automatic Document Feeder"],
            Source.FEEDER,
            Duplex.AUTO,
            ("Automatic Document Feeder", True, False),
        ),
        (["Flatbed", "ADF", "ADF Duplex"], Source.FEEDER, Duplex.AUTO, ("ADF Duplex", True, True)),
        (["Flatbed", "ADF", "ADF Duplex"], Source.FEEDER, Duplex.OFF, ("ADF", True, False)),
        (["Flatbed", "ADF", "ADF Duplex"], Source.AUTO, Duplex.AUTO, ("ADF Duplex", True, True)),
        (["Flatbed"], Source.AUTO, Duplex.AUTO, ("Flatbed", False, False)),
        ([], Source.AUTO, Duplex.AUTO, (None, False, False)),
        (["Platen", "Document Feeder"], Source.FLATBED, Duplex.AUTO, ("Platen", False, False)),
    ],
)
def test_choose_source(choices: list[str], want: Source, duplex: Duplex, expect: tuple[Any, ...]) -> None:
    assert choose_source(ScanProfile("p", source=want, duplex=duplex), choices) == expect


def test_values_are_checked_in_user_units() -> None:
    res = OptionInfo("resolution", type="fixed", unit="dpi", constraint=Range(1.0, 1200.0, 1.0))
    assert coerce(res, 300) == 300.0
    with pytest.raises(ScanFailure) as exc:
        coerce(res, 1500)
    assert "từ 1 đến 1200 (bước 1)" in exc.value.message
    flag = OptionInfo("read-delay", type="bool", constraint=None)
    assert coerce(flag, "yes") is True and coerce(flag, False) is False
    pic = OptionInfo("test-picture", type="string", constraint=["Solid black", "Grid"])
    assert coerce(pic, "grid") == "Grid"


# -- sides ---------------------------------------------------------------------------------------


def test_duplex_positions_and_back_turning() -> None:
    assert [position(i, True) for i in range(4)] == [(1, Side.FRONT), (1, Side.BACK), (2, Side.FRONT), (2, Side.BACK)]
    assert [position(i, False)[0] for i in range(3)] == [1, 2, 3]
    page = name_page("Phạm Thị Hằng", dpi=100)
    upside_down = turn_content(page, 180)  # a back side as a head-to-foot document comes out
    fixed = turn_back(upside_down, Side.BACK, 180)
    assert np.array_equal(np.asarray(fixed), np.asarray(page))
    assert turn_back(upside_down, Side.FRONT, 180) is upside_down
    assert turn(page, 90).size == (page.height, page.width)
    with pytest.raises(ValueError):
        turn(page, 45)


# -- the image checks --------------------------------------------------------------------------------


def test_blank_back_detection_keeps_anything_written() -> None:
    from PIL import ImageDraw

    back = Image.new("L", (1654, 2339), 242)  # 200 dpi
    d = ImageDraw.Draw(back)
    for x, y in ((60, 400), (60, 1900)):
        d.ellipse((x, y, x + 50, y + 50), fill=25)  # punch holes
    bleed = render_page(["Họ và tên: Nguyễn Văn An", "Ngày sinh: 02/12/2023"] * 6, dpi=200).transpose(
        Image.Transpose.FLIP_LEFT_RIGHT
    )
    faint = Image.fromarray(np.maximum(np.asarray(back), (np.asarray(bleed).astype(int) // 6 + 200).astype(np.uint8)))
    assert is_blank_back(*working_gray(faint, 200))  # only bleed-through of the front
    assert not is_blank_back(*working_gray(render_page(["Ghi chú: đã đối chiếu bản chính."] * 3, dpi=200), 200))
    signed = faint.copy()
    ImageDraw.Draw(signed).line([(700, 1500), (800, 1450), (900, 1540), (1050, 1460)], fill=15, width=5)
    assert not is_blank_back(*working_gray(signed, 200))  # a signature alone
    assert not is_blank_back(*working_gray(Image.new("L", (800, 1100), 0), 100))  # solid black: not blank


def test_separator_sheet_is_found_in_its_own_pdf_even_turned(tmp_path: Path) -> None:
    from pdf2image import convert_from_path

    pdf = write_separator_pdf(tmp_path / "sep.pdf")
    pages = convert_from_path(str(pdf), dpi=150, grayscale=True)
    assert len(pages) == 2  # the same sheet for both sides
    for im in (pages[0], pages[1].rotate(180), pages[0].rotate(3, fillcolor=255)):
        assert is_separator(*working_gray(im, 150))
    assert not is_separator(*working_gray(name_page("Lê Văn Tám"), 150))


# -- a batch at capture, fed with rendered pages ------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.snapshots: list[tuple[int, int]] = []

    def progress(self, batch_id: int, tally: Tally) -> None:
        self.snapshots.append((tally.pages, len(tally.dossiers)))


def _page(spool: Path, index: int, sheet: int, side: Side, im: Image.Image, dpi: int = 100) -> ScannedPage:
    path = spool / f"lo7-to{sheet:03d}-{side.slug}.png"
    im.save(path, dpi=(dpi, dpi))
    path.with_suffix(".json").write_text("{}")
    return ScannedPage(path, index, sheet, side, im.width, im.height, dpi, im.mode, 0.0, 0.0)


def test_separators_split_one_duplex_load_into_dossiers_and_blank_backs_are_kept_aside(
    app: App, tmp_path: Path
) -> None:
    from pdf2image import convert_from_path

    sep = convert_from_path(
        str(write_separator_pdf(tmp_path / "sep.pdf")), dpi=100, grayscale=True, first_page=1, last_page=1
    )[0]
    blank = Image.new("L", sep.size, 245)
    spool = batch_spool(app.settings.scan_spool_dir, 7)
    spool.mkdir(parents=True)
    sheets = [
        (name_page("Nguyễn Văn An", dpi=100), name_page("Nguyễn Văn An", "mặt sau có ghi chú", dpi=100)),
        (name_page("Trần Thị Bích", dpi=100), blank),
        (sep, blank),  # separator printed on one side
        (name_page("Lê Văn Cường", dpi=100), blank),
        (blank, sep),  # separator put in face down
        (name_page("Phạm Thị Dung", dpi=100), name_page("Phạm Thị Dung", "trang 2", dpi=100)),
    ]
    rec = Recorder()
    cap = BatchCapture(
        intake=app.intake,
        store=app.store,
        recorder=rec,
        batch_id=7,
        device="fake:0",
        profile=ScanProfile("intake"),
        is_blank=is_blank_back,  # what sohoa.scanning hands over
    )
    results = []
    i = 0
    for n, (front, back) in enumerate(sheets, start=1):
        for side, im in ((Side.FRONT, front), (Side.BACK, back)):
            i += 1
            results.append(cap.handle(_page(spool, i, n, side, im)))
    fates = [(r.page.sheet, r.page.side.value, r.fate.value, r.dossier) for r in results]
    assert fates == [
        (1, "front", "stored", "7.1"),
        (1, "back", "stored", "7.1"),
        (2, "front", "stored", "7.1"),
        (2, "back", "blank_back", None),
        (3, "front", "separator", None),
        (3, "back", "separator", None),
        (4, "front", "stored", "7.2"),
        (4, "back", "blank_back", None),
        (5, "front", "stored", "7.2"),  # a blank front is never dropped; the face-down separator follows it
        (5, "back", "separator", None),
        (6, "front", "stored", "7.3"),
        (6, "back", "stored", "7.3"),
    ]
    t = cap.tally
    assert (t.pages, t.sheets, t.dossiers, t.separators) == (7, 6, ["7.1", "7.2", "7.3"], [3, 5])
    assert [d["sheet"] for d in t.dropped] == [2, 4]
    for d in t.dropped:  # dropped from OCR, never deleted: in the content store
        assert (app.settings.originals_dir / d["store_key"]).is_file()
    assert rec.snapshots[-1] == (7, 3)
    assert list(spool.iterdir()) == []  # every page was taken or set aside; sidecars gone
    with app.db.read() as s:
        metas = [a.meta for a in s.scalars(select(Arrival).where(Arrival.source == "scanner").order_by(Arrival.id))]
    assert [(m["sheet"], m["side"], m["dossier"]) for m in metas] == [
        (1, "front", "7.1"),
        (1, "back", "7.1"),
        (2, "front", "7.1"),
        (4, "front", "7.2"),
        (5, "front", "7.2"),
        (6, "front", "7.3"),
        (6, "back", "7.3"),
    ]


def test_profile_can_keep_blank_backs_and_ignore_separators(app: App, tmp_path: Path) -> None:
    spool = batch_spool(app.settings.scan_spool_dir, 8)
    spool.mkdir(parents=True)
    cap = BatchCapture(
        intake=app.intake,
        store=app.store,
        recorder=Recorder(),
        batch_id=8,
        device="fake:0",
        profile=ScanProfile("all", drop_blank_backs=False, split_on_separator=False),
        continue_dossier="3.2",
        is_blank=is_blank_back,
    )
    r = cap.handle(_page(spool, 1, 1, Side.FRONT, name_page("Đỗ Văn Em", dpi=100)))
    b = cap.handle(_page(spool, 2, 1, Side.BACK, Image.new("L", (800, 1100), 245)))
    assert (r.fate, b.fate, r.dossier, b.dossier) == (Fate.STORED, Fate.STORED, "3.2", "3.2")  # resumed dossier


def test_pages_left_in_the_spool_by_a_killed_scan_are_recovered(app: App) -> None:
    spool = batch_spool(app.settings.scan_spool_dir, 5)
    spool.mkdir(parents=True)
    p = spool / "lo5-to002-truoc.png"
    name_page("Vũ Thị Gấm", dpi=100).save(p, dpi=(100, 100))
    p.with_suffix(".json").write_text(json.dumps({"batch": 5, "sheet": 2, "side": "front", "device": "test:0"}))
    (spool / ".lo5-to003-truoc.png.part").write_bytes(b"half")
    live = batch_spool(app.settings.scan_spool_dir, 6)
    live.mkdir()
    name_page("Đang Quét", dpi=100).save(live / "lo6-to001-truoc.png")
    results = recover_spool(app.settings.scan_spool_dir, app.intake, is_live=lambda b: b == 6)
    assert [r.outcome.value for r in results] == ["new"]
    assert not spool.exists() and (live / "lo6-to001-truoc.png").exists()
    with app.db.read() as s:
        a = s.scalars(select(Arrival)).one()
    assert a.source == "scanner" and a.meta["sheet"] == 2 and a.meta["recovered"] is True


def test_batches_of_dead_scanning_processes_become_incomplete(app: App) -> None:
    live = DbBatchRecorder(app.db)
    dead = DbBatchRecorder(app.db, worker=f"{__import__('socket').gethostname()}:999999999")
    a = live.start(device="test:0", profile="intake")
    b = dead.start(device="test:0", profile="intake")
    assert live.mark_interrupted("ngắt") == 1
    with app.db.read() as s:
        assert s.get(ScanBatch, a).state == "scanning"
        row = s.get(ScanBatch, b)
        assert (row.state, row.reason, row.message) == ("incomplete", "interrupted", "ngắt")
    assert live.is_live(a) and not live.is_live(b)


# -- settings --------------------------------------------------------------------------------------------


def test_scan_profiles_in_sohoa_toml_merge_with_the_built_in_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sohoa.toml").write_text(
        '[scanner]\ndevice = "fujitsu:fi-7160:1"\n'
        "[scanner.profiles.intake]\nresolution = 200\n"
        '[scanner.profiles.so-dang-ky]\nsource = "flatbed"\nmode = "color"\nresolution = 600\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SOHOA_CONFIG", str(tmp_path / "sohoa.toml"))
    s = load_settings()
    p = s.scanner.profiles
    assert s.scanner.device == "fujitsu:fi-7160:1"
    assert (p["intake"].resolution, p["intake"].source, p["intake"].duplex) == (200, "feeder", "auto")
    assert (p["book"].source, p["book"].mode, p["book"].resolution) == ("flatbed", "color", 400)
    assert p["so-dang-ky"].resolution == 600


@pytest.mark.parametrize(
    ("env", "value", "needle"),
    [
        ("SOHOA_SCANNER__PROFILES__INTAKE__MODE", "sepia", "scanner.profiles.intake.mode"),
        ("SOHOA_SCANNER__PROFILES__INTAKE__RESOLUTION", "5000", "scanner.profiles.intake.resolution"),
        ("SOHOA_SCANNER__PROFILES__INTAKE__BACK_ROTATION", "45", "scanner.profiles.intake.back_rotation"),
        ("SOHOA_SCANNER__DEFAULT_PROFILE", "khong-co", "scanner"),
        ("SOHOA_SCANNER__PAGE_TIMEOUT_S", "0", "scanner.page_timeout_s"),
    ],
)
def test_invalid_scanner_settings_name_the_bad_value(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: str, value: str, needle: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(env, value)
    with pytest.raises(SettingsError) as exc:
        load_settings()
    assert needle in str(exc.value)
