"""``python -m bench.keying``: keying a handwritten ledger book through the desk, in chromium.

    .venv/bin/python -m bench.keying [--entries 100000] [--pages 3] [--reuse] [--out bench/out/keying]

1. A SQLite data folder with ``--entries`` register entries (``bench.api.fill``: bulk inserts, the
   people index, ledger pages of text), so the desk answers at the size of a real archive.
2. A new ledger book (khai sinh; ``make_book`` also makes khai tử and kết hôn books from the
   families drawn with the catalogue's columns) of ``--pages`` generated handwritten pages (``bench.ledgergen``,
   family ``hand-ks``: a hand-like font, hand-drawn rules, scan noise), each page stored as a
   document as the OCR worker leaves it (searchable PDF, no text: handwriting is not read), one
   entry per row with its row box and cells, the number pre-filled as the OCR would read it.
3. The desk served by uvicorn in its own process (``bench.web.serve``); a keyer signs in in
   headless chromium (Playwright) and keys every entry on the keying screen with scripted
   keystrokes: the written values typed, Tab between columns (over the pre-filled number), Enter
   on the last written column.
4. Prints: keys per entry beyond the characters typed, seconds per entry (the script types at
   machine speed: this is the desk's share of a keyer's time), p50/p95/max of the save (Enter →
   request sent → the answer with the next entry read, the browser's own timing of the request)
   and Enter → the next entry on screen; then the same saves of another generated book through the
   desk's ASGI app in this process (no browser, no server process competing for the CPU); and the
   entries' values checked against the page's truth. Writes ``bench/out/keying/keying-bench.json``.
   Target: ≤ 1 key per column beyond the characters, save p95 ≤ 100 ms at 1,000,000 entries.
   A save commits the keyed values (durable when it answers); the entry's people reach the name
   index after the answer (``indexer.background``): the in-process run also prints how long the
   index took to catch up after the last save.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out" / "keying"
PASSWORD = "bench-mat-khau-1"
FAMILY = "hand-ks"
TARGET_MS = 100.0


@dataclass
class KeyingBook:
    book_id: int
    year: int
    entries: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (entry id, key → written value)


def store_page(app: Any, image: Any, name: str, dpi: int) -> tuple[int, int]:
    """A scanned page stored as the OCR worker leaves a handwritten one: the original through the
    intake, its searchable PDF (the image, no text layer) and an OCR result with no words.
    Returns (document id, page id)."""
    from sqlalchemy import select

    from indexer import jobs, results
    from indexer.models import Page
    from indexer.results import PageOutput

    path = app.settings.inbox_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, dpi=(dpi, dpi))
    taken = app.intake.take(path, source="hotfolder", remove=True)
    assert taken.document_id is not None
    [job] = [j for j in jobs.claim(app.db, "bench:1", limit=50) if j.document_id == taken.document_id]
    pdf_key = app.archive_key(job.sha256, job.page_no, ".pdf")
    pdf = app.archive_path(pdf_key)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    image.convert("L").save(pdf, "PDF", resolution=dpi)
    out = PageOutput(
        text="",
        words=[],
        mean_conf=0.0,
        rotation=0,
        skew_deg=0.0,
        blank=False,
        width=image.width,
        height=image.height,
        dpi=dpi,
        engine="bench",
        pdf_key=pdf_key,
    )
    assert results.complete(app.db, job, "bench:1", out)
    with app.db.read() as s:
        pid = s.scalar(select(Page.id).where(Page.document_id == taken.document_id))
    assert pid is not None
    return taken.document_id, pid


def make_book(
    app: Any, pages: int, *, volume: str = "K1", double: bool = False, family: str = FAMILY, first: int = 0
) -> KeyingBook:
    """A ledger book of generated handwritten pages (the family's pages ``first`` …), one entry per
    written row (see the module)."""
    from bench.ledgergen import family as ledger_family
    from bench.ledgergen import ledger_page
    from indexer.registers.books import create_book
    from indexer.registers.digitise import attach_documents
    from indexer.registers.entries import Region, create_entry_in
    from indexer.registers.keying import columns, set_double_keying, typed_date
    from indexer.registers.vocabulary import BOOK_TYPES

    fam = ledger_family(family)
    assert not fam.local, f"{family}: a locality's own columns, not the catalogue's: nothing to key them into"
    truths = [ledger_page(fam, first + i) for i in range(pages)]
    first = typed_date(truths[0].values[0][1])
    year = first.year if first else 1990
    book = create_book(app.db, fam.book, year, volume, layout="ledger", commune="Phú Lộc", expected_pages=pages)
    if double:
        set_double_keying(app.db, book.id, True, actor="bench")
    docs = [store_page(app, t.image, f"so-{volume}-trang-{i + 1:03d}.png", t.dpi) for i, t in enumerate(truths)]
    attach_documents(app.db, book.id, [(d, f"trang-{i + 1:03d}.png") for i, (d, _) in enumerate(docs)], start_page=1)
    keys = [k.key for k in columns(BOOK_TYPES[fam.book])]
    out = KeyingBook(book.id, year)
    for i, (t, (_, pid)) in enumerate(zip(truths, docs)):
        for r, values in enumerate(t.values):
            cells = t.cells[r]
            x0, (y0, y1) = cells[0][0], t.rows[r]
            box = (x0, y0, cells[-1][0] + cells[-1][2] - x0, y1 - y0)
            with app.db.write() as s:
                e = create_entry_in(
                    s,
                    book.id,
                    {"so": values[0], "trangSo": str(i + 1)},
                    origin="ocr",
                    actor="bench",
                    source_ref=f"page:{pid}#{r + 1}",
                    regions=[Region(pid, "row", box, dict(zip(keys, cells)))],
                    strict=False,
                )
                out.entries.append((e.id, dict(zip(keys, values))))
    return out


# -- keying in the browser --------------------------------------------------------------------------


@dataclass
class KeyingRun:
    entries: int = 0
    chars: int = 0
    keys: int = 0  # every key pressed: characters, Tab, Enter
    seconds: float = 0.0
    saves_ms: list[float] = field(default_factory=list)  # request sent → whole answer read (browser timing)
    shown_ms: list[float] = field(default_factory=list)  # Enter → the next entry on screen
    desk_ms: list[float] = field(default_factory=list)  # the same saves in-process (``desk_saves``)
    wrong: list[str] = field(default_factory=list)


def key_entries(page: Any, base: str, book: KeyingBook, *, limit: int | None = None) -> KeyingRun:
    """Key the book's entries on the keying screen as a keyer would, with keystrokes only: each
    written value typed, Tab to the next column, Enter on the last written one."""
    page.goto(f"{base}/books/{book.book_id}/keying")
    run = KeyingRun()
    truth = dict(book.entries)
    t0 = time.perf_counter()
    while limit is None or run.entries < limit:
        sec = page.locator("#keying")
        eid = sec.get_attribute("data-entry")
        if not eid:
            break
        values = truth[int(eid)]
        inputs = page.locator("form.keying-form input[data-key]")
        keys = [inputs.nth(i).get_attribute("data-key") for i in range(inputs.count())]
        written = [k for k in keys if values.get(k or "")]
        last = written[-1]
        for k in keys:
            v = values.get(k or "", "")
            have = page.locator(f"#k-{k}").input_value()
            if v and have != v:
                if have:
                    page.keyboard.press("Control+A")  # over the OCR's reading when it is wrong
                    run.keys += 1
                page.keyboard.type(v)
                run.keys += len(v)
                run.chars += len(v)
            if k == last:
                t_enter = time.perf_counter()
                with page.expect_response(lambda r: r.request.method == "POST" and "/keying/" in r.url) as got:
                    page.keyboard.press("Enter")
                run.keys += 1
                got.value.finished()  # the timing's responseEnd is known once the body is read
                timing = got.value.request.timing
                run.saves_ms.append(timing["responseEnd"] - timing["requestStart"])
                break
            page.keyboard.press("Tab")
            run.keys += 1
        page.wait_for_function(
            "(id) => { const s = document.getElementById('keying'); return s && s.dataset.entry !== id; }", arg=eid
        )
        run.shown_ms.append(1000 * (time.perf_counter() - t_enter))
        run.entries += 1
    run.seconds = time.perf_counter() - t0
    return run


def check_values(app: Any, book: KeyingBook) -> list[str]:
    """Entries whose stored values are not the page's written ones (as the entry keeps them)."""
    from indexer.registers.entries import get_entry
    from indexer.registers.keying import cleaned

    bad = []
    for eid, values in book.entries:
        e = get_entry(app.db, eid)
        for k, v in values.items():
            if e.data.get(k, "") != cleaned(e.type, k, v):
                bad.append(f"#{eid} {k}: {e.data.get(k)!r} ≠ {v!r}")
    return bad


def desk_saves(app: Any, book: KeyingBook, user: str) -> list[float]:
    """The same saves without a browser or a server process: the desk's ASGI app called in this
    process (Starlette's test client), so the machine's other load falls on the desk alone. Each
    save: form in → the next entry's HTML out, as over HTTP (session, CSRF, rules, audit)."""
    import re
    import warnings

    from sohoa.web import create_app

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from fastapi.testclient import TestClient

    c = TestClient(create_app(app), base_url="http://127.0.0.1", follow_redirects=False)
    csrf = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
    m = csrf.search(c.get("/login").text)
    assert m
    c.post("/login", data={"username": user, "password": PASSWORD, "next": "/", "csrf_token": m.group(1)})
    m = csrf.search(c.get(f"/books/{book.book_id}/keying").text)
    assert m
    out = []
    for eid, values in book.entries:
        form = {**{f"f_{k}": v for k, v in values.items()}, "csrf_token": m.group(1)}
        t0 = time.perf_counter()
        r = c.post(f"/books/{book.book_id}/keying/{eid}", data=form, headers={"HX-Request": "true"})
        out.append(1000 * (time.perf_counter() - t0))
        assert r.status_code == 200, r.text[:300]
    from indexer import background

    bg = background.running(app.db)
    if bg is not None:  # the name index follows after the answers (indexer.background)
        t0 = time.perf_counter()
        assert bg.settle(timeout=60), "the name index did not catch up"
        print(f"  name index caught up {time.perf_counter() - t0:.2f} s after the last save", flush=True)
    return out


def pct(xs: list[float], p: float) -> float:
    from bench.web import pct as _pct

    return _pct(xs, p)


def table(info: dict[str, Any], run: KeyingRun, columns: int) -> str:
    beyond = (run.keys - run.chars) / run.entries if run.entries else 0.0
    lines = [
        f"keying bench — {info['n']:,} entries in the database, {run.entries} entries keyed "
        f"({columns} columns of which {info['written_cols']:.1f} written per entry on average)",
        f"{'measure':<44}{'value':>12}",
        f"{'keys per entry beyond characters typed':<44}{beyond:>12.2f}",
        f"{'  … per written column':<44}{beyond / max(info['written_cols'], 1e-9):>12.2f}",
        f"{'characters typed per entry':<44}{run.chars / max(run.entries, 1):>12.1f}",
        f"{'seconds per entry (scripted typing)':<44}{run.seconds / max(run.entries, 1):>12.2f}",
        f"{'save p50 (ms)':<44}{pct(run.saves_ms, 50):>12.1f}",
        f"{'save p95 (ms)':<44}{pct(run.saves_ms, 95):>12.1f}",
        f"{'save max (ms)':<44}{max(run.saves_ms or [0.0]):>12.1f}",
        f"{'save in-process, no browser: p50 (ms)':<44}{pct(run.desk_ms, 50):>12.1f}",
        f"{'save in-process, no browser: p95 (ms)':<44}{pct(run.desk_ms, 95):>12.1f}",
        f"{'Enter → next entry shown p50 (ms)':<44}{pct(run.shown_ms, 50):>12.1f}",
        f"{'Enter → next entry shown p95 (ms)':<44}{pct(run.shown_ms, 95):>12.1f}",
        f"{'entries stored not as written':<44}{len(run.wrong):>12}",
        f"target: save p95 ≤ {TARGET_MS:.0f} ms at 1,000,000 entries, ≤ 1 key per column beyond the characters",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.keying", description=__doc__.split("\n")[0])
    ap.add_argument("--entries", type=int, default=100_000, help="register entries in the database first")
    ap.add_argument("--pages", type=int, default=3, help="handwritten ledger pages to key")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--reuse", action="store_true", help="keep the filled data folder of an earlier run")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from bench.api import fill
    from bench.web import _loadavg, serve, stop
    from config import Settings
    from indexer import accounts
    from indexer.registers.keying import columns
    from indexer.registers.vocabulary import BOOK_TYPES
    from sohoa.app import App

    out: Path = args.out
    fill_file = out / "fill.json"
    if args.reuse and fill_file.is_file() and json.loads(fill_file.read_text())["n"] == args.entries:
        info = json.loads(fill_file.read_text())
        print(f"reusing {out} ({info['n']:,} entries)", flush=True)
    else:
        print(f"filling {out} with {args.entries:,} entries …", flush=True)
        info = fill(out, args.entries, args.seed)
    info.pop("queries", None)
    app = App(Settings(data_dir=out / "data", workers=1))
    try:
        user = f"nhap{int(time.time())}"
        accounts.create_user(app.db, user, PASSWORD, "archivist")
        t0 = time.perf_counter()
        run_no = int(time.time()) % 100000  # a new book of new pages each run (a page stored twice is one)
        book = make_book(app, args.pages, volume=f"K{run_no}", first=run_no * args.pages)
        print(f"  keying book: {len(book.entries)} entries on {args.pages} pages in {time.perf_counter() - t0:.1f} s")
    finally:
        app.close()
    cols = columns(BOOK_TYPES["khai_sinh"])
    info["written_cols"] = sum(sum(1 for v in vals.values() if v) for _, vals in book.entries) / len(book.entries)
    proc, base = serve(out / "data")
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            try:
                page = b.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
                page.goto(base + "/login")
                page.fill("#username", user)
                page.fill("#password", PASSWORD)
                page.press("#password", "Enter")
                page.wait_for_url(lambda u: "/login" not in u)
                run = key_entries(page, base, book)
            finally:
                b.close()
    finally:
        stop(proc)
    app = App(Settings(data_dir=out / "data", workers=1))
    try:
        run.wrong = check_values(app, book)
        again = make_book(app, args.pages, volume=f"D{run_no}", first=10**6 + run_no * args.pages)
        run.desk_ms = desk_saves(app, again, user)
        run.wrong += check_values(app, again)
    finally:
        app.close()
    text = table(info, run, len(cols))
    print(text)
    print(f"load average: {_loadavg()}")
    for w in run.wrong[:10]:
        print("  not as written:", w)
    result = {
        "info": info,
        "entries": run.entries,
        "keys": run.keys,
        "chars": run.chars,
        "seconds": run.seconds,
        "saves_ms": run.saves_ms,
        "shown_ms": run.shown_ms,
        "desk_ms": run.desk_ms,
        "wrong": run.wrong,
    }
    (out / "keying-bench.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return 0 if not run.wrong else 1


if __name__ == "__main__":
    sys.exit(main())
