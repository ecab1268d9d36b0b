"""``python -m bench.api``: the JSON API's search (``GET /api/v1/search``) at N register entries.

    .venv/bin/python -m bench.api [--entries 10000] [--queries 300] [--reuse] [--out bench/out/api]

1. Fills a fresh SQLite data folder (the desk's default database; ``bench/out/api/``) fast, with
   bulk inserts: N invented register entries (``bench.namegen`` through ``bench.search.generate``:
   real surname shares, OCR-damaged names, births, parents, register type and year) in books of
   5,000, the people index over them (``indexer.people.bulk_index``) and one ledger page of text per
   10 entries (``bench.search.load_pages``) — so a search answers people *and* pages, as it does
   at the office. Prints how long each part took.
2. Makes an admin account and an API token (``indexer.apitokens``), serves the desk and its API with
   uvicorn in its own process (as ``sohoa web``), the token's rate limit lifted for the run.
3. After 30 warm-up queries, runs ``--queries`` searches — a name with diacritics, without, or with
   a birth year, from random entries — each three ways, interleaved (so the machine's drift falls on
   all alike): over HTTP on one keep-alive connection with people and pages (the default), over
   HTTP people only (``pages=false``), and as a plain ``search_all`` call in this process (what the
   API adds). Each HTTP call is a real one: bearer token checked, rate limit, search, answer, and its
   audit line written before the answer leaves.
4. Prints a table of p50/p95/p99/max (ms, request sent → whole answer read) and writes
   ``bench/out/api/api-bench.json``. Target: p95 ≤ 50 ms at 1,000,000 entries.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from bench.web import PER_PAGE, _load_entries, _loadavg, pct, serve, stop

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out" / "api"
WARMUP = 30


def fill(out: Path, n: int, seed: int) -> dict[str, Any]:
    """A data folder with ``n`` entries, their people and their ledger pages; what it took."""
    from bench.search import generate, load_pages, page_text, person_records
    from config import Settings
    from indexer.people import bulk_index
    from indexer.vntext import fold
    from sohoa.app import App

    if out.exists():
        shutil.rmtree(out)
    settings = Settings(data_dir=out / "data", workers=1)
    settings.ensure_dirs()
    app = App(settings)
    info: dict[str, Any] = {"n": n, "seed": seed}
    t0 = time.perf_counter()
    entries = generate(n, seed)
    texts = [
        page_text(entries[p : p + PER_PAGE], p, p // (PER_PAGE * 10) + 1, p // PER_PAGE + 1)
        for p in range(0, n, PER_PAGE)
    ]
    info["generate_s"] = time.perf_counter() - t0
    print(f"  generated {n:,} entries and {len(texts):,} ledger pages in {info['generate_s']:.1f} s", flush=True)
    t0 = time.perf_counter()
    load_pages(app.db, texts, per_doc=PER_PAGE)
    info["pages"], info["pages_s"] = len(texts), time.perf_counter() - t0
    print(f"  pages in {info['pages_s']:.1f} s", flush=True)
    t0 = time.perf_counter()
    _load_entries(app.db, entries)
    info["entries_s"] = time.perf_counter() - t0
    print(f"  register entries in {info['entries_s']:.1f} s", flush=True)
    t0 = time.perf_counter()
    info["people"] = bulk_index(app.db, person_records(entries, PER_PAGE))
    info["people_s"] = time.perf_counter() - t0
    print(f"  people index ({info['people']:,}) in {info['people_s']:.1f} s", flush=True)
    info["fill_s"] = info["generate_s"] + info["pages_s"] + info["entries_s"] + info["people_s"]
    rng = random.Random(seed + 1)
    queries = []
    for k in range(2000):
        e = rng.choice(entries)
        queries.append([e.true_name, fold(e.true_name), f"{e.true_name} {e.birth.year}"][k % 3])
    info["queries"] = queries
    app.close()
    db = out / "data" / "sohoa.db"
    info["db_mb"] = db.stat().st_size / 1e6 if db.exists() else None
    (out / "fill.json").write_text(json.dumps(info, ensure_ascii=False))
    return info


def make_token(out: Path) -> str:
    from config import Settings
    from indexer import accounts, apitokens
    from sohoa.app import App

    app = App(Settings(data_dir=out / "data", workers=1))
    try:
        if not any(u.username == "bench" for u in accounts.list_users(app.db)):
            accounts.create_user(app.db, "bench", "bench-mat-khau-1", "admin")
        secret, _ = apitokens.create_token(app.db, "bench", "bench.api", "clerk", 1, actor="bench")
    finally:
        app.close()
    return secret


def measure(out: Path, secret: str, queries: list[str], warmup: list[str]) -> dict[str, list[float]]:
    """Each query three ways, interleaved so that the machine's drift falls on all alike: over HTTP
    with pages, over HTTP people only, and as a ``search_all`` call in this process."""
    import httpx

    from config import Settings
    from indexer.people.unified import search_all
    from sohoa.app import App

    kinds = ("people + pages", "people only", "people + pages, search_all() in process")
    times: dict[str, list[float]] = {k: [] for k in kinds}
    found = dict.fromkeys(kinds, 0)
    app = App(Settings(data_dir=out / "data", workers=1))
    proc, base = serve(out / "data", SOHOA_WEB__API_BURST="100000", SOHOA_CONFIG="")
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {secret}"}, timeout=60) as c:

            def http(q: str, **extra: str) -> bool:
                r = c.get("/api/v1/search", params={"q": q, **extra})
                assert r.status_code == 200, r.text
                return bool(r.json()["people"])

            ways = (
                lambda q: http(q),
                lambda q: http(q, pages="false"),
                lambda q: bool(search_all(app.db, q, people_limit=20, pages_limit=20).people),
            )
            for q in warmup:
                for way in ways:
                    way(q)
            for q in queries:
                for kind, way in zip(kinds, ways, strict=True):
                    t0 = time.perf_counter()
                    hit = way(q)
                    times[kind].append((time.perf_counter() - t0) * 1000)
                    found[kind] += hit
        for kind in kinds:
            print(f"  {kind}: {len(queries)} searches, {found[kind]} found someone", flush=True)
    finally:
        stop(proc)
        app.close()
    return times


def table(info: dict[str, Any], times: dict[str, list[float]]) -> str:
    lines = [
        "| search | calls | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, xs in times.items():
        lines.append(
            f"| {kind} | {len(xs)} | {pct(xs, 50):.1f} | {pct(xs, 95):.1f} | {pct(xs, 99):.1f} | {max(xs):.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__.split("\n\n")[0])
    ap.add_argument("--entries", type=int, default=10_000, help="register entries (default 10,000; 1000000 possible)")
    ap.add_argument("--queries", type=int, default=300, help="searches measured per kind (at most 1,900)")
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--reuse", action="store_true", help="reuse the data folder filled before with the same --entries")
    args = ap.parse_args(argv)
    meta = args.out / "fill.json"
    info = json.loads(meta.read_text()) if args.reuse and meta.exists() else None
    if info is None or info["n"] != args.entries:
        print(f"filling a database with {args.entries:,} register entries …", flush=True)
        info = fill(args.out, args.entries, args.seed)
    else:
        print("reusing the filled database", flush=True)
    secret = make_token(args.out)
    load_before = _loadavg()
    print(f"measuring (load average {load_before}) …", flush=True)
    queries, warmup = info["queries"][: args.queries], info["queries"][-WARMUP:]
    times = measure(args.out, secret, queries, warmup)
    size = f", {info['db_mb']:,.0f} MB" if info.get("db_mb") else ""
    header = (
        f"# API search: {info['n']:,} register entries, {info['pages']:,} ledger pages "
        f"(SQLite{size})\n\n"
        f"Filled in {info['fill_s']:.0f} s (generate {info['generate_s']:.0f} s, pages {info['pages_s']:.0f} s, "
        f"entries {info['entries_s']:.0f} s, people index {info['people_s']:.0f} s). "
        f"GET /api/v1/search over HTTP on one keep-alive connection, client and server on this machine "
        f"(load average {load_before} before, {_loadavg()} after); each call token-checked and audited.\n"
    )
    md = table(info, times)
    print()
    print(header)
    print(md)
    (args.out / "api-bench.md").write_text(header + "\n" + md + "\n")
    (args.out / "api-bench.json").write_text(
        json.dumps({"fill": {k: v for k, v in info.items() if k != "queries"}, "times_ms": times}, indent=1)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
