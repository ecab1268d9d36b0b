"""Field exact match and calibration of the review marks on a bench set.

    python -m bench.fields_calibration ../shared/bench/dev PRED_DIR [--errors] [--json]

PRED_DIR holds ``sohoa process`` output (one JSON per page with ``fields`` and ``fields_review``).
Calibration = the share of fields NOT marked for review that are correct (target ≥ 99 %); also
reported: how many fields go to review, and how many of the wrong ones are caught. Values are
compared the way ../shared/bench/score.py compares them (NFC, whitespace collapsed, stripped of
surrounding " .,;:", names case-insensitive).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

NAME_FIELDS = re.compile(r"(_name$|^applicant$|^receiver$)")


def norm(v: object, field_id: str) -> str:
    s = unicodedata.normalize("NFC", "" if v is None else str(v))
    s = " ".join(s.split()).strip(" .,;:")
    return s.lower() if NAME_FIELDS.search(field_id) else s


def evaluate(truth_dir: Path, pred_dir: Path) -> dict:
    rows = []
    doc_ok = doc_n = 0
    for tf in sorted((truth_dir / "truth").glob("*.json")):
        truth = json.loads(tf.read_text(encoding="utf-8"))
        pf = pred_dir / tf.name
        pred = json.loads(pf.read_text(encoding="utf-8")) if pf.exists() else {}
        doc_n += 1
        doc_ok += pred.get("doc_type") == truth.get("doc_type")
        fields = pred.get("fields") or {}
        review = set(pred.get("fields_review") or [])
        for fid, tv in (truth.get("fields") or {}).items():
            pv = fields.get(fid)
            rows.append(
                {
                    "page": tf.stem,
                    "doc_type": truth.get("doc_type"),
                    "field": fid,
                    "truth": tv,
                    "pred": pv,
                    "correct": pv is not None and norm(pv, fid) == norm(tv, fid),
                    "review": fid in review or pv is None,
                }
            )
    n = len(rows)
    correct = sum(r["correct"] for r in rows)
    unflagged = [r for r in rows if not r["review"]]
    wrong = [r for r in rows if not r["correct"]]
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_field: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        per_type[r["doc_type"]][0] += r["correct"]
        per_type[r["doc_type"]][1] += 1
        key = re.sub(r"^(bride|groom)_", "spouse_", r["field"])
        per_field[key][0] += r["correct"]
        per_field[key][1] += 1
    ids = [r for r in rows if r["field"].endswith("personal_id") or r["field"] == "dossier_code"]
    return {
        "doc_type_accuracy": doc_ok / doc_n if doc_n else None,
        "fields": n,
        "exact_match": correct / n if n else None,
        "ids_and_codes": (sum(r["correct"] for r in ids) / len(ids)) if ids else None,
        "not_review": len(unflagged),
        "calibration": (sum(r["correct"] for r in unflagged) / len(unflagged)) if unflagged else None,
        "review_share": 1 - len(unflagged) / n if n else None,
        "wrong_caught": (sum(r["review"] for r in wrong) / len(wrong)) if wrong else None,
        "per_doc_type": {k: v[0] / v[1] for k, v in sorted(per_type.items())},
        "per_field": {k: v[0] / v[1] for k, v in sorted(per_field.items())},
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.fields_calibration",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("bench_dir", type=Path, help="bench set with truth/ (e.g. ../shared/bench/dev)")
    ap.add_argument("pred_dir", type=Path, help="sohoa process output")
    ap.add_argument("--errors", action="store_true", help="list every wrong field")
    ap.add_argument("--json", action="store_true", help="print everything as JSON")
    a = ap.parse_args(argv)
    res = evaluate(a.bench_dir, a.pred_dir)
    if a.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return 0

    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{100 * v:.1f}%"

    print(f"doc_type accuracy        {pct(res['doc_type_accuracy'])}")
    print(f"field exact match        {pct(res['exact_match'])} (n={res['fields']})")
    print(f"personal IDs + codes     {pct(res['ids_and_codes'])}")
    print(f"calibration (not review) {pct(res['calibration'])} correct of {res['not_review']} fields not marked")
    print(f"marked for review        {pct(res['review_share'])}; wrong fields caught {pct(res['wrong_caught'])}")
    for k, v in res["per_doc_type"].items():
        print(f"  {k:28s} {pct(v)}")
    if a.errors:
        for r in res["rows"]:
            if not r["correct"]:
                mark = "R" if r["review"] else "!"
                print(f"{mark} {r['page']} {r['field']:24s} truth={r['truth']!r} pred={r['pred']!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
