"""``python -m bench.forms``: generate forms of the four types in named layout families, run
``sohoa process`` on them, score, and print a table per layout family and per field.

    python -m bench.forms [--families standard vendor_a ...] [--split tune|holdout|all] [--n 8]
                          [--workers 2] [--dev] [--out bench/out/forms] [--errors]
                          [--aug photocopy fax print_scan folding | all]

Columns: fields exact % (the scorer's exact match), value-in-text recall % (the truth value is
found verbatim in sohoa's text: an upper bound for the reader), unflagged-right % (share of
fields sohoa did not mark for review that are right; the number of unflagged fields beside it),
flagged-but-right (fields marked for review that were already right). ``--dev`` also runs the dev
set's 16 form pages and shows them side by side. Hold-out families are for measuring only: never
tune on them (see bench/README.md). ``--aug`` delivers every page once per augraphy recipe
(``aug_<recipe>`` in the per-copy table) instead of as its family's own copy.

Scoring: ``../shared/bench/score.py`` on each set (its overall field accuracy is checked against
this table's), review flags as in ``bench.fields_calibration``. Outputs under ``--out``
(git-ignored): ``set/`` (images, truth, manifest), ``pred/`` (sohoa's JSON), ``dev_forms/`` and
``dev_pred/`` with ``--dev``, ``scores/``, ``report.md`` and ``report.json``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from bench import augraphy_kinds, fields_calibration
from bench.formgen import families as fam_mod
from bench.formgen.generate import GEN_VERSION, generate, source_digest
from indexer.vntext import fold

REPO = Path(__file__).resolve().parent.parent
SHARED_BENCH = REPO.parent / "shared" / "bench"
SCORE_PY = SHARED_BENCH / "score.py"


def load_scorer():
    spec = importlib.util.spec_from_file_location("bench_score", SCORE_PY)
    if spec is None or spec.loader is None:
        raise SystemExit(f"scorer not found: {SCORE_PY}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def sohoa_bin() -> Path:
    here = Path(sys.executable).parent / "sohoa"
    return here if here.exists() else REPO / ".venv" / "bin" / "sohoa"


def run_sohoa(images: Path, pred: Path, workers: int, log: Path) -> float:
    shutil.rmtree(pred, ignore_errors=True)
    pred.mkdir(parents=True)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = [str(sohoa_bin()), "process", str(images), "--out", str(pred), "--workers", str(workers), "--no-pdf"]
    t0 = time.monotonic()
    with log.open("w", encoding="utf-8") as fh:
        rc = subprocess.run(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, cwd=REPO).returncode
    if rc != 0:
        raise SystemExit(f"sohoa process failed (exit {rc}); see {log}")
    missing = [p.name for p in sorted(images.iterdir()) if not (pred / f"{p.stem}.json").exists()]
    if missing:
        raise SystemExit(
            f"sohoa process wrote no result for {len(missing)} pages ({', '.join(missing[:5])}, ...); see {log}"
        )
    return time.monotonic() - t0


def run_score(truth: Path, pred: Path, out_json: Path) -> dict:
    subprocess.run(
        [sys.executable, str(SCORE_PY), str(truth), str(pred), "--json-out", str(out_json)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return json.loads(out_json.read_text(encoding="utf-8"))


def dev_forms_view(dev: Path, view: Path) -> Path:
    """A set holding only the dev set's form pages (copies: sohoa refuses symlinks), so sohoa runs on
    16 pages, not 40."""
    shutil.rmtree(view, ignore_errors=True)
    (view / "images").mkdir(parents=True)
    (view / "truth").mkdir()
    for tf in sorted((dev / "truth").glob("*.json")):
        t = json.loads(tf.read_text(encoding="utf-8"))
        if t.get("kind") != "form":
            continue
        shutil.copy2(tf, view / "truth" / tf.name)
        img = dev / t["image"]
        shutil.copy2(img, view / "images" / img.name)
    return view


def rows_for(set_dir: Path, pred_dir: Path, scorer, group_of) -> list[dict]:
    """One row per truth field: right?, flagged?, value in sohoa's text?"""
    cal = fields_calibration.evaluate(set_dir, pred_dir)
    texts: dict[str, str] = {}
    truths: dict[str, dict] = {}
    for tf in sorted((set_dir / "truth").glob("*.json")):
        truths[tf.stem] = json.loads(tf.read_text(encoding="utf-8"))
        pf = pred_dir / tf.name
        texts[tf.stem] = (
            scorer.norm_text(json.loads(pf.read_text(encoding="utf-8")).get("text", "")) if pf.exists() else ""
        )
    out = []
    for r in cal["rows"]:
        t = truths[r["page"]]
        cf = scorer.is_name_field(r["field"])
        ok = (
            scorer.norm_value(r["pred"], cf) == scorer.norm_value(r["truth"], cf)
            and scorer.norm_value(r["truth"]) != ""
        )
        nv = scorer.norm_text(str(r["truth"]))
        pt = texts[r["page"]]
        in_text = (nv.casefold() in pt.casefold()) if cf else (nv in pt)
        out.append(
            {
                **r,
                "correct": ok,
                "in_text": in_text,
                "group": group_of(t),
                "family": t.get("family") or "dev",
                "copy": t.get("copy") or "dev scan",
            }
        )
    return out


