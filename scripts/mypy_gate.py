"""The type gate: mypy may report only the errors listed as accepted in ``scripts/mypy-accepted.txt``.

An accepted error is named by file, error code and message (not line number, so edits above it
do not break the gate); each line of the list may carry a reason after `` # ``. New errors fail the
gate; accepted errors that no longer occur are reported so the list can only shrink
(``--update`` rewrites it from the current run, keeping the reasons of the lines that remain).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCEPTED = ROOT / "scripts" / "mypy-accepted.txt"
LINE = re.compile(r"^(?P<file>[^:]+):\d+(?::\d+)?: error: (?P<msg>.*?)\s+\[(?P<code>[a-z-]+)\]$")


def current() -> Counter[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-color-output", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    found: Counter[str] = Counter()
    for line in proc.stdout.splitlines():
        m = LINE.match(line)
        if m:
            found[f"{m['file']}: [{m['code']}] {m['msg']}"] += 1
        elif ": error:" in line:
            found[line] += 1
    if proc.returncode not in (0, 1):
        sys.stdout.write(proc.stdout + proc.stderr)
        raise SystemExit(f"mypy failed to run (exit {proc.returncode})")
    return found


def accepted() -> tuple[Counter[str], dict[str, str]]:
    keys: Counter[str] = Counter()
    reasons: dict[str, str] = {}
    if ACCEPTED.exists():
        for raw in ACCEPTED.read_text(encoding="utf-8").splitlines():
            if not raw.strip() or raw.startswith("#"):
                continue
            key, _, reason = raw.partition("  # ")
            keys[key.rstrip()] += 1
            if reason:
                reasons[key.rstrip()] = reason
    return keys, reasons


def main(argv: list[str]) -> int:
    found = current()
    ok, reasons = accepted()
    if "--update" in argv:
        lines = ["# mypy errors accepted for now (scripts/mypy_gate.py); this list only shrinks."]
        for key in sorted(found.elements()):
            lines.append(f"{key}  # {reasons[key]}" if key in reasons else key)
        ACCEPTED.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"mypy gate: {sum(found.values())} accepted errors written to {ACCEPTED.relative_to(ROOT)}")
        return 0
    new = found - ok
    gone = ok - found
    for key in sorted(new.elements()):
        print(f"new mypy error: {key}")
    if gone:
        print(f"mypy gate: {sum(gone.values())} accepted error(s) no longer occur; shrink the list:")
        for key in sorted(gone.elements()):
            print(f"  fixed: {key}")
    if new:
        print(f"mypy gate: {sum(new.values())} new error(s); fix them (the accepted list only shrinks)")
        return 1
    print(f"mypy gate: clean ({sum(found.values())} accepted errors remain)")
    return 1 if gone else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
