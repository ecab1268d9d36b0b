"""``python -m bench.web``: the web desk's speed with a million register entries in the database.

    .venv/bin/python -m bench.web [--n 1000000] [--docs 100] [--queries 200] [--reuse]

1. Builds a data folder (``bench/out/web/``, SQLite — the desk's default database): N register
   entries (``bench.namegen`` through ``bench.search.generate``: real surname shares, OCR-damaged
   names, births, parents) in register books of their type and year (5,000 entries a book), the
   people index over them (``indexer.people.bulk_index``), and one ledger page of text per 10
   entries (N/10 pages, ``bench.search.load_pages``), each page with a scanned image (a
   multi-page TIFF, hard-linked) and the thumbnail the OCR worker draws beside each page's PDF
   (``ocr/thumbnail.py``; the full-size view is drawn from the scan on first view). Then ``--docs`` dossier documents —
   birth declarations naming random entries' children, names sometimes without diacritics — go
   through the real intake → queue → ``results.complete`` path, so the filing proposals are
   computed against the million entries as they are at the desk.
2. Serves the desk with uvicorn in its own process (as ``sohoa web``) on 127.0.0.1 and logs in.
3. For each page measured — **search results** (``/search?q=…``: a name with diacritics, without,
   or with a birth year; people from the entries and ledger pages with thumbnails) and
   **document pages** (``/documents/N``: page image, editable fields, filing panel) — it times the
   time to first byte (request sent → response headers) and the full load: the HTML and every
   asset it references (CSS, scripts, images — all thumbnails, even those a browser would load
   lazily), fetched with 6 connections at once as a browser does, browser cache off. Each URL is
   loaded twice: **cold** (first view: page images drawn and cached on the server) and **warm**.
   Then (``--browser``) the same pages in headless Debian chromium through Playwright: TTFB and
   the load event as a clerk's browser sees them (lazy thumbnails, CSS/JS cached).
4. Prints a table (p50/p95/max, ms) and writes ``bench/out/web/web-bench.json`` and ``.md``.
   Target: p95 ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out" / "web"
PASSWORD = "bench-mat-khau-1"
TARGET_MS = 150.0
PER_PAGE = 10  # entries per ledger page (as bench.search)
PER_BOOK = 5000  # entries per register book
BROWSER_CONNECTIONS = 6
_ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"')


# -- building the data folder ------------------------------------------------------------------------


def _ledger_tiff(path: Path) -> None:
    """A 10-page grey TIFF of ledger-looking pages (lines of text), the scan every ledger document points at."""
    from PIL import Image, ImageDraw

    pages = []
    rng = random.Random(1)
    for k in range(PER_PAGE):
        im = Image.new("L", (1240, 1754), 255)
        d = ImageDraw.Draw(im)
        d.text((80, 60), f"SO DANG KY - TRANG {k + 1}", fill=0)
        for row in range(40):
            y = 140 + row * 38
            d.line((60, y, 1180, y), fill=120)
            x = 80
            while x < 1100:
                w = rng.randint(30, 160)
                d.rectangle((x, y + 10, x + w, y + 24), fill=rng.randint(0, 60))
                x += w + rng.randint(15, 40)
        pages.append(im)
    pages[0].save(path, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_deflate")


def _worker_thumbnails(app: Any, tiff: Path, n_pages: int) -> None:
    """What the OCR worker leaves beside each page's searchable PDF: its thumbnail
    (``ocr/thumbnail.py``), drawn once per distinct image and hard-linked; the pages get their
    ``pdf_key`` (the PDF itself is not written: the document view then draws the scan, as before)."""
    import numpy as np
    from PIL import Image
    from sqlalchemy import text

    from ocr.thumbnail import THUMB_SUFFIX, thumbnail_path, write_thumbnail

    made: list[Path] = []
    with Image.open(tiff) as im:
        for k in range(PER_PAGE):
            im.seek(k)
            one = tiff.parent / f"ledger-{k + 1}{THUMB_SUFFIX}"
            write_thumbnail(np.asarray(im.convert("L")), one)
            made.append(one)
    for i in range(n_pages):
        d, page_no = i // PER_PAGE + 1, i % PER_PAGE + 1
        sha = f"{d:064x}"  # bench.search.load_pages's original of document d
        dst = thumbnail_path(app.archive_path(app.archive_key(sha, page_no, ".pdf")))
        dst.parent.mkdir(parents=True, exist_ok=True)
        if not dst.exists():
            os.link(made[page_no - 1], dst)
    with app.db.engine.begin() as c:
        c.execute(
            text(
                "UPDATE pages SET pdf_key = (SELECT substr(o.sha256, 1, 2) || '/' || o.sha256 || '/p' "
                "|| substr('000' || pages.page_no, -4) || '.pdf' FROM documents d JOIN originals o "
                "ON o.id = d.original_id WHERE d.id = pages.document_id) WHERE pdf_key IS NULL"
            )
        )


def _entry_rows(entries: Sequence[Any], commune_id: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """register_books rows and register_entries rows (entry id = index + 1, as the people's source_id)."""
    from indexer.registers.vocabulary import BOOK_TYPES

    now = datetime(2025, 1, 1, tzinfo=UTC).strftime("%Y-%m-%d %H:%M:%S.000000")
    books: dict[tuple[str, int, int], int] = {}
    counts: dict[tuple[str, int], int] = {}
    book_rows: list[tuple[Any, ...]] = []
    rows: list[tuple[Any, ...]] = []
    for i, e in enumerate(entries):
        key = (e.register_type, e.reg_year)
        n = counts.get(key, 0)
        counts[key] = n + 1
        vol = n // PER_BOOK + 1
        bkey = (e.register_type, e.reg_year, vol)
        bid = books.get(bkey)
        bt = BOOK_TYPES[e.register_type]
        if bid is None:
            bid = books[bkey] = len(books) + 1
            book_rows.append(
                (
                    bid,
                    commune_id,
                    e.register_type,
                    e.reg_year,
                    f"{vol:02d}",
                    "entry_per_page" if e.reg_year >= 2016 else "ledger",
                    f"{bt.label} năm {e.reg_year}, quyển số {vol:02d}",
                    "",
                    "bench",
                    now,
                )
            )
        so = str(n % PER_BOOK + 1)
        reg = date(e.reg_year, 1 + i % 12, 1 + i % 28)
        data = {"so": so, "quyenSo": f"{vol:02d}", "ngayDangKy": reg.strftime("%d/%m/%Y"), bt.name_key: e.name}
        if e.register_type == "khai_sinh":
            data.update(nksNgaySinh=e.birth.strftime("%d/%m/%Y"), meHoTen=e.mother, chaHoTen=e.father)
        rows.append(
            (
                i + 1,
                bid,
                so,
                so,
                i // PER_PAGE + 1,
                reg.isoformat(),
                e.name,
                e.birth.isoformat(),
                json.dumps(data, ensure_ascii=False),
                "",
                "unverified",
                "ocr",
                "bench",
                now,
                now,
            )
        )
    return book_rows, rows


def _load_entries(db: Any, entries: Sequence[Any]) -> None:
    from sqlalchemy import text

    with db.write() as s:
        s.execute(
            text(
                "INSERT INTO communes (id, code, scheme, name, province, created_at) "
                "VALUES (1, '99999', 'v2025', 'Xã Thử', 'Tỉnh Thử', '2025-01-01 00:00:00.000000')"
            )
        )
    book_rows, rows = _entry_rows(entries, 1)
    conn = db.engine.raw_connection()
    try:
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        cur.executemany(
            "INSERT INTO register_books (id, commune_id, book_type, year, volume, layout, title, notes, "
            "created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            book_rows,
        )
        cur.executemany(
            "INSERT INTO register_entries (id, book_id, so, so_raw, page_no, registration_date, name, "
            "birth_date, data, notes, status, origin, created_by, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        cur.execute("COMMIT")
        cur.execute("ANALYZE")
    finally:
        conn.close()


def _dossiers(app: Any, entries: Sequence[Any], n: int, seed: int) -> list[int]:
    """Birth declarations naming random entries' children, through intake → queue → complete (filing runs)."""
    from PIL import Image, ImageDraw

    from indexer import jobs, results
    from indexer.fields import DocumentReading, FieldReading
    from indexer.results import PageOutput
    from indexer.vntext import fold

    rng = random.Random(seed)
    births = [e for e in entries if e.register_type == "khai_sinh"]
    inbox = app.settings.inbox_dir
    ids = []
    for k in range(n):
        e = rng.choice(births)
        name = e.true_name if k % 2 else fold(e.true_name).upper()  # half typed without diacritics
        im = Image.new("L", (1240, 1754), 255)
        d = ImageDraw.Draw(im)
        d.text((100, 100), f"TO KHAI DANG KY KHAI SINH {k}", fill=0)
        d.text((100, 180), fold(name), fill=0)
        path = inbox / f"to-khai-{k:04d}.png"
        im.save(path)
        taken = app.intake.take(path, source="hotfolder", remove=True)
        assert taken.document_id is not None
        [job] = [j for j in jobs.claim(app.db, "bench:1", limit=50) if j.document_id == taken.document_id]
        r = DocumentReading("to_khai_dang_ky_khai_sinh", 1.0, "to_khai_dang_ky_khai_sinh")
        values = {
            "child_name": name,
            "child_birth_date": e.birth.strftime("%d/%m/%Y"),
            "mother_name": e.mother,
            "father_name": e.father,
        }
        r.fields = {f: FieldReading(f, v, v, confidence=0.9 if k % 3 else 0.5) for f, v in values.items()}
        out = PageOutput(
            text="\n".join(f"{f}: {v}" for f, v in values.items()),
            words=[],
            mean_conf=88.0,
            rotation=0,
            skew_deg=0.0,
            blank=False,
            width=im.width,
            height=im.height,
            dpi=150,
            engine="bench",
            reading=r,
        )
        assert results.complete(app.db, job, "bench:1", out)
        ids.append(taken.document_id)
    return ids


def build(out: Path, n: int, docs: int, seed: int) -> dict[str, Any]:
    from bench.search import generate, load_pages, page_text, person_records
    from config import Settings
    from indexer.people import bulk_index
    from sohoa.app import App

    data = out / "data"
    partial = out / "build-base.json"
    base = json.loads(partial.read_text()) if partial.exists() else None
    if base is not None and (base["n"], base["seed"]) != (n, seed):
        base = None
    if base is None and out.exists():
        shutil.rmtree(out)
    settings = Settings(data_dir=data, workers=1)
    settings.ensure_dirs()
    app = App(settings)
    t0 = time.perf_counter()
    print(f"generating {n:,} entries …", flush=True)
    entries = generate(n, seed)
    if base is not None:  # the entries, pages and people of an interrupted build are there
        print("  reusing the loaded entries, pages and people", flush=True)
        info = base
        return _finish(app, out, info, entries, docs, seed)
    info: dict[str, Any] = {"n": n, "seed": seed}
    texts = [
        page_text(entries[p : p + PER_PAGE], p, p // (PER_PAGE * 10) + 1, p // PER_PAGE + 1)
        for p in range(0, n, PER_PAGE)
    ]
    info["generate_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    load_pages(app.db, texts, per_doc=PER_PAGE)
    tiff = data / "ledger.tif"
    _ledger_tiff(tiff)
    n_docs = (len(texts) + PER_PAGE - 1) // PER_PAGE
    for d in range(1, n_docs + 1):
        dst = app.original_path(f"bench/{d}")
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.link(tiff, dst)
    _worker_thumbnails(app, tiff, len(texts))
    info["pages"] = len(texts)
    info["pages_s"] = time.perf_counter() - t0
    print(f"  {len(texts):,} ledger pages in {info['pages_s']:.0f} s", flush=True)
    t0 = time.perf_counter()
    _load_entries(app.db, entries)
    info["entries_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    info["people"] = bulk_index(app.db, person_records(entries, PER_PAGE))
    info["people_s"] = time.perf_counter() - t0
    print(
        f"  {n:,} register entries in {info['entries_s']:.0f} s, people index in {info['people_s']:.0f} s", flush=True
    )
    info["ledger_docs"] = n_docs
    partial.write_text(json.dumps(info))
    return _finish(app, out, info, entries, docs, seed)


def _finish(app: Any, out: Path, info: dict[str, Any], entries: Sequence[Any], docs: int, seed: int) -> dict[str, Any]:
    from indexer import accounts
    from indexer.vntext import fold

    t0 = time.perf_counter()
    info["dossiers"] = _dossiers(app, entries, docs, seed)
    info["dossiers_s"] = time.perf_counter() - t0
    print(f"  {docs} dossier documents filed in {info['dossiers_s']:.0f} s", flush=True)
    accounts.create_user(app.db, "bench", PASSWORD, "clerk")
    rng = random.Random(seed + 1)
    queries = []
    for k in range(400):
        e = rng.choice(entries)
        queries.append([e.true_name, fold(e.true_name), f"{e.true_name} {e.birth.year}"][k % 3])
    info["queries"] = queries
    app.close()
    (out / "build.json").write_text(json.dumps(info, ensure_ascii=False))
    return info


# -- measuring ----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVER = """
import sys
from config import Settings
from sohoa.logsetup import setup_logging
from sohoa.app import App
from sohoa.web.server import serve_forever
setup_logging("WARNING")
serve_forever(App(Settings(data_dir=sys.argv[1], workers=1)), "127.0.0.1", int(sys.argv[2]))
"""


@dataclass
class Sample:
    kind: str
    phase: str
    url: str
    ttfb_ms: float
    html_ms: float
    full_ms: float
    assets: int
    bytes: int
    status: int


@dataclass
class Result:
    samples: list[Sample] = field(default_factory=list)


def _login(base: str) -> Any:
    import httpx

    c = httpx.Client(base_url=base, follow_redirects=False, timeout=60)
    page = c.get("/login").text
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    if found is None:
        raise RuntimeError(f"{base}/login has no csrf_token field: is it sohoa's desk?")
    token = found.group(1)
    r = c.post("/login", data={"username": "bench", "password": PASSWORD, "next": "/", "csrf_token": token})
    assert r.status_code == 303, r.text
    return c


def _load(clients: list[Any], pool: ThreadPoolExecutor, url: str) -> tuple[float, float, float, int, int, int]:
    """TTFB, HTML complete and full load (ms) of one page, the number of assets and bytes."""
    main = clients[0]
    t0 = time.perf_counter()
    with main.stream("GET", url) as r:
        ttfb = time.perf_counter() - t0
        body = r.read()
        status = r.status_code
    html_t = time.perf_counter() - t0
    assets = list(dict.fromkeys(a.replace("&amp;", "&") for a in _ASSET.findall(body.decode("utf-8", "replace"))))

    def fetch(i_a: tuple[int, str]) -> int:
        i, a = i_a
        resp = clients[i % len(clients)].get(a)
        assert resp.status_code == 200, (a, resp.status_code)
        return len(resp.content)

    sizes = list(pool.map(fetch, enumerate(assets)))
    full = time.perf_counter() - t0
    return ttfb * 1000, html_t * 1000, full * 1000, len(assets), len(body) + sum(sizes), status


def _browser_pass(base: str, res: Result, plan: list[tuple[str, str]]) -> None:
    """The same pages in headless Debian chromium (Playwright): what a clerk's browser waits for —
    TTFB = responseStart − requestStart, full load = the load event (lazy thumbnails below the
    window are not loaded, as in a real browser; the browser cache is on: CSS and scripts are
    fetched once, page images are ``no-store`` and fetched every time). Each URL once, after the
    HTTP passes (server-side image cache warm)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        try:
            page = b.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")
            page.goto(base + "/login")
            page.fill("#username", "bench")
            page.fill("#password", PASSWORD)
            page.press("#password", "Enter")
            page.wait_for_url(re.compile(r"/intake"))
            for kind, url in plan:
                page.goto(base + url, wait_until="load")
                t = page.evaluate(
                    "() => { const n = performance.getEntriesByType('navigation')[0];"
                    " return [n.responseStart - n.requestStart, n.loadEventEnd || performance.now(),"
                    " performance.getEntriesByType('resource').length]; }"
                )
                res.samples.append(
                    Sample(kind, "browser", url, float(t[0]), float(t[0]), float(t[1]), int(t[2]), 0, 200)
                )
        finally:
            b.close()
    print(f"  browser: {len(plan)} pages loaded", flush=True)


def serve(data_dir: Path, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    """The desk served by uvicorn in its own process on a free port (``env``: more variables, such as
    settings); returns the process and its base URL once it answers."""
    import httpx

    port = _free_port()
    full_env = dict(os.environ, OMP_THREAD_LIMIT="1", **env)
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(data_dir), str(port)], cwd=REPO, env=full_env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(base + "/login", timeout=2)
            return proc, base
        except httpx.HTTPError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("the desk did not start") from None
            time.sleep(0.2)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def measure(out: Path, info: dict[str, Any], queries: int, docs: int, browser: int = 0) -> Result:
    proc, base = serve(out / "data")
    res = Result()
    try:
        import httpx

        main = _login(base)
        clients = [main] + [
            httpx.Client(base_url=base, cookies=main.cookies, timeout=60) for _ in range(BROWSER_CONNECTIONS - 1)
        ]
        rng = random.Random(7)
        search_urls = [str(httpx.URL("/search", params={"q": q})) for q in info["queries"][:queries]]
        dossier = info["dossiers"][:docs]
        ledger = [
            f"/documents/{rng.randint(1, info['ledger_docs'])}?page={rng.randint(1, PER_PAGE)}"
            for _ in range(max(1, docs // 2))
        ]
        doc_urls = [f"/documents/{d}" for d in dossier]
        with ThreadPoolExecutor(BROWSER_CONNECTIONS) as pool:
            for c in clients:  # warm the connections and the static files' first read
                c.get("/static/sohoa.css")
            _load(clients, pool, "/intake")
            plan = (
                [("search results", u) for u in search_urls]
                + [("document (dossier)", u) for u in doc_urls]
                + [("document (ledger page)", u) for u in ledger]
            )
            for phase in ("cold", "warm"):
                for kind, url in plan:
                    ttfb, html_ms, full, n_assets, nbytes, status = _load(clients, pool, url)
                    assert status == 200, (url, status)
                    res.samples.append(Sample(kind, phase, url, ttfb, html_ms, full, n_assets, nbytes, status))
                print(f"  {phase}: {len(plan)} pages loaded", flush=True)
        if browser:
            _browser_pass(
                base,
                res,
                [("search results", u) for u in search_urls[:browser]]
                + [("document (dossier)", u) for u in doc_urls[:browser]],
            )
        for c in clients:
            c.close()
    finally:
        stop(proc)
    return res


def pct(xs: Sequence[float], p: float) -> float:
    s = sorted(xs)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def table(res: Result) -> tuple[str, list[dict[str, Any]]]:
    rows = []
    kinds = list(dict.fromkeys(s.kind for s in res.samples))
    for kind in kinds:
        for phase in ("cold", "warm", "browser"):
            ss = [s for s in res.samples if s.kind == kind and s.phase == phase]
            if not ss:
                continue
            t = [s.ttfb_ms for s in ss]
            f = [s.full_ms for s in ss]
            rows.append(
                {
                    "page": kind,
                    "pass": phase,
                    "n": len(ss),
                    "ttfb_p50": statistics.median(t),
                    "ttfb_p95": pct(t, 95),
                    "ttfb_max": max(t),
                    "full_p50": statistics.median(f),
                    "full_p95": pct(f, 95),
                    "full_max": max(f),
                    "assets": statistics.mean(s.assets for s in ss),
                    "kb": statistics.mean(s.bytes for s in ss) / 1024,
                    "ttfb_ok": pct(t, 95) <= TARGET_MS,
                    "full_ok": pct(f, 95) <= TARGET_MS,
                }
            )
    head = (
        "| page | pass | n | TTFB p50 | TTFB p95 | TTFB max | full load p50 | full load p95 | full load max "
        "| assets/page | KB/page | p95 ≤ 150 ms (TTFB / full) |\n|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for r in rows:
        lines.append(
            f"| {r['page']} | {r['pass']} | {r['n']} | {r['ttfb_p50']:.1f} | {r['ttfb_p95']:.1f} | "
            f"{r['ttfb_max']:.0f} | {r['full_p50']:.1f} | {r['full_p95']:.1f} | {r['full_max']:.0f} | "
            f"{r['assets']:.1f} | {r['kb']:.0f} | {'yes' if r['ttfb_ok'] else 'NO'} / "
            f"{'yes' if r['full_ok'] else 'NO'} |"
        )
    return "\n".join(lines), rows


def _loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--n", "--entries", dest="n", type=int, default=1_000_000, help="register entries (default 1,000,000)"
    )
    ap.add_argument("--docs", type=int, default=100, help="dossier documents filed and measured")
    ap.add_argument("--queries", type=int, default=200, help="search result pages measured")
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--reuse", action="store_true", help="reuse the data folder built before with the same --n/--docs")
    ap.add_argument(
        "--browser",
        type=int,
        default=100,
        help="also load this many search and document pages in headless chromium (0: not)",
    )
    args = ap.parse_args(argv)
    meta = args.out / "build.json"
    info = json.loads(meta.read_text()) if args.reuse and meta.exists() else None
    if info is not None and (info["n"] != args.n or len(info["dossiers"]) < args.docs):
        info = None
    if info is None:
        info = build(args.out, args.n, args.docs, args.seed)
    else:
        print("reusing the data folder (page image cache cleared)", flush=True)
        shutil.rmtree(args.out / "data" / "cache" / "web", ignore_errors=True)
    load_before = _loadavg()
    print(
        f"measuring ({args.queries} search pages, {args.docs} dossier pages, {max(1, args.docs // 2)} ledger pages; "
        f"load average {load_before}) …",
        flush=True,
    )
    res = measure(args.out, info, args.queries, args.docs, args.browser)
    md, rows = table(res)
    size_mb = (
        (args.out / "data" / "sohoa.db").stat().st_size / 1e6 if (args.out / "data" / "sohoa.db").exists() else None
    )
    header = (
        f"# Web desk: {info['n']:,} register entries, {info['pages']:,} ledger pages, "
        f"{len(info['dossiers'])} dossier documents (SQLite{f', {size_mb:,.0f} MB' if size_mb else ''})\n\n"
        f"Times in ms, client and server on this machine (2 cores shared; load average {load_before} before, "
        f"{_loadavg()} after). cold/warm: an HTTP client; full load = HTML + every CSS/JS/image it references "
        f"(all thumbnails), 6 connections, no cache; cold = first view (page images drawn on the server). "
        f"browser: headless chromium, full load = load event (lazy thumbnails below the window not loaded, "
        f"CSS/JS cached; KB not counted).\n"
    )
    print()
    print(header)
    print(md)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "web-bench.md").write_text(header + "\n" + md + "\n")
    (args.out / "web-bench.json").write_text(
        json.dumps(
            {
                "build": {k: v for k, v in info.items() if k not in ("queries", "dossiers")},
                "rows": rows,
                "samples": [s.__dict__ for s in res.samples],
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
