"""Extract the compact gazetteer snapshot ``indexer/fields/data/gazetteer.tsv`` from the bundled
database of the ``vietnamadminunits`` package (MIT, Tran Ngoc Minh Hieu): every province, district and
commune before 1 July 2025 (63 provinces) and every province and commune from 1 July 2025 (34
provinces, no districts), with their GSO codes. Nothing is typed by hand: rerun this script to
refresh the snapshot from a newer package version.

Usage (the package's own dependencies are not needed, only its data file):

    pip download vietnamadminunits==1.0.4 --no-deps -d /tmp/vau
    python scripts/build_gazetteer.py /tmp/vau/vietnamadminunits-1.0.4-py3-none-any.whl

or, with the package installed, ``python scripts/build_gazetteer.py`` (it is found without being
imported). Writes the snapshot with the source package and version in its header.
"""

from __future__ import annotations

import argparse
import importlib.util
import sqlite3
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "indexer" / "fields" / "data" / "gazetteer.tsv"
DB_IN_PACKAGE = "vietnamadminunits/data/dataset.db"


def _nfc(s: str | None) -> str:
    return unicodedata.normalize("NFC", (s or "").strip())


def _from_wheel(wheel: Path, tmp: Path) -> tuple[Path, str]:
    with zipfile.ZipFile(wheel) as z:
        z.extract(DB_IN_PACKAGE, tmp)
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        version = next(
            line.split(":", 1)[1].strip() for line in z.read(meta).decode().splitlines() if line.startswith("Version:")
        )
    return tmp / DB_IN_PACKAGE, version


def _from_installed() -> tuple[Path, str]:
    from importlib.metadata import version

    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("vietnamadminunits is not installed; pass the path of its wheel")
    root = Path(next(iter(spec.submodule_search_locations)))
    return root / "data" / "dataset.db", version("vietnamadminunits")


def build(db: Path, version: str) -> list[str]:
    con = sqlite3.connect(db)
    out = [
        f"# Vietnamese administrative units, extracted by scripts/build_gazetteer.py from vietnamadminunits {version}",
        "# (PyPI, MIT licence, Copyright (c) 2025 Tran Ngoc Minh Hieu), file vietnamadminunits/data/dataset.db.",
        "# Rows: LP code name | LD code province_code name | LW code district_code name  (before 1 July 2025)",
        "#       NP code name | NW code province_code name                              (from 1 July 2025)",
        "# Names are full, with the unit word as the source prints it (Tỉnh, Thành phố, Huyện, Xã, Phường …).",
    ]
    seen: set[tuple[str, str]] = set()

    def row(kind: str, *cols: str) -> None:
        if (kind, cols[0]) in seen or not cols[0]:
            return
        seen.add((kind, cols[0]))
        out.append("\t".join((kind, *(_nfc(c) for c in cols))))

    q = (
        "select provinceCode, province, districtCode, district, wardCode, ward from admin_units_legacy "
        "order by provinceCode, districtCode, wardCode"
    )
    for pc, p, dc, d, wc, w in con.execute(q):
        row("LP", pc, p)
        row("LD", dc, pc, d)
        if wc:
            row("LW", wc, dc, w)
    for pc, p, wc, w in con.execute(
        "select provinceCode, province, wardCode, ward from admin_units order by provinceCode, wardCode"
    ):
        row("NP", pc, p)
        row("NW", wc, pc, w)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("wheel", nargs="?", type=Path, help="a vietnamadminunits wheel (else the installed package)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db, version = _from_wheel(args.wheel, Path(tmp)) if args.wheel else _from_installed()
        lines = build(db, version)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    counts = {k: sum(1 for line in lines if line.startswith(k + "\t")) for k in ("LP", "LD", "LW", "NP", "NW")}
    print(f"{args.out}: {counts}")


if __name__ == "__main__":
    main()
