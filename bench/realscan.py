"""``python -m bench.realscan``: sohoa beside plain Tesseract (and OCRmyPDF when installed) on
real scans and on our own realistically damaged pages.

Sets:

* ``real-dev``: the four real scans in ``/work/shared/bench/real-dev`` (images + text truth);
* ``tune`` and ``holdout``: pages drawn by ``bench.realscan_pages`` and damaged by
  ``bench.realscan_degrade`` or, for the ``aug_*`` kinds, by augraphy (``bench.augraphy_kinds``,
  in ``.venv-augraphy``) (every kind on every page), generated now into
  ``bench/out/realscan/<set>/`` from fixed seeds. The two use disjoint sentence templates and
  seeds; ``tune`` is what the OCR was developed against, ``holdout`` is only measured.

Systems: ``sohoa process <images> --out <dir>`` (one JSON per page), ``tesseract <img> - -l vie``
(no options: what a new user runs), ``.venv-bench/bin/ocrmypdf -l vie --sidecar`` when present.
All single-threaded (OMP_THREAD_LIMIT=1), ``--workers`` at once.

Scores come from the shared scorer (``score_text.py``: NFC, leaders dropped, whitespace
collapsed): CER, words kept (truth words found in the output, as a multiset), extra words
(output words not in the truth: seals, signatures, handwriting and noise read as text) and the
pages where sohoa keeps fewer truth words than plain Tesseract. Tables per degradation kind and
per true resolution, tune and holdout side by side; ``<out>/realscan/report.json`` has every
page.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

from bench import augraphy_kinds
from bench.realscan_degrade import KINDS as OWN_KINDS
from bench.realscan_degrade import degrade
from bench.realscan_pages import MASTER_DPI, draw_page

REPO = Path(__file__).resolve().parents[1]
SHARED = Path("/work/shared/bench")
OCRMYPDF = REPO / ".venv-bench" / "bin" / "ocrmypdf"
SEEDS = {"tune": range(1, 4), "holdout": range(101, 104)}
SYSTEMS = ("sohoa", "tesseract", "ocrmypdf")
# Our own damage (bench.realscan_degrade) and augraphy's recipes (bench.augraphy_kinds: the
# 300-dpi master through .venv-augraphy's bench/augraphy_run.py), one list of kinds.
KINDS = OWN_KINDS + augraphy_kinds.KINDS
KIND_GROUPS = {"own": OWN_KINDS, "aug": augraphy_kinds.KINDS, "all": KINDS}


def load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_text", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load the scorer {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def generate(subset: str, seeds: range, root: Path, kinds: tuple[str, ...]) -> Path:
    """Images and truth of one drawn set under ``root/subset``; returns the set's folder."""
    out = root / subset
    shutil.rmtree(out, ignore_errors=True)
    (out / "images").mkdir(parents=True)
    (out / "truth").mkdir()
    meta = {}
    jobs = []
    for seed in seeds:
        page = draw_page(subset, seed)
        for kind in kinds:
            stem = f"{kind}_{seed:03d}"
            (out / "truth" / f"{stem}.txt").write_text(page.truth, encoding="utf-8")
            if kind in augraphy_kinds.KINDS:  # the clean master, degraded below in one augraphy run
                src = out / "aug_src" / f"{stem}.png"
                src.parent.mkdir(exist_ok=True)
                page.image.save(src, format="PNG", dpi=(MASTER_DPI, MASTER_DPI))
                recipe = augraphy_kinds.recipe_of(kind)
                # seed*10 + recipe: tune (1..) and hold-out (101..) page seeds stay apart
                aug_seed = seed * 10 + augraphy_kinds.RECIPES.index(recipe)
                jobs.append({"in": src, "out": out / "images" / f"{stem}.png", "recipe": recipe, "seed": aug_seed})
                meta[stem] = {"kind": kind, "dpi": MASTER_DPI, "aug_seed": aug_seed}
                continue
            d = degrade(page, kind, seed)
            (out / "images" / f"{stem}{d.suffix}").write_bytes(d.data)
            meta[stem] = {"kind": kind, "dpi": d.dpi}
    if jobs:
        t = time.perf_counter()
        augraphy_kinds.run(jobs)
        shutil.rmtree(out / "aug_src")
        print(f"realscan:   augraphy {len(jobs)} pages {time.perf_counter() - t:.0f} s", file=sys.stderr)
    (out / "meta.json").write_text(json.dumps(meta, indent=1))
    return out


def run_sohoa(images: Path, pred: Path, workers: int, env: dict[str, str]) -> float:
    shutil.rmtree(pred, ignore_errors=True)
    pred.mkdir(parents=True)
    t = time.perf_counter()
    cmd = [str(REPO / ".venv" / "bin" / "sohoa"), "process", str(images), "--out", str(pred)]
    subprocess.run([*cmd, "--workers", str(workers)], check=True, env=env, capture_output=True)
    return time.perf_counter() - t


