"""``python -m bench.ledgerrows``: rows and cells found on generated handwritten ledger pages.

    python -m bench.ledgerrows [--pages N] [--family NAME ...] [--split tune|holdout] [--json OUT] [--ocr]

Each page of each family (``bench.ledgergen``: rules clean / faint / broken / hand-drawn /
absent, skew, scan noise; tune and hold-out families) goes through ``ocr.ledgerrows.find_rows``
alone (no OCR). A truth row is **found** when one found row is matched to it (one to one, in
order) with its band overlapping the truth band at least 50 % (intersection over union of the
two vertical spans at the table's centre line). A page is **exact** when it has as many found
rows as truth rows and every truth row is found. A cell is found when its box overlaps the truth
cell at least 50 % (intersection over union). The table gives, per family and split, pages
exact, rows found, rows too many, cells found; then per rule kind, tune and hold-out side by side.
Target: ≥ 99 % rows found on faint and on broken rules, in both splits.

``--ocr`` reads the same pages through the real OCR worker instead (the book types the catalogue
has a ledger for, drawn with its columns: khai sinh, khai tử, kết hôn): a truth row is found when one entry of the
reading has its region on it — the column binding, the header and the empty-row rules of ``indexer.registers.ledger``
included. The worker deskews the page about its centre, where the truth bands are measured.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.ledgergen import FAMILIES, RULES, Family, LedgerTruth, ledger_page
from ocr.ledgerrows import LedgerRows, find_rows

TARGET = 0.99
TARGET_RULES = ("faint", "broken", "worn")


@dataclass
class Score:
    family: str
    split: str
    rules: str
    pages: int = 0
    exact: int = 0
    truth_rows: int = 0
    found_rows: int = 0
    extra_rows: int = 0
    truth_cells: int = 0
    found_cells: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)


def span_iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def box_iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def match(truth: list[tuple[int, int]], found: list[tuple[int, int]]) -> list[int | None]:
    """For each truth row, the index of the found row matched to it (in order, one to one), or None."""
    out: list[int | None] = []
    j = 0
    for t in truth:
        hit = None
        for k in range(j, len(found)):
            if span_iou(t, found[k]) >= 0.5:
                hit = k
                break
            if found[k][0] > t[1]:
                break
        out.append(hit)
        if hit is not None:
            j = hit + 1
    return out


Box = tuple[int, int, int, int]


def score(
    page: LedgerTruth,
    index: int,
    found: list[tuple[int, int]],
    cells_of: Callable[[int], list[Box]],
    sc: Score,
    how: str,
) -> None:
    """Add one page to a family's score: ``found`` row spans in page order, ``cells_of(k)`` the
    cells of found row k."""
    hits = match(page.rows, found)
    ok = sum(h is not None for h in hits)
    sc.pages += 1
    sc.truth_rows += len(page.rows)
    sc.found_rows += ok
    sc.extra_rows += max(0, len(found) - ok)
    if ok == len(page.rows) == len(found):
        sc.exact += 1
    elif len(sc.misses) < 5:
        sc.misses.append(f"{page.family}#{index}: {len(found)} rows found for {len(page.rows)} ({how})")
    for truth, h in zip(page.cells, hits):
        sc.truth_cells += len(truth)
        if h is not None:
            cells = cells_of(h)
            sc.found_cells += sum(any(box_iou(t, c) >= 0.5 for c in cells) for t in truth)


def score_page(page: LedgerTruth, rows: LedgerRows, sc: Score, index: int) -> None:
    entries = rows.entries
    found = [rows.span(b) for b in entries]  # at the found table's centre line, as the truth's
    score(page, index, found, lambda k: rows.cells(entries[k]), sc, rows.method)


def run(families: list[Family], pages: int | None) -> list[Score]:
    out = []
    for fam in families:
        sc = Score(fam.name, fam.split, fam.rules)
        for i in range(pages if pages is not None else fam.pages):
            page = ledger_page(fam, i)
            gray = np.asarray(page.image)
            t = time.perf_counter()
            rows = find_rows(gray, page.dpi)
            sc.seconds += time.perf_counter() - t
            score_page(page, rows, sc, i)
        out.append(sc)
    return out


def run_ocr(families: list[Family], pages: int | None, tmp: Path) -> list[Score]:
    """The same pages through the real OCR worker (``sohoa.tasks.run_page_task``): the entries of
    the reading, each with its row's region, against the truth rows. Only the books the catalogue
    has a ledger page type for (khai sinh, khai tử, kết hôn), drawn with the catalogue's columns, are
    read; a page the worker does not take for its book's ledger gives no rows."""
    from indexer.registers.vocabulary import BOOK_TYPES
    from ocr.pipeline import OcrOptions
    from ocr.types import PageSource
    from sohoa.tasks import PageTask, run_page_task

    out = []
    for fam in families:
        ledger = BOOK_TYPES[fam.book].ledger_type
        if ledger is None or fam.local:  # a locality's own columns are not the catalogue's
            continue
        sc = Score(fam.name, fam.split, fam.rules)
        for i in range(pages if pages is not None else fam.pages):
            page = ledger_page(fam, i)
            path = tmp / f"{fam.name}-{i}.png"
            page.image.save(path, dpi=(page.dpi, page.dpi))
            t = time.perf_counter()
            got = run_page_task(PageTask(PageSource(path, "image/png", 0), OcrOptions()))
            sc.seconds += time.perf_counter() - t
            # the reading types its entries as text; a ledger entry also carries its region and cells
            r = got.reading
            entries: list[dict[str, Any]] = list(r.register_entries) if r is not None and r.doc_type == ledger else []
            found = [(int(e["region"][1]), int(e["region"][1] + e["region"][3])) for e in entries]

            def cells_of(k: int, entries: list[dict[str, Any]] = entries) -> list[Box]:
                return [(c[0], c[1], c[2], c[3]) for c in (entries[k].get("cells") or {}).values()]

            score(page, i, found, cells_of, sc, "OCR worker")
        out.append(sc)
    return out


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f} %" if b else "    —"


