"""The three systems under test. Each reads ``<dev>/images`` and leaves one prediction JSON per
page (the format of ``../shared/bench/README.md``) in its own folder, timed on the wall clock
with all cores busy and its workers' memory sampled.

- sohoa: ``sohoa process <images> --out <dir> --workers N`` (one run, its own process pool)
- OCRmyPDF: one ``ocrmypdf`` per image (an image is a one-page input). ``parallel`` mode (the
  default) runs N of them at once with ``--jobs 1``; ``sequential`` runs one at a time with
  ``--jobs N`` and lets OCRmyPDF choose Tesseract's thread count. See ``bench/README.md``.
- raw Tesseract: ``tesseract <img> - -l vie``, N single-threaded processes at once.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench import procs
from bench.memory import MemoryStats, Proc, TreeMonitor

IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".tif", ".tiff"}
REPO = Path(__file__).resolve().parents[1]
OCRMYPDF = REPO / ".venv-bench" / "bin" / "ocrmypdf"


@dataclass
class SystemRun:
    key: str
    label: str
    pred_dir: Path
    pages: int
    wall_s: float
    cpu_s: float | None
    memory: MemoryStats
    setup: str
    failed: list[str] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def ppm(self) -> float:
        return self.pages / self.wall_s * 60 if self.wall_s > 0 else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "setup": self.setup,
            "pred_dir": str(self.pred_dir),
            "pages": self.pages,
            "wall_s": round(self.wall_s, 2),
            "pages_per_min": round(self.ppm, 2),
            "cpu_s": None if self.cpu_s is None else round(self.cpu_s, 1),
            "cpu_s_per_page": None if self.cpu_s is None else round(self.cpu_s / max(1, self.pages), 2),
            "memory": self.memory.as_dict(),
            "failed": self.failed,
            **self.extra,
        }


def list_images(images_dir: Path) -> list[Path]:
    return sorted(p for p in images_dir.iterdir() if p.suffix.lower() in IMAGE_EXTS)


def bench_env(single_thread: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    if single_thread:
        env["OMP_THREAD_LIMIT"] = "1"
    else:
        env.pop("OMP_THREAD_LIMIT", None)
    return env


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _write_pred(path: Path, data: dict[str, object]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _clean_text(raw: str) -> str:
    text = raw.replace("\f", "\n")
    text = re.sub(r"\[OCR skipped on page\(s\) [^\]]*\]", "", text)
    return text.strip()


# sohoa ---------------------------------------------------------------------------------------------


def _sohoa_bin() -> Path:
    here = Path(sys.executable).parent / "sohoa"
    return here if here.exists() else REPO / ".venv" / "bin" / "sohoa"


def _is_sohoa_worker(p: Proc) -> bool:
    line = " ".join(p.cmdline)
    return ("multiprocessing.spawn" in line or "--multiprocessing-fork" in line) and "resource_tracker" not in line


def run_sohoa(images_dir: Path, out_root: Path, logs: Path, workers: int) -> SystemRun:
    out = _fresh(out_root / "sohoa")
    cmd = [str(_sohoa_bin()), "process", str(images_dir), "--out", str(out), "--workers", str(workers)]
    with TreeMonitor(_is_sohoa_worker) as mon:
        r = procs.run("sohoa", cmd, bench_env(), stdout=logs / "sohoa.out", log=logs / "sohoa.err", cwd=REPO)
    images = list_images(images_dir)
    failed = [p.stem for p in images if not (out / f"{p.stem}.json").exists()]
    if r.rc != 0:
        failed.append(f"exit {r.rc}: {procs.tail(r.log)}")
    return SystemRun(
        "sohoa",
        "sohoa",
        out,
        len(images),
        r.wall_s,
        r.cpu_s,
        mon.stats,
        setup=f"sohoa process --workers {workers} (one run, OMP_THREAD_LIMIT=1)",
        failed=failed,
        extra={"ru_maxrss_mb": round(r.maxrss_mb, 1), "stage_mean_s": _stage_means(out, images)},
    )


def _stage_means(out: Path, images: list[Path]) -> dict[str, float]:
    sums: dict[str, float] = {}
    n = 0
    for img in images:
        f = out / f"{img.stem}.json"
        if not f.exists():
            continue
        timings = json.loads(f.read_text(encoding="utf-8")).get("timings") or {}
        n += 1
        for k, v in timings.items():
            if isinstance(v, (int, float)):
                sums[k] = sums.get(k, 0.0) + v
    return {k: round(v / n, 3) for k, v in sums.items()} if n else {}


# OCRmyPDF -------------------------------------------------------------------------------------------


def _is_ocrmypdf(p: Proc) -> bool:
    return any(Path(a).name == "ocrmypdf" for a in p.cmdline[:2])


def _needs_dpi(img: Path) -> bool:
    from PIL import Image

    with Image.open(img) as im:
        dpi = im.info.get("dpi")
    return not dpi or min(float(d) for d in dpi) < 10


def run_ocrmypdf(
    images_dir: Path, out_root: Path, logs: Path, workers: int, mode: str, fallback_dpi: dict[str, int]
) -> SystemRun:
    out = out_root / "ocrmypdf"
    pdf_dir, txt_dir, pred_dir = (_fresh(out / d) for d in ("pdf", "txt", "pred"))
    log_dir = _fresh(logs / "ocrmypdf")
    parallel = mode == "parallel"
    jobs_flag = 1 if parallel else workers
    images = list_images(images_dir)
    jobs = []
    for img in images:
        cmd = [
            str(OCRMYPDF),
            "--deskew",
            "--rotate-pages",
            "--clean",
            "-l",
            "vie",
            "--jobs",
            str(jobs_flag),
            "--output-type",
            "pdf",
            "--sidecar",
            str(txt_dir / f"{img.stem}.txt"),
        ]
        if _needs_dpi(img):
            cmd += ["--image-dpi", str(fallback_dpi.get(img.stem, 300))]
        cmd += [str(img), str(pdf_dir / f"{img.stem}.pdf")]
        jobs.append(procs.Job(img.stem, cmd, log=log_dir / f"{img.stem}.log"))
    with TreeMonitor(_is_ocrmypdf) as mon:
        results, wall = procs.run_many(jobs, workers if parallel else 1, bench_env(single_thread=parallel), cwd=out)
    failed = []
    for img, r in zip(images, results):
        txt, pdf = txt_dir / f"{img.stem}.txt", pdf_dir / f"{img.stem}.pdf"
        if r.rc != 0 or not txt.exists():
            failed.append(f"{img.stem}: exit {r.rc}: {procs.tail(r.log, 1)}")
            continue
        pred: dict[str, object] = {
            "text": _clean_text(txt.read_text(encoding="utf-8", errors="replace")),
            "skew_deg": None,
        }
        pred["rotation"] = _applied_rotation(pdf, r.log)
        _write_pred(pred_dir / f"{img.stem}.json", pred)
    how = (
        f"{workers} ocrmypdf processes at once, --jobs 1 each, OMP_THREAD_LIMIT=1"
        if parallel
        else f"one ocrmypdf at a time, --jobs {workers}, Tesseract threads chosen by OCRmyPDF"
    )
    return SystemRun(
        "ocrmypdf",
        "OCRmyPDF",
        pred_dir,
        len(images),
        wall,
        sum(r.cpu_s for r in results),
        mon.stats,
        setup=f"{how}; --deskew --rotate-pages --clean -l vie --output-type pdf --sidecar",
        failed=failed,
        extra={"mode": mode, "ru_maxrss_mb_max": round(max((r.maxrss_mb for r in results), default=0), 1)},
    )


ARROWS = {"⇧": 0, "⇨": 90, "⇩": 180, "⇦": 270}  # OCRmyPDF's "page is facing ..." = clockwise turn


def _applied_rotation(pdf: Path, log: Path | None) -> int | None:
    """The turn OCRmyPDF corrected, in the truth's convention (content turned clockwise).

    A page it only re-labels gets ``/Rotate = (360 - rotation) % 360``. But when it rasterizes
    the page (``--deskew`` does), OCRmyPDF 17 bakes the turn into the new page image and leaves
    ``/Rotate`` at 0; then only its log says so: "page is facing ⇩, ... - will rotate".
    """
    page_rot = _pdf_page_rotate(pdf)
    if page_rot:
        return (360 - page_rot) % 360
    text = log.read_text(encoding="utf-8", errors="replace") if log and log.exists() else ""
    m = re.search(r"page is facing (\S), confidence [\d.]+ - will rotate", text)
    if m and m.group(1) in ARROWS:
        return ARROWS[m.group(1)]
    return None if page_rot is None else 0


def _pdf_page_rotate(pdf: Path) -> int | None:
    if not pdf.exists():
        return None
    try:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"^Page rot:\s+(-?\d+)", info, re.M)
    return int(m.group(1)) % 360 if m else None


# raw Tesseract -------------------------------------------------------------------------------------


def run_tesseract(images_dir: Path, out_root: Path, logs: Path, workers: int) -> SystemRun:
    out = out_root / "tesseract"
    txt_dir, pred_dir = _fresh(out / "txt"), _fresh(out / "pred")
    log_dir = _fresh(logs / "tesseract")
    images = list_images(images_dir)
    jobs = [
        procs.Job(
            img.stem,
            ["tesseract", str(img), "-", "-l", "vie"],
            stdout=txt_dir / f"{img.stem}.txt",
            log=log_dir / f"{img.stem}.log",
        )
        for img in images
    ]
    with TreeMonitor(lambda p: p.name == "tesseract") as mon:
        results, wall = procs.run_many(jobs, workers, bench_env())
    failed = []
    for img, r in zip(images, results):
        if r.rc != 0:
            failed.append(f"{img.stem}: exit {r.rc}: {procs.tail(r.log, 1)}")
            continue
        text = _clean_text((txt_dir / f"{img.stem}.txt").read_text(encoding="utf-8", errors="replace"))
        _write_pred(pred_dir / f"{img.stem}.json", {"text": text})
    return SystemRun(
        "tesseract",
        "raw tesseract",
        pred_dir,
        len(images),
        wall,
        sum(r.cpu_s for r in results),
        mon.stats,
        setup=f"{workers} `tesseract <img> - -l vie` at once, OMP_THREAD_LIMIT=1",
        failed=failed,
        extra={"ru_maxrss_mb_max": round(max((r.maxrss_mb for r in results), default=0), 1)},
    )


def tool_versions() -> dict[str, str]:
    def first_line(cmd: list[str]) -> str:
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        except OSError as exc:
            return f"unavailable ({exc.strerror})"
        return ((r.stdout or r.stderr).strip().splitlines() or ["?"])[0]

    return {
        "tesseract": first_line(["tesseract", "--version"]),
        "ocrmypdf": first_line([str(OCRMYPDF), "--version"]) if OCRMYPDF.exists() else "not installed",
    }
