"""``python -m bench``: run sohoa, OCRmyPDF and raw Tesseract on the dev set, score, report."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from bench import cpu, report, systems
from bench.systems import OCRMYPDF, REPO, SystemRun

FAIRNESS = [
    "The systems run one after another, never at the same time, on the same images; the page "
    "cache is warmed by reading every image once before the first run.",
    "Each system keeps all N cores busy: sohoa with --workers N; raw Tesseract as N "
    "single-threaded processes; OCRmyPDF (an image is a one-page input, and OCRmyPDF "
    "parallelises across pages only) as N processes with --jobs 1 in the default parallel mode.",
    "OMP_THREAD_LIMIT=1 for sohoa, Tesseract and parallel OCRmyPDF: OpenMP threads make "
    "Tesseract several times slower per core (stack-facts.md). In sequential mode OCRmyPDF "
    "picks Tesseract's thread count itself.",
    "Pages/min = input pages / wall clock of the whole run, process start-up included. sohoa and "
    "OCRmyPDF also write a searchable PDF per page; raw Tesseract writes only text.",
    "Before each system the benchmark waits (--quiet-wait) for other load on the shared machine "
    "to stop, and it reports the CPU other processes used during each run (from /proc/stat).",
    "Peak RSS is sampled from /proc every 0.2 s and raised to each process's VmHWM; a worker is "
    "a sohoa pool process, one tesseract process, or one ocrmypdf run with all its children.",
]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument(
        "--dev-dir",
        type=Path,
        default=REPO.parent / "shared" / "bench" / "dev",
        help="bench set with images/ and truth/ (default: ../shared/bench/dev)",
    )
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out", help="output folder (default: bench/out)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes per system (default: cores)")
    ap.add_argument("--skip-sohoa", action="store_true")
    ap.add_argument("--skip-ocrmypdf", action="store_true")
    ap.add_argument("--skip-tesseract", action="store_true")
    ap.add_argument(
        "--ocrmypdf-mode",
        choices=("parallel", "sequential"),
        default="parallel",
        help="parallel: N ocrmypdf at once with --jobs 1 (default, faster); sequential: one at a time with --jobs N",
    )
    ap.add_argument(
        "--quiet-wait",
        type=float,
        default=60,
        metavar="S",
        help="before each system, wait up to S seconds for other load on the machine to stop (default 60)",
    )
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages (quick check; not comparable)")
    return ap.parse_args(argv)


def subset(dev: Path, out: Path, limit: int) -> Path:
    """A dev set of the first ``limit`` pages, made of symlinks, so the scorer sees only them."""
    sub = out / "_subset"
    shutil.rmtree(sub, ignore_errors=True)
    (sub / "images").mkdir(parents=True)
    (sub / "truth").mkdir()
    stems = sorted(p.stem for p in (dev / "truth").glob("*.json"))[:limit]
    for img in systems.list_images(dev / "images"):
        if img.stem in stems:
            (sub / "images" / img.name).symlink_to(img.resolve())
    for s in stems:
        (sub / "truth" / f"{s}.json").symlink_to((dev / "truth" / f"{s}.json").resolve())
    return sub


def manifest_dpi(dev: Path) -> dict[str, int]:
    import json

    try:
        pages = json.loads((dev / "manifest.json").read_text(encoding="utf-8"))["pages"]
        return {p["stem"]: int(p["dpi"]) for p in pages if p.get("dpi")}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def git_rev() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "?"
    return rev + (" (uncommitted changes)" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    dev, out = a.dev_dir.resolve(), a.out.resolve()
    score_py = dev.parent / "score.py"
    if not (dev / "images").is_dir() or not score_py.exists():
        sys.exit(f"bench: {dev} needs images/ and ../score.py")
    if not a.skip_ocrmypdf and not OCRMYPDF.exists():
        sys.exit(f"bench: {OCRMYPDF} is missing: run `scripts/setup.sh bench`, or pass --skip-ocrmypdf")
    if not a.skip_tesseract and shutil.which("tesseract") is None:
        sys.exit("bench: `tesseract` is not on PATH: run `scripts/setup.sh bench`, or pass --skip-tesseract")
    out.mkdir(parents=True, exist_ok=True)
    if a.limit:
        dev = subset(dev, out, a.limit)
    images = systems.list_images(dev / "images")
    for img in images:  # warm the page cache so the first system does not pay for the disk
        img.read_bytes()
    logs = out / "logs"
    logs.mkdir(exist_ok=True)
    w = max(1, a.workers)
    print(f"bench: {len(images)} pages from {dev}, {w} workers on {os.cpu_count()} cores → {out}", flush=True)

    plan = [
        ("sohoa", a.skip_sohoa, lambda: systems.run_sohoa(dev / "images", out, logs, w)),
        ("tesseract", a.skip_tesseract, lambda: systems.run_tesseract(dev / "images", out, logs, w)),
        (
            "ocrmypdf",
            a.skip_ocrmypdf,
            lambda: systems.run_ocrmypdf(dev / "images", out, logs, w, a.ocrmypdf_mode, manifest_dpi(dev)),
        ),
    ]
    runs: dict[str, SystemRun] = {}
    for key, skip, fn in plan:
        if skip:
            continue
        idle, waited = cpu.wait_quiet(a.quiet_wait)
        print(
            f"bench: running {report.LABELS[key]} (other load {idle:.2f} cores after waiting {waited:.0f} s) ...",
            flush=True,
        )
        with cpu.Window() as win:
            run = fn()
        foreign = win.foreign_cores(run.cpu_s)
        run.extra.update(
            load_before_cores=round(idle, 2),
            waited_for_quiet_s=round(waited, 1),
            foreign_load_cores=None if foreign is None else round(foreign, 2),
        )
        runs[key] = run
        print(
            f"bench:   {run.pages} pages in {run.wall_s:.1f} s = {run.ppm:.1f} pages/min; "
            f"{len(run.failed)} failed; other load during the run {foreign or 0:.2f} cores",
            flush=True,
        )

    scores = {k: report.score(score_py, dev, r, out / "scores") for k, r in runs.items()}
    all_metrics = {k: report.metrics(scores[k], r) for k, r in runs.items()}
    report.add_ratios(all_metrics)
    text = report.table(all_metrics)

    notes = list(FAIRNESS)
    if a.limit:
        notes.insert(0, f"--limit {a.limit}: only the first {len(images)} pages; not comparable with a full run.")
    for r in runs.values():
        if (r.extra.get("foreign_load_cores") or 0) > 0.25:
            notes.append(
                f"{r.label}: other processes kept {r.extra['foreign_load_cores']:.2f} cores busy during "
                "its run: its pages/min is pessimistic; compare CPU seconds per page"
            )
        for f in r.failed:
            notes.append(f"{r.label} failed: {f}")
    if "sohoa" in runs and runs["sohoa"].extra.get("stage_mean_s"):
        stages = runs["sohoa"].extra["stage_mean_s"]
        notes.append("sohoa mean seconds per page by stage: " + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()))
    meta = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "git": git_rev(),
        "dev_dir": str(dev),
        "pages": len(images),
        "cores": os.cpu_count(),
        "workers": w,
        "ocrmypdf_mode": None if a.skip_ocrmypdf else a.ocrmypdf_mode,
        "python": platform.python_version(),
        "tools": systems.tool_versions(),
    }
    report.write(out, text, meta, runs, scores, all_metrics, notes)

    print()
    print(text)
    print()
    for r in runs.values():
        print(f"{r.label}: {r.setup}")
    for n in notes[len(FAIRNESS) + (1 if a.limit else 0) :]:
        print(n)
    print(f"\nreport: {out / 'report.md'}, {out / 'report.json'}; scorer output in {out / 'scores'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