def _bag(text: str, folded: bool = False) -> Counter[str]:
    words = (x.strip(".,;:!?()[]\"'“”…-").casefold() for x in text.split())
    return Counter((fold(w) if folded else w) for w in words if w)


def indexed_words(set_dir: Path, pred_dir: Path, scorer) -> dict[str, list[int]]:
    """Per page: [words of sohoa's text (what the search index holds) that are on the page, words of
    sohoa's text, words of the page's truth text, the first again with marks aside (search finds a
    word without its diacritics)] — multisets, case and edge punctuation aside. A handwritten word
    read as junk and indexed costs precision; a word left out costs recall."""
    out: dict[str, list[int]] = {}
    for tf in sorted((set_dir / "truth").glob("*.json")):
        pf = pred_dir / tf.name
        if not pf.exists():
            continue
        t_text = scorer.norm_text(json.loads(tf.read_text(encoding="utf-8")).get("text") or "")
        p_text = scorer.norm_text(json.loads(pf.read_text(encoding="utf-8")).get("text") or "")
        truth, pred = _bag(t_text), _bag(p_text)
        loose = sum((_bag(p_text, True) & _bag(t_text, True)).values())
        out[tf.stem] = [sum((pred & truth).values()), sum(pred.values()), sum(truth.values()), loose]
    return out


def index_table(by_family: dict[str, list[dict]], order: list[str], counts: dict[str, list[int]]) -> list[str]:
    out = [
        "| family | pages | indexed words | precision % | precision, marks aside % | recall % |",
        "|---|---|---|---|---|---|",
    ]
    for name in order:
        pages = {r["page"] for r in by_family.get(name, [])} & set(counts)
        if not pages:
            continue
        tp, n_pred, n_truth, loose = (sum(counts[p][i] for p in pages) for i in range(4))
        prec, lprec = (pct(x / n_pred if n_pred else None) for x in (tp, loose))
        out.append(
            f"| {name} | {len(pages)} | {n_pred} | {prec} | {lprec} | {pct(tp / n_truth if n_truth else None)} |"
        )
    return out


def summarise(rows: list[dict]) -> dict:
    n = len(rows)
    unf = [r for r in rows if not r["review"]]
    return {
        "n": n,
        "pages": len({r["page"] for r in rows}),
        "exact": sum(r["correct"] for r in rows) / n if n else None,
        "in_text": sum(r["in_text"] for r in rows) / n if n else None,
        "unflagged": len(unf),
        "unflagged_right": sum(r["correct"] for r in unf) / len(unf) if unf else None,
        "flagged_right": sum(r["correct"] and r["review"] for r in rows),
        "flagged": n - len(unf),
    }


def pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.1f}"