def _run_each(cmds: list[tuple[Path, list[str]]], workers: int, env: dict[str, str]) -> None:
    def one(item: tuple[Path, list[str]]) -> None:
        out, cmd = item
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        out.write_text(r.stdout if r.returncode == 0 else "", encoding="utf-8")

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, cmds))


def run_tesseract(images: list[Path], pred: Path, workers: int, env: dict[str, str]) -> float:
    shutil.rmtree(pred, ignore_errors=True)
    pred.mkdir(parents=True)
    t = time.perf_counter()
    _run_each([(pred / f"{p.stem}.txt", ["tesseract", str(p), "-", "-l", "vie"]) for p in images], workers, env)
    return time.perf_counter() - t


def run_ocrmypdf(images: list[Path], pred: Path, workers: int, env: dict[str, str]) -> float:
    from PIL import Image

    shutil.rmtree(pred, ignore_errors=True)
    pred.mkdir(parents=True)
    t = time.perf_counter()

    def one(p: Path) -> None:
        with Image.open(p) as im:
            tagged = bool(im.info.get("dpi"))
        cmd = [str(OCRMYPDF), "-l", "vie", "--jobs", "1", "--output-type", "pdf"]
        cmd += ["--sidecar", str(pred / f"{p.stem}.txt")] + ([] if tagged else ["--image-dpi", "300"])
        subprocess.run([*cmd, str(p), str(pred / f"{p.stem}.pdf")], capture_output=True, env=env)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - t


def _pred_text(pred: Path, stem: str) -> str:
    j, t = pred / f"{stem}.json", pred / f"{stem}.txt"
    if j.exists():
        return str(json.loads(j.read_text(encoding="utf-8")).get("text", ""))
    return t.read_text(encoding="utf-8") if t.exists() else ""


def _sohoa_notes(pred: Path, stem: str) -> dict[str, object]:
    j = pred / f"{stem}.json"
    if not j.exists():
        return {}
    d = json.loads(j.read_text(encoding="utf-8"))
    return {k: d.get(k) for k in ("dpi", "dpi_source", "ocr_dpi", "passes")}


def score_set(
    name: str, folder: Path, images: Path, systems: list[str], scorer: ModuleType, meta: dict[str, dict]
) -> list[dict]:
    rows = []
    for img in sorted(images.iterdir()):
        truth = (folder / "truth" / f"{img.stem}.txt").read_text(encoding="utf-8")
        row: dict[str, object] = {"set": name, "stem": img.stem, **meta.get(img.stem, {"kind": "real", "dpi": None})}
        for s in systems:
            c = scorer.counts(truth, _pred_text(folder / "pred" / s, img.stem))
            row[s] = {
                "chars": c["chars"],
                "edits": c["char_edits"],
                "words": c["words"],
                "kept": c["common_words"],
                "extra": c["pred_words"] - c["common_words"],
            }
        row["sohoa_notes"] = _sohoa_notes(folder / "pred" / "sohoa", img.stem)
        rows.append(row)
    return rows


def _agg(rows: list[dict], systems: list[str]) -> dict[str, object]:
    out: dict[str, object] = {"pages": len(rows)}
    for s in systems:
        chars = sum(r[s]["chars"] for r in rows) or 1
        out[s] = {
            "cer": 100.0 * sum(r[s]["edits"] for r in rows) / chars,
            "kept": sum(r[s]["kept"] for r in rows),
            "extra": sum(r[s]["extra"] for r in rows),
        }
    out["words"] = sum(r["sohoa"]["words"] for r in rows)
    out["fewer"] = sum(1 for r in rows if r["sohoa"]["kept"] < r["tesseract"]["kept"])
    return out


def _cell(a: dict | None, systems: list[str]) -> str:
    if not a:
        return "—"
    cers = " / ".join(f"{a[s]['cer']:5.1f}" for s in systems)
    kept = " / ".join(f"{a[s]['kept']}" for s in systems)
    extra = " / ".join(f"{a[s]['extra']}" for s in systems)
    return f"{cers} | {kept} of {a['words']} | {extra} | {a['fewer']}/{a['pages']}"