def table(scores: list[Score]) -> str:
    lines = [
        "| family | split | rules | pages exact | rows found | rows too many | cells found | s/page |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in scores:
        lines.append(
            f"| {s.family} | {s.split} | {s.rules} | {s.exact}/{s.pages} | {_pct(s.found_rows, s.truth_rows)} "
            f"({s.found_rows}/{s.truth_rows}) | {s.extra_rows} | {_pct(s.found_cells, s.truth_cells)} | "
            f"{s.seconds / max(1, s.pages):.2f} |"
        )
    lines += ["", "| rules | tune rows found | hold-out rows found | target |", "| --- | ---: | ---: | --- |"]
    for kind in RULES:
        cols = []
        met = True
        for split in ("tune", "holdout"):
            got = [s for s in scores if s.rules == kind and s.split == split]
            a, b = sum(s.found_rows for s in got), sum(s.truth_rows for s in got)
            cols.append(_pct(a, b) if b else "—")
            met = met and (not b or a / b >= TARGET)
        target = ("✓ ≥ 99 %" if met else "✗ < 99 %") if kind in TARGET_RULES else ""
        lines.append(f"| {kind} | {cols[0]} | {cols[1]} | {target} |")
    misses = [m for s in scores for m in s.misses]
    if misses:
        lines += ["", "pages not exact (first few per family):"] + [f"  {m}" for m in misses]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.ledgerrows", description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=None, help="pages per family (default: the family's)")
    ap.add_argument("--family", action="append", default=[], help="only these families")
    ap.add_argument("--split", choices=("tune", "holdout"), default=None)
    ap.add_argument("--json", type=Path, default=None, help="write the scores as JSON")
    ap.add_argument("--ocr", action="store_true", help="through the real OCR worker (~5 s/page)")
    args = ap.parse_args(argv)
    fams = [
        f for f in FAMILIES if (not args.family or f.name in args.family) and (not args.split or f.split == args.split)
    ]
    if args.ocr:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            scores = run_ocr(fams, args.pages, Path(tmp))
    else:
        scores = run(fams, args.pages)
    print(table(scores))
    if args.json:
        args.json.write_text(json.dumps([asdict(s) for s in scores], ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
