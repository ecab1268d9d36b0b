"""``python -m bench.scale``: the Celery path against the embedded runner, 1, 2 and 4 worker processes.

The dev set (``../shared/bench/dev/images``, 40 pages) is replicated to ``--pages`` pages (500 by
default). Every copy differs in a few bytes of metadata — a JPEG comment segment or a PNG tEXt
chunk, the pixels untouched — so each has its own content hash and is OCR'd, not linked as a
duplicate. For each process count N, the same pages are processed twice, each time in a fresh
PostgreSQL schema and data folder:

* **celery**: one ``sohoa worker --concurrency N`` (prefork) on Redis, and the desk's dispatcher
  (``CeleryRunner``, as ``sohoa run`` with a broker) in this process;
* **embedded**: ``Runner`` with ``workers = N`` (the supervised process pool of ``sohoa run``).

Timing: pages per minute in the steady state, from the jobs' ``finished_at`` in the database
((pages - 1) / (last - first finish)), so the start-up of either path (processes, Tesseract) does
not count; the wall clock of the whole processing phase is reported beside it. Scaling efficiency
is rate(N) / (N * rate(1)). Within each process count the pages are split into four runs per path,
taken A B B A A B B A (``--runs``), and each path's row sums its runs: this machine's speed
drifts by several per cent from one minute to the next (the same run twice in a row differed by
9 %), and drift over the minutes of a pair hits both paths alike.
Overhead of Celery = 1 - rate(celery) / rate(embedded) (target <= 5 %).
CPU seconds per page (this process, the worker and its OCR processes; not the PostgreSQL and Redis
servers) are printed too, with the share of the dispatcher or the embedded runner's main process
and of the Celery worker's main process (after its start-up): where the two paths' work differs.

This machine has 2 cores: 4 processes cannot go faster than 2. Other sessions run tests and
benchmarks on it at the same time, so the load average and the machine's busy cores (all
processes, /proc/stat) during each run are printed beside its numbers; runs are interleaved
(celery, embedded, embedded, celery at N = 1; then embedded first at N = 2, and so on).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sohoa.app import App

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "bench" / "dev" / "images"
PG = os.environ.get("SOHOA_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sohoa_test")
REDIS = os.environ.get("SOHOA_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


# -- the corpus ---------------------------------------------------------------------------------
def _jpeg_variant(data: bytes, tag: bytes) -> bytes:
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    seg = b"\xff\xfe" + struct.pack(">H", len(tag) + 2) + tag  # COM segment right after SOI
    return data[:2] + seg + data[2:]


def _png_variant(data: bytes, tag: bytes) -> bytes:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    ihdr_end = 8 + 4 + 4 + 13 + 4
    body = b"Comment\x00" + tag
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body) & 0xFFFFFFFF)
    return data[:ihdr_end] + chunk + data[ihdr_end:]


def replicate(src: Path, dst: Path, pages: int) -> list[Path]:
    images = sorted(p for p in src.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if not images:
        raise SystemExit(f"no images in {src}")
    dst.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(pages):
        p = images[i % len(images)]
        data = p.read_bytes()
        tag = f"sohoa bench.scale copy {i}".encode()
        data = _png_variant(data, tag) if p.suffix.lower() == ".png" else _jpeg_variant(data, tag)
        q = dst / f"c{i:04d}-{p.name}"
        q.write_bytes(data)
        out.append(q)
    return out


# -- one run ------------------------------------------------------------------------------------
@dataclass
class RunResult:
    path: str
    processes: int
    pages: int
    done: int
    wall_s: float
    steady_ppm: float
    wall_ppm: float
    load_before: float
    load_after: float
    busy_cores: float
    cpu_s_per_page: float = 0.0  # CPU of this process and its reaped children (workers, OCR) per page
    main_cpu_s_per_page: float = 0.0  # of it, this process: the dispatcher (celery) or the runner (embedded)
    consumer_cpu_s_per_page: float = 0.0  # of it, the Celery worker's main process once ready (receives, hands out)


def _schema_url(schema: str) -> str:
    sep = "&" if "?" in PG else "?"
    return f"{PG}{sep}options=-csearch_path%3D{schema},public"


def _prepare(work: Path, files: list[Path], n: int, path: str) -> tuple[App, str]:
    import sqlalchemy as sa

    from config import Settings
    from sohoa.app import App

    schema = f"bench_scale_{path}{n}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(PG)
    with admin.begin() as c:
        c.exec_driver_sql(f"CREATE SCHEMA {schema}")
    admin.dispose()
    kw: dict[str, Any] = {"broker_url": REDIS, "broker_queue": f"bench-{schema}"} if path == "celery" else {}
    settings = Settings(data_dir=work / schema, database_url=_schema_url(schema), workers=n, **kw)
    settings.ensure_dirs()
    app = App(settings)
    for f in files:
        app.intake.take(f, source="import", remove=False)
    return app, schema


def _drop(schema: str) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(PG)
    with admin.begin() as c:
        c.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    admin.dispose()


def _rates(app: App, wall: float) -> tuple[int, float]:
    from sqlalchemy import text

    with app.db.read() as s:
        row: tuple[int, datetime | None, datetime | None] = s.execute(
            text("select count(*), min(finished_at), max(finished_at) from jobs where state = 'done'")
        ).one()
    done, first, last = row
    steady = (done - 1) / (last - first).total_seconds() * 60 if done > 1 and first and last and last > first else 0.0
    return done, steady


def _busy() -> float:
    from bench.cpu import busy_s

    return busy_s()


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


def _proc_own_cpu(pid: int) -> float:
    """CPU seconds process ``pid`` used itself (not its children), from /proc."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_once(work: Path, files: list[Path], n: int, path: str) -> RunResult:
    from sohoa.runner import Runner

    app, schema = _prepare(work, files, n, path)
    worker = None
    cpu0, own0 = (
        _cpu(),
        _own_cpu(),
    )  # the worker's start-up and shutdown count for the Celery path, the pool's for the other
    consumer = consumer_start = 0.0
    result: RunResult | None = None
    runner: Runner
    try:
        if path == "celery":
            from sohoa.distributed.dispatcher import CeleryRunner

            env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
            env.update(
                {
                    "SOHOA_CONFIG": "",
                    "SOHOA_DATA_DIR": str(app.settings.data_dir),
                    "SOHOA_DATABASE_URL": app.settings.db_url,
                    "SOHOA_BROKER_URL": REDIS,
                    "SOHOA_BROKER_QUEUE": app.settings.broker_queue,
                    "SOHOA_LOG_LEVEL": "WARNING",
                    "OMP_THREAD_LIMIT": "1",
                }
            )
            log = (work / f"{schema}-worker.log").open("wb")
            worker = subprocess.Popen(
                [sys.executable, "-m", "sohoa.cli", "worker", "--concurrency", str(n), "--loglevel", "INFO"],
                env=env,
                cwd=work,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            logp = work / f"{schema}-worker.log"
            end = time.monotonic() + 120
            while " ready." not in logp.read_text(errors="replace"):
                if worker.poll() is not None or time.monotonic() > end:
                    raise SystemExit("the worker did not start:\n" + logp.read_text(errors="replace")[-2000:])
                time.sleep(0.2)
            consumer_start = _proc_own_cpu(worker.pid)  # its start-up (imports, forking) not counted
            runner = CeleryRunner(app, watch=False)
        else:
            runner = Runner(app, watch=False)
        load0, busy0, t0 = os.getloadavg()[0], _busy(), time.monotonic()
        runner.run(once=True)
        wall = time.monotonic() - t0
        busy = (_busy() - busy0) / wall
        done, steady = _rates(app, wall)
        result = RunResult(
            path,
            n,
            len(files),
            done,
            round(wall, 1),
            round(steady, 2),
            round(done / wall * 60, 2),
            round(load0, 2),
            round(os.getloadavg()[0], 2),
            round(busy, 2),
        )
    finally:
        if worker is not None:
            import signal

            try:
                consumer = _proc_own_cpu(worker.pid) - consumer_start
            except OSError:
                pass
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        app.close()
        _drop(schema)
        shutil.rmtree(work / schema, ignore_errors=True)
    # After the worker was waited for: its CPU and its OCR processes' are in this process's children.
    assert result is not None
    pages = max(result.done, 1)
    result.cpu_s_per_page = round((_cpu() - cpu0) / pages, 3)
    result.main_cpu_s_per_page = round((_own_cpu() - own0) / pages, 3)
    result.consumer_cpu_s_per_page = round(consumer / pages, 3)
    return result


def _chunks(files: list[Path], runs: int) -> list[list[Path]]:
    runs = max(1, min(runs, len(files)))
    size = -(-len(files) // runs)
    return [files[i : i + size] for i in range(0, len(files), size)]


def combine(parts: list[RunResult]) -> RunResult:
    """One path's runs at one process count as one row: pages and times summed, rates from the sums."""
    if len(parts) == 1:
        return parts[0]
    pages, done = sum(r.pages for r in parts), sum(r.done for r in parts)
    wall = sum(r.wall_s for r in parts)
    # Each run's steady span: from its first page's finish to its last's.
    spans = [(r.done - 1) / r.steady_ppm * 60 for r in parts if r.steady_ppm > 0]
    steady = sum(r.done - 1 for r in parts if r.steady_ppm > 0) / sum(spans) * 60 if spans else 0.0

    def per_page(attr: str) -> float:
        return round(sum(getattr(r, attr) * r.done for r in parts) / max(done, 1), 3)

    return RunResult(
        parts[0].path,
        parts[0].processes,
        pages,
        done,
        round(wall, 1),
        round(steady, 2),
        round(done / wall * 60, 2) if wall else 0.0,
        parts[0].load_before,
        parts[-1].load_after,
        round(sum(r.busy_cores * r.wall_s for r in parts) / wall, 2) if wall else 0.0,
        per_page("cpu_s_per_page"),
        per_page("main_cpu_s_per_page"),
        per_page("consumer_cpu_s_per_page"),
    )


# -- report -------------------------------------------------------------------------------------
def report(results: list[RunResult], cores: int) -> str:
    by = {(r.path, r.processes): r for r in results}
    lines = [
        "| path | processes | pages | done | wall s | pages/min (steady) | pages/min (wall) | scaling eff. | load avg before→after | busy cores | CPU s/page | of it: dispatcher or runner | Celery consumer |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        base = by.get((r.path, 1))
        eff = f"{r.steady_ppm / (r.processes * base.steady_ppm) * 100:.0f} %" if base and base.steady_ppm else ""
        lines.append(
            f"| {r.path} | {r.processes} | {r.pages} | {r.done} | {r.wall_s} | {r.steady_ppm} | {r.wall_ppm} | "
            f"{eff} | {r.load_before}→{r.load_after} | {r.busy_cores} | {r.cpu_s_per_page} | "
            f"{r.main_cpu_s_per_page} | {r.consumer_cpu_s_per_page if r.path == 'celery' else ''} |"
        )
    lines.append("")
    lines.append("| processes | Celery overhead vs embedded (steady) | (wall) | (CPU per page) |")
    lines.append("| ---: | ---: | ---: | ---: |")
    for n in sorted({r.processes for r in results}):
        c, e = by.get(("celery", n)), by.get(("embedded", n))
        if c and e and e.steady_ppm and e.wall_ppm:
            cpu = f"{(c.cpu_s_per_page / e.cpu_s_per_page - 1) * 100:+.1f} %" if e.cpu_s_per_page else ""
            lines.append(
                f"| {n} | {(1 - c.steady_ppm / e.steady_ppm) * 100:+.1f} % | {(1 - c.wall_ppm / e.wall_ppm) * 100:+.1f} % | {cpu} |"
            )
    lines.append("")
    lines.append(
        f"This machine has {cores} cores: more than {cores} OCR processes cannot scale further "
        f"(4 processes share {cores} cores). Target: Celery overhead <= 5 %. Other sessions use the "
        "machine at the same time: read the load average and busy cores beside each row "
        f"(a quiet machine running N <= {cores} processes shows about N busy cores)."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=500, help="pages to process per run (default 500)")
    ap.add_argument("--processes", default="1,2,4", help="worker process counts (default 1,2,4)")
    ap.add_argument("--images", type=Path, default=DEV, help=f"source images (default {DEV})")
    ap.add_argument("--paths", default="celery,embedded", help="which paths to time (default both)")
    ap.add_argument(
        "--runs", type=int, default=4, help="split the pages into this many runs per path, taken A B B A (default 4)"
    )
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "scale.json")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    os.environ.pop("SOHOA_BROKER_URL", None)
    from sohoa.logsetup import setup_logging

    setup_logging("WARNING")
    counts = [int(x) for x in args.processes.split(",")]
    paths = [p.strip() for p in args.paths.split(",")]
    cores = os.cpu_count() or 1
    results: list[RunResult] = []
    with tempfile.TemporaryDirectory(prefix="sohoa-scale-") as tmp:
        work = Path(tmp)
        files = replicate(args.images, work / "corpus", args.pages)
        for f in files:  # warm the page cache once, as bench does
            f.read_bytes()
        print(
            f"{len(files)} pages ({len({hashlib.sha256(f.read_bytes()).digest() for f in files})} distinct files) from {args.images}; "
            f"{cores} cores; load average {os.getloadavg()}",
            flush=True,
        )
        for i, n in enumerate(counts):
            order = paths if i % 2 == 0 else paths[::-1]
            parts: dict[str, list[RunResult]] = {p: [] for p in paths}
            for h, chunk in enumerate(_chunks(files, args.runs)):
                for path in order if h % 2 == 0 else order[::-1]:  # A B B A: drift hits both alike
                    r = run_once(work, chunk, n, path)
                    parts[path].append(r)
                    print(
                        f"  {path:8s} N={n} run {h + 1}/{args.runs}: {r.done}/{r.pages} pages, {r.wall_s} s, "
                        f"{r.steady_ppm} pages/min steady, {r.wall_ppm} wall; load {r.load_before}→{r.load_after}, "
                        f"busy cores {r.busy_cores}, {r.cpu_s_per_page} CPU s/page (main {r.main_cpu_s_per_page}, "
                        f"consumer {r.consumer_cpu_s_per_page})",
                        flush=True,
                    )
            results.extend(combine(parts[p]) for p in order)
    text = report(results, cores)
    print()
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {"pages": args.pages, "cores": cores, "results": [asdict(r) for r in results], "report": text},
            indent=2,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    args.out.with_suffix(".md").write_text(text + "\n", encoding="utf-8")
    return 0 if all(r.done == r.pages for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
