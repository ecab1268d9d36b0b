"""The benches' side of the augraphy copies: runs ``bench/augraphy_run.py`` with
``.venv-augraphy``'s Python (made by ``scripts/setup.sh test|bench``) as a subprocess, so augraphy
and its ``opencv-python`` never enter the main venv.

A copy kind ``aug_<recipe>`` (``aug_photocopy``, ``aug_fax``, ``aug_print_scan``, ``aug_folding``)
is a page degraded by that recipe of ``bench/augraphy_run.py``; the same input, recipe and seed
give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AUG_PYTHON = REPO / ".venv-augraphy" / "bin" / "python"
RUNNER = Path(__file__).resolve().parent / "augraphy_run.py"
RECIPES = ("photocopy", "fax", "print_scan", "folding")  # as augraphy_run.RECIPES (that module needs augraphy)
KINDS = tuple(f"aug_{r}" for r in RECIPES)


def source_digest() -> str:
    """Hash of the runner and the pinned versions: a degraded set made by other code is never reused."""
    h = hashlib.sha256()
    for f in (RUNNER, RUNNER.with_name("augraphy-requirements.txt")):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def recipe_of(kind: str) -> str:
    if not kind.startswith("aug_") or kind[4:] not in RECIPES:
        raise ValueError(f"not an augraphy kind: {kind!r}; known: {', '.join(KINDS)}")
    return kind[4:]


def available() -> bool:
    return AUG_PYTHON.exists()


def run(jobs: list[dict], timeout: float | None = None) -> list[dict]:
    """Degrade every ``{"in", "out", "recipe", "seed"}`` job in one subprocess (augraphy is imported
    and numba's functions are loaded once). Returns the runner's line per job."""
    if not jobs:
        return []
    if not available():
        raise SystemExit(
            f"augraphy's environment is missing ({AUG_PYTHON}): run scripts/setup.sh test (or bench) to make it"
        )
    env = dict(os.environ, NUMBA_NUM_THREADS="1", OMP_NUM_THREADS="1", OMP_THREAD_LIMIT="1", PYTHONHASHSEED="0")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump([{**j, "in": str(j["in"]), "out": str(j["out"])} for j in jobs], fh)
        path = Path(fh.name)
    try:
        r = subprocess.run(
            [str(AUG_PYTHON), str(RUNNER), "--jobs", str(path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
        )
    finally:
        path.unlink(missing_ok=True)
    if r.returncode != 0:
        raise RuntimeError(f"augraphy_run.py failed (exit {r.returncode}): {r.stderr[-2000:]}")
    return [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