def print_tables(rows: list[dict], systems: list[str], sets: list[str]) -> str:
    lines = []
    who = " / ".join(systems)
    head = f"CER % ({who}) | words kept ({who}) of truth | extra words ({who}) | pages sohoa keeps fewer"
    for key, label in (("kind", "degradation kind"), ("dpi", "true resolution (dpi)")):
        lines.append(f"\nby {label}: {head}")
        groups: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        for r in rows:
            groups[str(r[key])][r["set"]].append(r)
        order = sorted(groups, key=lambda k: (KINDS.index(k) if k in KINDS else -1) if key == "kind" else _num(k))
        hdr = f"{label:<22}" + "".join(f" || {s:^62}" for s in sets)
        lines.append(hdr)
        for g in order:
            cells = [_cell(_agg(groups[g][s], systems) if groups[g][s] else None, systems) for s in sets]
            lines.append(f"{g:<22}" + "".join(f" || {c:<62}" for c in cells))
        totals = [_cell(_agg([r for r in rows if r["set"] == s], systems), systems) for s in sets]
        lines.append(f"{'all':<22}" + "".join(f" || {c:<62}" for c in totals))
    real = [r for r in rows if r["set"] == "real-dev"]
    if real:
        lines.append(f"\nreal-dev per page: CER % ({who}) | words kept | sohoa's resolution and passes")
        for r in real:
            cers = " / ".join(f"{100 * r[s]['edits'] / max(1, r[s]['chars']):5.1f}" for s in systems)
            kept = " / ".join(str(r[s]["kept"]) for s in systems)
            lines.append(f"{r['stem']:<26} {cers} | {kept} of {r['sohoa']['words']} | {r['sohoa_notes']}")
    text = "\n".join(lines)
    print(text)
    return text


def _num(k: str) -> float:
    try:
        return float(k)
    except ValueError:
        return -1.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.realscan", description=__doc__.split("\n\n")[0])
    ap.add_argument("--real-dev", type=Path, default=SHARED / "real-dev", help="real scans with text truth")
    ap.add_argument("--scorer", type=Path, default=SHARED / "score_text.py")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "realscan")
    ap.add_argument("--sets", default="real-dev,tune,holdout", help="comma-separated: real-dev, tune, holdout")
    ap.add_argument(
        "--kinds",
        default="own",
        help="degradation kinds for the drawn sets, comma-separated, or a group: own (default: "
        f"{','.join(OWN_KINDS)}), aug ({','.join(augraphy_kinds.KINDS)}: augraphy, needs .venv-augraphy), all",
    )
    ap.add_argument("--pages", type=int, default=3, help="drawn pages per set (each in every kind)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-tesseract", action="store_true", help="reuse the last plain-Tesseract output")
    args = ap.parse_args(argv)
    sets = [s for s in args.sets.split(",") if s]
    kinds = tuple(dict.fromkeys(x for k in args.kinds.split(",") if k for x in KIND_GROUPS.get(k, (k,))))
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        ap.error(f"unknown kinds {unknown}; known: {', '.join(KINDS)}")
    scorer = load_scorer(args.scorer)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    systems = ["sohoa", "tesseract"] + (["ocrmypdf"] if OCRMYPDF.exists() else [])
    rows: list[dict] = []
    for s in sets:
        if s == "real-dev":
            folder = args.out / "real-dev"
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copytree(args.real_dev / "truth", folder / "truth", dirs_exist_ok=True)
            images, meta = args.real_dev / "images", {}
        elif s in SEEDS:
            seeds = range(SEEDS[s].start, SEEDS[s].start + args.pages)
            keep = (args.out / s / "pred" / "tesseract") if args.skip_tesseract else None
            saved = args.out / f".{s}-tesseract"
            if keep is not None and keep.exists():
                shutil.rmtree(saved, ignore_errors=True)
                shutil.move(str(keep), saved)
            folder = generate(s, seeds, args.out, kinds)
            if keep is not None and saved.exists():
                (folder / "pred").mkdir(exist_ok=True)
                shutil.move(str(saved), folder / "pred" / "tesseract")
            images = folder / "images"
            meta = json.loads((folder / "meta.json").read_text())
        else:
            ap.error(f"unknown set {s!r}")
        imgs = sorted(images.iterdir())
        print(f"realscan: {s}: {len(imgs)} pages", file=sys.stderr)
        t = run_sohoa(images, folder / "pred" / "sohoa", args.workers, env)
        print(f"realscan:   sohoa {t:.0f} s", file=sys.stderr)
        if not (args.skip_tesseract and (folder / "pred" / "tesseract").exists()):
            t = run_tesseract(imgs, folder / "pred" / "tesseract", args.workers, env)
            print(f"realscan:   tesseract {t:.0f} s", file=sys.stderr)
        if "ocrmypdf" in systems:
            t = run_ocrmypdf(imgs, folder / "pred" / "ocrmypdf", args.workers, env)
            print(f"realscan:   ocrmypdf {t:.0f} s", file=sys.stderr)
        rows += score_set(s, folder, images, systems, scorer, meta)
    text = print_tables(rows, systems, sets)
    (args.out / "report.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    (args.out / "report.txt").write_text(text + "\n", encoding="utf-8")
    if "ocrmypdf" not in systems:
        print(f"\n(OCRmyPDF not installed at {OCRMYPDF}: not compared)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
