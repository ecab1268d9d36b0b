"""Score each prediction folder with ``score.py`` and print one table, targets marked ✓ / ✗."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.systems import SystemRun

SYSTEMS = ("sohoa", "ocrmypdf", "tesseract")
LABELS = {"sohoa": "sohoa", "ocrmypdf": "OCRmyPDF", "tesseract": "raw tesseract"}


def score(score_py: Path, dev: Path, run: SystemRun, out_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    js = out_dir / f"{run.key}.json"
    r = subprocess.run(
        [sys.executable, str(score_py), str(dev), str(run.pred_dir), "--json-out", str(js)],
        capture_output=True,
        text=True,
    )
    (out_dir / f"{run.key}.txt").write_text(r.stdout + r.stderr, encoding="utf-8")
    if r.returncode != 0:
        raise RuntimeError(f"score.py failed for {run.key}: {r.stderr.strip()[-500:]}")
    return json.loads(js.read_text(encoding="utf-8"))


def metrics(s: dict, run: SystemRun) -> dict[str, float | None]:
    """The numbers of the table, flat, for one system."""
    m: dict[str, float | None] = {}
    for group in ("text_and_form", "text", "form", "register"):
        g = s["text"].get(group) or {}
        m[f"cer.{group}"], m[f"wer.{group}"] = g.get("cer"), g.get("wer")
    rot, skew, blank = s["rotation"], s["skew"], s["blank"]
    m["rotation.accuracy"] = rot["accuracy"]
    m["rotation.on_turned"] = rot["accuracy_on_rotated"]
    m["rotation.false_turns"] = rot["false_rotation_rate_on_upright"]
    m["skew.median"], m["skew.p90"] = skew["abs_err_median"], skew["abs_err_p90"]
    m["skew.coverage"] = skew["n_predicted"] / skew["n_pages"] if skew["n_pages"] else None
    m["blank.precision"], m["blank.recall"] = blank["precision"], blank["recall"]
    m["blank.chars"] = s["text"].get("blank_pages_pred_chars_mean")
    m["doc_type.accuracy"], m["fields.accuracy"] = s["doc_type"]["accuracy"], s["fields"]["accuracy"]
    m["speed.ppm"] = run.ppm
    m["speed.cpu_per_page"] = run.cpu_s / run.pages if run.cpu_s is not None and run.pages else None
    cores = run.extra.get("foreign_load_cores")  # measured by bench.systems while the system ran
    m["noise.foreign_cores"] = float(cores) if isinstance(cores, (int, float)) else None
    m["memory.worker_peak_mb"] = run.memory.worker_peak_mb
    m["memory.total_peak_mb"] = run.memory.total_peak_mb or None
    return m


def pct(nd: int) -> Callable[[float], str]:
    return lambda v: f"{100 * v:.{nd}f}%"


def deg(v: float) -> str:
    return f"{v:.2f}°"


@dataclass
class Row:
    label: str
    key: str
    fmt: Callable[[float], str]
    target: str = ""
    ok: Callable[[float], bool] | None = None
    only: tuple[str, ...] = SYSTEMS  # systems that predict this


ROWS = [
    Row("CER text_and_form", "cer.text_and_form", pct(2), "≤ 10%", lambda v: v <= 0.10),
    Row("WER text_and_form", "wer.text_and_form", pct(2)),
    Row("CER text", "cer.text", pct(2), "≤ 5%", lambda v: v <= 0.05),
    Row("WER text", "wer.text", pct(2)),
    Row("CER form", "cer.form", pct(2)),
    Row("WER form", "wer.form", pct(2)),
    Row("CER register", "cer.register", pct(2)),
    Row("WER register", "wer.register", pct(2)),
    Row("rotation accuracy (non-blank)", "rotation.accuracy", pct(1), "100%", lambda v: v >= 1.0),
    Row("rotation accuracy, turned pages", "rotation.on_turned", pct(1), "100%", lambda v: v >= 1.0),
    Row("false turns on upright pages", "rotation.false_turns", pct(1)),
    Row("skew |err| median", "skew.median", deg, "≤ 0.15°", lambda v: v <= 0.15),
    Row("skew |err| p90", "skew.p90", deg, "≤ 0.4°", lambda v: v <= 0.4),
    Row("skew coverage", "skew.coverage", pct(0)),
    Row("blank precision", "blank.precision", pct(1), "100%", lambda v: v >= 1.0),
    Row("blank recall", "blank.recall", pct(1), "100%", lambda v: v >= 1.0),
    Row("chars invented per blank sheet", "blank.chars", lambda v: f"{v:.0f}"),
    Row("doc_type accuracy", "doc_type.accuracy", pct(1), only=("sohoa",)),
    Row("field exact match", "fields.accuracy", pct(1), only=("sohoa",)),
    Row("pages/min (wall clock, all cores)", "speed.ppm", lambda v: f"{v:.1f}"),
    Row("CPU seconds per page", "speed.cpu_per_page", lambda v: f"{v:.1f}"),
    Row("other load during run (cores)", "noise.foreign_cores", lambda v: f"{v:.2f}"),
    Row("sohoa ppm / OCRmyPDF ppm", "ratio.ocrmypdf", lambda v: f"{v:.2f}×", "≥ 4×", lambda v: v >= 4, ("sohoa",)),
    Row("  same, by CPU seconds per page", "cpu_ratio.ocrmypdf", lambda v: f"{v:.2f}×", only=("sohoa",)),
    Row(
        "sohoa ppm / raw tesseract ppm",
        "ratio.tesseract",
        lambda v: f"{v:.2f}×",
        "≥ 0.6×",
        lambda v: v >= 0.6,
        ("sohoa",),
    ),
    Row("  same, by CPU seconds per page", "cpu_ratio.tesseract", lambda v: f"{v:.2f}×", only=("sohoa",)),
    Row("peak RSS per worker", "memory.worker_peak_mb", lambda v: f"{v:.0f} MB", "≤ 400 MB", lambda v: v <= 400),
    Row("peak RSS, all processes", "memory.total_peak_mb", lambda v: f"{v:.0f} MB"),
]


def add_ratios(all_metrics: dict[str, dict[str, float | None]]) -> None:
    s = all_metrics.get("sohoa")
    if not s:
        return
    for other in ("ocrmypdf", "tesseract"):
        o = all_metrics.get(other)
        ok = o and o.get("speed.ppm") and s.get("speed.ppm") is not None
        s[f"ratio.{other}"] = s["speed.ppm"] / o["speed.ppm"] if ok else None
        # The same ratio from CPU time (less sensitive to other load on a shared machine).
        ok = o and o.get("speed.cpu_per_page") and s.get("speed.cpu_per_page")
        s[f"cpu_ratio.{other}"] = o["speed.cpu_per_page"] / s["speed.cpu_per_page"] if ok else None


def cell(row: Row, system: str, m: dict[str, float | None] | None) -> str:
    if m is None:
        return "skipped"
    if system not in row.only:
        return "—"
    v = m.get(row.key)
    if v is None:
        return "n/a"
    text = row.fmt(v)
    if row.ok is not None:
        text += " ✓" if row.ok(v) else " ✗"
    return text


def table(all_metrics: dict[str, dict[str, float | None]]) -> str:
    header = ["metric", "target"] + [LABELS[s] for s in SYSTEMS]
    lines = [header]
    for row in ROWS:
        lines.append([row.label, row.target] + [cell(row, s, all_metrics.get(s)) for s in SYSTEMS])
    widths = [max(len(r[i]) for r in lines) for i in range(len(header))]
    out = []
    for i, r in enumerate(lines):
        out.append("  ".join(c.ljust(w) if j < 2 else c.rjust(w) for j, (c, w) in enumerate(zip(r, widths))).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def write(
    out: Path,
    text_table: str,
    meta: dict,
    runs: dict[str, SystemRun],
    scores: dict[str, dict],
    all_metrics: dict[str, dict[str, float | None]],
    notes: list[str],
) -> None:
    md = ["# OCR benchmark", ""]
    md += [f"- {k}: {v}" for k, v in meta.items() if not isinstance(v, dict)]
    md += [f"- {k}: " + ", ".join(f"{a}={b}" for a, b in v.items()) for k, v in meta.items() if isinstance(v, dict)]
    md += ["", "```text", text_table, "```", "", "## How each system ran", ""]
    md += [f"- **{r.label}**: {r.setup}; {r.wall_s:.1f} s wall for {r.pages} pages" for r in runs.values()]
    md += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    (out / "report.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    targets = {r.key: r.target for r in ROWS if r.target}
    data = {
        "meta": meta,
        "targets": targets,
        "metrics": all_metrics,
        "runs": {k: r.as_dict() for k, r in runs.items()},
        "scores": scores,
        "notes": notes,
    }
    (out / "report.json").write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