def family_table(groups: dict[str, list[dict]], order: list[str]) -> list[str]:
    out = [
        "| family | split | pages | fields | exact % | in text % | unflagged right % (n) | flagged | flagged but right |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in order:
        rows = groups.get(name)
        if not rows:
            continue
        s = summarise(rows)
        split = fam_mod.BY_NAME[name].split if name in fam_mod.BY_NAME else "dev"
        if name.startswith("ALL "):
            split = name[4:]
        out.append(
            f"| {name} | {split} | {s['pages']} | {s['n']} | {pct(s['exact'])} | {pct(s['in_text'])} | "
            f"{pct(s['unflagged_right'])} ({s['unflagged']}) | {s['flagged']} | {s['flagged_right']} |"
        )
    return out


def breakdown_table(by_split: dict[str, list[dict]], key: str, title: str) -> list[str]:
    """Tune / hold-out / dev split further by ``key`` (doc type, kind of copy)."""
    out = [
        f"| split | {title} | pages | fields | exact % | in text % | unflagged right % (n) | flagged but right |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for split in ("tune", "holdout", "dev"):
        rows = by_split.get(split) or []
        for k in sorted({str(r[key]) for r in rows}):
            s = summarise([r for r in rows if str(r[key]) == k])
            out.append(
                f"| {split} | {k} | {s['pages']} | {s['n']} | {pct(s['exact'])} | {pct(s['in_text'])} | "
                f"{pct(s['unflagged_right'])} ({s['unflagged']}) | {s['flagged_right']} |"
            )
    return out


def field_key(fid: str) -> str:
    return re.sub(r"^(bride|groom)_", "spouse_", fid)


def field_table(by_split: dict[str, list[dict]]) -> list[str]:
    splits = [s for s in ("tune", "holdout", "dev") if by_split.get(s)]
    head = (
        "| field | "
        + " | ".join(f"{s}: n / exact % / in text % / unflagged right % / flagged but right" for s in splits)
        + " |"
    )
    out = [head, "|---|" + "---|" * len(splits)]
    keys = sorted({field_key(r["field"]) for rows in by_split.values() for r in rows})
    for k in keys:
        cells = []
        for s in splits:
            rows = [r for r in by_split[s] if field_key(r["field"]) == k]
            if not rows:
                cells.append("")
                continue
            m = summarise(rows)
            cells.append(
                f"{m['n']} / {pct(m['exact'])} / {pct(m['in_text'])} / {pct(m['unflagged_right'])} / {m['flagged_right']}"
            )
        out.append(f"| {k} | " + " | ".join(cells) + " |")
    return out


def check_against_scorer(rows: list[dict], scored: dict, what: str) -> None:
    acc = scored["fields"]["accuracy"]
    mine = summarise(rows)["exact"]
    if acc is not None and mine is not None and abs(acc - mine) > 1e-9:
        raise SystemExit(f"{what}: field exact match {mine:.4f} differs from score.py's {acc:.4f}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m bench.forms", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--families",
        nargs="+",
        metavar="NAME",
        help=f"families (default: all of the split): {', '.join(fam_mod.BY_NAME)}",
    )
    ap.add_argument(
        "--split", choices=("tune", "holdout", "all"), default="tune", help="which families (default: tune)"
    )
    ap.add_argument("--n", type=int, default=8, help="pages per family (default 8; doc types rotate)")
    ap.add_argument("--workers", type=int, default=2, help="processes for generation and for sohoa (default 2)")
    ap.add_argument("--dev", action="store_true", help="also run and score the dev set's form pages, side by side")
    ap.add_argument("--dev-dir", type=Path, default=SHARED_BENCH / "dev")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "forms")
    ap.add_argument("--regenerate", action="store_true", help="generate even when set/ already holds this exact set")
    ap.add_argument(
        "--skip-process", action="store_true", help="score the predictions already in pred/ (and dev_pred/)"
    )
    ap.add_argument("--generate-only", action="store_true", help="write the set and stop")
    ap.add_argument("--errors", action="store_true", help="list every wrong field (! = unflagged, R = flagged)")
    ap.add_argument(
        "--aug",
        nargs="+",
        metavar="RECIPE",
        choices=(*augraphy_kinds.RECIPES, "all"),
        help="deliver every page once per augraphy recipe (copy aug_<recipe>) instead of as its family's own "
        f"copy: {', '.join(augraphy_kinds.RECIPES)} or all (needs .venv-augraphy: scripts/setup.sh test|bench)",
    )
    a = ap.parse_args(argv)
    if a.n < 1:
        ap.error("--n must be at least 1")
    a.aug = tuple(augraphy_kinds.RECIPES if a.aug and "all" in a.aug else dict.fromkeys(a.aug or ()))
    return a


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    try:
        fams = fam_mod.select(a.families, a.split)
    except ValueError as e:
        print(f"bench.forms: {e}", file=sys.stderr)
        return 2
    if not fams:
        print(
            f"bench.forms: none of those families is in split {a.split!r} (hold-out families need --split holdout,"
            " and are for measuring only)",
            file=sys.stderr,
        )
        return 2
    out: Path = a.out
    set_dir, pred_dir, logs = out / "set", out / "pred", out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (out / "scores").mkdir(exist_ok=True)
    want = {
        "gen_version": GEN_VERSION,
        "source": source_digest(),
        "families": [f.name for f in fams],
        "per_family": a.n,
        "aug": list(a.aug),
        "aug_source": augraphy_kinds.source_digest() if a.aug else None,
    }
    have = None
    if (set_dir / "manifest.json").exists():
        m = json.loads((set_dir / "manifest.json").read_text(encoding="utf-8"))
        have = {
            "gen_version": m.get("gen_version"),
            "source": m.get("source_digest"),
            "families": list(m.get("families", {})),
            "per_family": m.get("per_family"),
            "aug": m.get("aug", []),
            "aug_source": m.get("aug_source"),
        }
    t0 = time.monotonic()
    if a.skip_process:  # score what is there: the predictions belong to that set
        if have is None:
            raise SystemExit(f"--skip-process: no generated set in {set_dir}")
        if have != want:
            print(
                f"note: scoring the set already in {set_dir} ({have['families']}, n={have['per_family']})",
                file=sys.stderr,
            )
    elif a.regenerate or have != want:
        generate(set_dir, fams, a.n, workers=a.workers, aug=a.aug)
        pages = a.n * len(fams) * max(1, len(a.aug))
        print(f"generated {pages} pages in {time.monotonic() - t0:.0f} s -> {set_dir}", file=sys.stderr)
    else:
        print(f"reusing {set_dir} (same families, n and generator source)", file=sys.stderr)
    if a.generate_only:
        return 0
    if not a.skip_process:
        wall = run_sohoa(set_dir / "images", pred_dir, a.workers, logs / "sohoa_forms.log")
        print(f"sohoa process: {a.n * len(fams) * max(1, len(a.aug))} pages in {wall:.0f} s", file=sys.stderr)
    scorer = load_scorer()
    scored = run_score(set_dir, pred_dir, out / "scores" / "forms.json")
    rows = rows_for(set_dir, pred_dir, scorer, lambda t: t.get("split"))
    check_against_scorer(rows, scored, "forms")
    chosen = {f.name for f in fams}
    rows = [r for r in rows if r["family"] in chosen]  # --skip-process on a larger set: only those asked for
    dev_rows: list[dict] = []
    words = indexed_words(set_dir, pred_dir, scorer)
    if a.dev:
        view = dev_forms_view(a.dev_dir, out / "dev_forms")
        if not a.skip_process:
            wall = run_sohoa(view / "images", out / "dev_pred", a.workers, logs / "sohoa_dev.log")
            print(f"sohoa process (dev forms): {wall:.0f} s", file=sys.stderr)
        dscored = run_score(view, out / "dev_pred", out / "scores" / "dev_forms.json")
        dev_rows = rows_for(view, out / "dev_pred", scorer, lambda t: "dev")
        check_against_scorer(dev_rows, dscored, "dev")
        words.update(indexed_words(view, out / "dev_pred", scorer))
    by_family: dict[str, list[dict]] = defaultdict(list)
    by_split: dict[str, list[dict]] = defaultdict(list)
    for r in rows + dev_rows:
        by_family[r["family"]].append(r)
        by_split[r["group"]].append(r)
    for s, rs in by_split.items():
        by_family[f"ALL {s}"] = rs
    order = [f.name for f in fams] + ["dev"] + [f"ALL {s}" for s in ("tune", "holdout", "dev")]
    lines = [
        "## Per layout family",
        "",
        *family_table(by_family, order),
        "",
        "## Per document type",
        "",
        *breakdown_table(by_split, "doc_type", "doc type"),
        "",
        "## Per kind of copy",
        "",
        *breakdown_table(by_split, "copy", "copy"),
        "",
        "## Per field",
        "",
        *field_table(by_split),
        "",
        "## Indexed words (sohoa's text against the page's; hand-filled pages: handwriting must not enter)",
        "",
        *index_table(by_family, order, words),
    ]
    if a.errors:
        lines += ["", "## Wrong fields", ""]
        for r in rows + dev_rows:
            if not r["correct"]:
                lines.append(
                    f"{'R' if r['review'] else '!'} {r['page']} {r['field']}: truth={r['truth']!r} pred={r['pred']!r}"
                )
    text = "\n".join(lines)
    print(text)
    (out / "report.md").write_text(text + "\n", encoding="utf-8")
    summary = {k: summarise(v) for k, v in by_family.items()}
    (out / "report.json").write_text(
        json.dumps(
            {
                "args": {**vars(a), "dev_dir": str(a.dev_dir), "out": str(a.out)},
                "families": summary,
                "fields": {
                    split: {
                        k: summarise([r for r in rs if field_key(r["field"]) == k])
                        for k in sorted({field_key(r["field"]) for r in rs})
                    }
                    for split, rs in by_split.items()
                },
                "scorer_forms": {k: scored[k] for k in ("fields", "doc_type", "text")},
            },
            ensure_ascii=False,
            indent=1,
            default=str,
        ),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
