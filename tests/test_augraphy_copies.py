"""The benches' augraphy copies: real augraphy in ``.venv-augraphy`` (made by ``scripts/setup.sh
test``), run by ``bench/augraphy_run.py`` in a real subprocess on a generated form page.

Same seed → same bytes (across two processes); another seed → other bytes; every recipe returns a
readable PNG of the input's size and DPI that is not the input; Tesseract still reads the page
through the photocopy recipe."""

from __future__ import annotations

import io
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bench import augraphy_kinds
from bench.formgen import degrade, families
from bench.formgen.generate import AUG_DPI, build, write_aug_pages


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A generated birth declaration as the forms bench hands it to augraphy: a clean 200-dpi PNG."""
    if not augraphy_kinds.available():  # never skipped: the project's setup installs it
        pytest.fail(f"{augraphy_kinds.AUG_PYTHON} is missing: run scripts/setup.sh test")
    pg = build(families.BY_NAME["standard"], 0)
    src = tmp_path_factory.mktemp("aug") / "form.png"
    src.write_bytes(degrade.master(pg.image, pg.dpi, 0.0, AUG_DPI))  # type: ignore[arg-type]  # PIL image
    return src, pg.fields


def _open(p: Path) -> tuple[np.ndarray, tuple[int, int], tuple[float, float] | None]:
    data = p.read_bytes()
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        assert im.format == "PNG"
        return np.asarray(im.convert("L")), im.size, im.info.get("dpi")


def test_recipes_deterministic_and_keep_size_and_dpi(page: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    src, fields = page
    first = [{"in": src, "out": tmp_path / f"{r}_5.png", "recipe": r, "seed": 5} for r in augraphy_kinds.RECIPES]
    first.append({"in": src, "out": tmp_path / "photocopy_6.png", "recipe": "photocopy", "seed": 6})
    done = augraphy_kinds.run(first, timeout=900)
    assert [d["recipe"] for d in done] == [*augraphy_kinds.RECIPES, "photocopy"]
    again = [
        {"in": src, "out": tmp_path / "again_photocopy_5.png", "recipe": "photocopy", "seed": 5},
        {"in": src, "out": tmp_path / "again_folding_5.png", "recipe": "folding", "seed": 5},
    ]
    augraphy_kinds.run(again, timeout=900)  # a second process: nothing carried over from the first

    # same seed, same bytes; another seed, other bytes
    assert (tmp_path / "photocopy_5.png").read_bytes() == (tmp_path / "again_photocopy_5.png").read_bytes()
    assert (tmp_path / "folding_5.png").read_bytes() == (tmp_path / "again_folding_5.png").read_bytes()
    assert (tmp_path / "photocopy_5.png").read_bytes() != (tmp_path / "photocopy_6.png").read_bytes()

    clean, size, dpi = _open(src)
    assert dpi is not None and round(dpi[0]) == AUG_DPI
    for r in augraphy_kinds.RECIPES:
        arr, osize, odpi = _open(tmp_path / f"{r}_5.png")
        assert osize == size, r
        assert odpi is not None and round(odpi[0]) == round(dpi[0]) and round(odpi[1]) == round(dpi[1]), r
        changed = float(np.mean(np.abs(arr.astype(np.int16) - clean.astype(np.int16)) > 24))
        assert changed > 0.002, f"{r}: only {changed:.4f} of the pixels changed"
        assert arr.min() < 80 and np.median(arr) > 150, f"{r}: no longer dark print on light paper"

    # still a page that can be read: real Tesseract finds most of the field values' words
    out = subprocess.run(
        ["tesseract", str(tmp_path / "photocopy_5.png"), "-", "-l", "vie"], capture_output=True, text=True, check=True
    ).stdout
    text = unicodedata.normalize("NFC", out).casefold()
    words = [w.casefold() for v in fields.values() for w in unicodedata.normalize("NFC", v).split() if len(w) > 3]
    found = sum(w in text for w in words)
    assert words and found >= 0.6 * len(words), f"{found} of {len(words)} value words read"


def test_forms_aug_pages_share_one_master_and_apart_seeds(tmp_path: Path) -> None:
    """``bench.forms --aug``: one truth per recipe of the same page, tune and hold-out seeds apart."""
    (tmp_path / "truth").mkdir()
    (tmp_path / "aug_src").mkdir()
    rows, jobs = write_aug_pages(tmp_path, "standard", 1, augraphy_kinds.RECIPES)
    assert [r["copy"] for r in rows] == list(augraphy_kinds.KINDS)
    assert len({j["in"] for j in jobs}) == 1 and len({j["seed"] for j in jobs}) == len(jobs)
    tune = {j["seed"] for j in jobs}
    hold = families.BY_NAME["vendor_c"]
    assert hold.split == "holdout"
    _rows, hjobs = write_aug_pages(tmp_path, hold.name, 1, augraphy_kinds.RECIPES)
    assert max(tune) < min(j["seed"] for j in hjobs)
