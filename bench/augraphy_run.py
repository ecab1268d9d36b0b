"""Degrade page images with augraphy (a maintained document-degradation library), by named recipe.

Runs in its own virtual environment, ``.venv-augraphy`` (made by ``scripts/setup.sh test|bench``
from ``bench/augraphy-requirements.txt``): augraphy needs ``opencv-python``, which must not sit
beside the main venv's ``opencv-python-headless`` (two wheels writing one ``cv2``), plus numba,
scikit-learn, scikit-image and matplotlib. The benches call it as a subprocess
(``bench.augraphy_kinds``); it never imports sohoa.

    .venv-augraphy/bin/python bench/augraphy_run.py --recipe photocopy --seed 7 IN.png OUT.png
    .venv-augraphy/bin/python bench/augraphy_run.py --jobs jobs.json
        # jobs.json: [{"in": "...", "out": "...", "recipe": "fax", "seed": 3}, ...]

Recipes (augraphy's own augmentations; sizes scaled from the image's DPI where they are in pixels):

| recipe | augraphy |
|---|---|
| ``photocopy`` | ink: LowInkRandomLines or LowInkPeriodicLines; post: DirtyRollers, BadPhotoCopy, Brightness (no Faxify) |
| ``fax`` | ink: LowInkRandomLines or LowInkPeriodicLines; post: Faxify at ~200 dpi (monochrome, threshold method drawn by augraphy, no halftone) |
| ``print_scan`` | ``default_augraphy_pipeline()`` (ink, paper and post phases, every group at its p = 0.2) without what writes text the truth lacks (WaterMark, Markup, Scribbles, PageBorder's page numbers), moves or mirrors the page (Geometric, BookBinding, PageBorder, Squish), needs files from the network (PaperFactory, BindingsAndFasteners), or draws letters as outlines (Hollow) |
| ``folding`` | ink: InkBleed; paper: BleedThrough (the page's own mirror image); post: Folding (1-3 creases across or down the page, 0.2-0.6 % of the page height deep) |

Guarantees: the same input bytes, recipe and seed give the same output bytes (Python's ``random``,
NumPy's, OpenCV's and numba's generators are seeded before the recipe's pipeline is built, and
numba runs on one thread; each page gets an empty augraphy cache folder); the output has the input's size and DPI tag (none when the input has
none) and is a PNG (grey when augraphy returns one channel, else RGB).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

# One numba thread: deterministic random streams inside numba's parallel loops, and a modest
# share of a 2-core machine. Set before numba is imported (augraphy imports it).
os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2
import numpy as np
from PIL import Image

RECIPES = ("photocopy", "fax", "print_scan", "folding")

# print_scan: augraphy's default pipeline minus what the OCR truth cannot hold (added text, a moved
# or mirrored page) and what fetches files.
_DROP = {
    "WaterMark",
    "Markup",
    "Scribbles",
    "PageBorder",
    "Geometric",
    "BookBinding",
    "Squish",
    "PaperFactory",
    "BindingsAndFasteners",
    "Hollow",  # letters drawn as outlines only: no printer, copier or scanner does that
}


def _seed_numba(seed: int) -> None:
    from numba import njit

    @njit(cache=False)
    def _s(v: int) -> None:
        np.random.seed(v)
        random.seed(v)

    _s(seed)


def _seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    cv2.setRNGSeed(seed)
    _seed_numba(seed)


def _low_ink(aug: Any) -> Any:
    return aug.OneOf(
        [
            aug.LowInkRandomLines(count_range=(4, 10), use_consistent_lines=random.choice([True, False])),
            aug.LowInkPeriodicLines(
                count_range=(2, 5), period_range=(16, 32), use_consistent_lines=random.choice([True, False])
            ),
        ],
        p=0.9,
    )


def _filter(phase: Any, aug: Any) -> list:
    """``phase`` without the dropped augmentations (inside OneOf and AugmentationSequence too)."""
    kept = []
    for a in getattr(phase, "augmentations", phase):
        name = type(a).__name__
        if name in _DROP:
            continue
        if isinstance(a, aug.OneOf):
            inner = _filter(a.augmentations, aug)
            if inner:
                kept.append(aug.OneOf(inner, p=a.p))
            continue
        if isinstance(a, aug.AugmentationSequence):
            inner = _filter(a.augmentations, aug)
            if inner:
                kept.append(aug.AugmentationSequence(inner, p=a.p))
            continue
        kept.append(a)
    return kept


def build(recipe: str, dpi: float) -> Any:
    """The recipe's augraphy pipeline for a page scanned at ``dpi``. Call after seeding: augraphy
    draws some parameters when a pipeline is built."""
    import augraphy as aug

    k = dpi / 300.0  # pixel sizes below are for 300 dpi
    if recipe == "photocopy":
        ink = [_low_ink(aug)]
        post = [
            aug.DirtyRollers(line_width_range=(max(2, round(2 * k)), max(3, round(24 * k))), scanline_type=0, p=0.8),
            aug.BadPhotoCopy(
                noise_type=-1,
                noise_side="random",
                noise_iteration=(1, 2),
                noise_size=(1, 3),
                noise_value=(64, 196),
                noise_sparsity=(0.3, 0.6),
                noise_concentration=(0.1, 0.6),
                blur_noise=random.choice([True, False]),
                blur_noise_kernel=random.choice([(3, 3), (5, 5)]),
                wave_pattern=random.choice([True, False]),
                edge_effect=random.choice([True, False]),
                p=1,
            ),
            aug.Brightness(brightness_range=(0.85, 1.05), min_brightness=0, p=0.5),
        ]
        return aug.AugraphyPipeline(ink_phase=ink, paper_phase=[], post_phase=post)
    if recipe == "fax":
        ink = [_low_ink(aug)]
        post = [
            aug.Faxify(
                scale_range=(dpi / 204.0, dpi / 196.0),  # to fax fine resolution (~200 dpi) and back
                monochrome=1,
                monochrome_method="random",
                halftone=0,
                p=1,
            )
        ]
        return aug.AugraphyPipeline(ink_phase=ink, paper_phase=[], post_phase=post)
    if recipe == "print_scan":
        d = aug.default_augraphy_pipeline()
        return aug.AugraphyPipeline(
            ink_phase=_filter(d.ink_phase, aug),
            paper_phase=_filter(d.paper_phase, aug),
            post_phase=_filter(d.post_phase, aug),
        )
    if recipe == "folding":
        ink = [
            aug.InkBleed(intensity_range=(0.2, 0.5), kernel_size=random.choice([(3, 3), (5, 5)]), severity=(0.3, 0.5))
        ]
        paper = [
            aug.BleedThrough(
                intensity_range=(0.1, 0.3),
                color_range=(32, 224),
                ksize=(17, 17),
                sigmaX=0,
                alpha=random.uniform(0.1, 0.25),
                offsets=(max(1, round(10 * k)), max(2, round(20 * k))),
            )
        ]
        post = [
            # a letter folded for the envelope and pressed flat on the scanner glass: creases across
            # the lines (thirds) or down the page, lifting the print by 0.2-0.6 % of the page height
            # (augraphy's default depth, 1-2 %, bends lines by a text line's height)
            aug.Folding(
                fold_count=random.randint(1, 3),
                fold_noise=random.uniform(0.0, 0.05),
                fold_angle_range=random.choice([(88, 92), (-2, 2)]),
                gradient_width=(0.1, 0.2),
                gradient_height=(0.002, 0.006),
                backdrop_color=(0, 0, 0),
            )
        ]
        return aug.AugraphyPipeline(ink_phase=ink, paper_phase=paper, post_phase=post)
    raise ValueError(f"unknown recipe {recipe!r}; known: {', '.join(RECIPES)}")


def degrade_file(src: Path, dst: Path, recipe: str, seed: int) -> dict:
    """Degrade one image file into ``dst`` (PNG); returns what was done."""
    if recipe not in RECIPES:
        raise ValueError(f"unknown recipe {recipe!r}; known: {', '.join(RECIPES)}")
    with Image.open(src) as im:
        dpi_tag = im.info.get("dpi")
        mode = im.mode
        pil = im.convert("L") if im.mode in ("1", "L", "LA", "I;16") else im.convert("RGB")
    arr = np.asarray(pil)
    if arr.ndim == 3:
        arr = cv2.cvtColor(arr, cv2.COLOR_RGB2BGR)
    h, w = arr.shape[:2]
    dpi = float(dpi_tag[0]) if dpi_tag else 300.0
    _seed_all(seed)
    pipeline = build(recipe, dpi)
    # augraphy keeps the pages it has seen in ./augraphy_cache and BleedThrough shows one of them,
    # drawn at random, through the paper: an empty cache per page keeps the result independent of
    # earlier pages (the back shown is the page's own mirror image) and the caller's folder clean.
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="augraphy-") as tmp:
        os.chdir(tmp)
        try:
            out = pipeline(arr)
        finally:
            os.chdir(here)
    if isinstance(out, tuple):  # older augraphy returns (image, ...) with some options
        out = out[0]
    out = np.asarray(out)
    if out.shape[:2] != (h, w):  # never expected from these recipes; keep the page's size anyway
        out = cv2.resize(out, (w, h), interpolation=cv2.INTER_AREA)
    if out.ndim == 3 and out.shape[2] == 4:
        out = out[:, :, :3]
    if out.ndim == 3:
        res = Image.fromarray(cv2.cvtColor(out.astype(np.uint8), cv2.COLOR_BGR2RGB), "RGB")
    else:
        res = Image.fromarray(out.astype(np.uint8), "L")
    kw: dict[str, object] = {}
    if dpi_tag:
        kw["dpi"] = (float(dpi_tag[0]), float(dpi_tag[1]))
    dst.parent.mkdir(parents=True, exist_ok=True)
    res.save(dst, format="PNG", **kw)
    return {"in": str(src), "out": str(dst), "recipe": recipe, "seed": seed, "mode_in": mode, "mode_out": res.mode}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="augraphy_run.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--recipe", choices=RECIPES)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=Path, help='JSON list of {"in", "out", "recipe", "seed"}')
    ap.add_argument("paths", nargs="*", help="IN OUT (with --recipe)")
    a = ap.parse_args(argv)
    if a.jobs:
        jobs = json.loads(a.jobs.read_text(encoding="utf-8"))
    elif a.recipe and len(a.paths) == 2:
        jobs = [{"in": a.paths[0], "out": a.paths[1], "recipe": a.recipe, "seed": a.seed}]
    else:
        ap.error("give --jobs FILE, or --recipe R [--seed S] IN OUT")
    for j in jobs:
        src, dst = Path(j["in"]).resolve(), Path(j["out"]).resolve()
        done = degrade_file(src, dst, str(j["recipe"]), int(j["seed"]))
        print(json.dumps(done), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
