"""Build the personal-name lexicons ``indexer/fields/data/{surnames,middle_names,given_names}.txt``
from vendored public name lists (``indexer/fields/data/sources/``). Nothing is typed by hand: every
entry comes from a source below, every count is computed here, and a rerun gives the same bytes
(``tests/test_names_lexicon.py`` checks that the committed files are this script's output).

Sources (all MIT; the project is GPL-3.0-or-later):

* ``namedb_male.txt``, ``namedb_female.txt``, ``namedb_surnames.txt`` — the Vietnamese name
  dictionary of duyet/vietnamese-namedb (MIT, Copyright (c) 2016 Van-Duyet Le): 2,536 boys' and
  girls' names (chữ đệm + tên, as name dictionaries list them — names, not persons) and 17 common
  surnames, as shipped in the PyPI wheel ``vn-fullname-generator`` 0.0.2 (MIT), files
  ``vn_fullname_generator/data/{male,female,first}.name``. Refresh with::

      pip download vn-fullname-generator==0.0.2 --no-deps -d /tmp/vnfg
      python scripts/build_names.py --namedb-wheel /tmp/vnfg/vn_fullname_generator-0.0.2-py3-none-any.whl

* ``vng_surname.tsv`` and ``vng_middle_name.tsv`` — the surname list with population shares and the
  middle-name lists of hungnguyen18/vietnamese-name-generator (MIT, Copyright (c) 2026 hungnguyen),
  ``src/data/surname.ts`` and ``src/data/middle-name.ts`` at the commits named in their headers.

The repository holds no list of real persons' full names. A list of real people (such as the
forum-member list in vietnamese-namedb) may only be used by reducing it to per-position syllable
counts, as this script does with the name dictionaries.

Derivation: each name is NFC with one tone-placement style (``indexer.vntext.canonical``; the
dictionaries' look-alike ``Ð`` U+00D0 becomes ``Đ``). Surnames: the surname list's entries with a
population share of at least 0.01 % whose every syllable is a Vietnamese syllable (this drops the
web-page tokens its crawler picked up, all with shares below 1e-10 %), plus the dictionary's
surnames. Given names: the last syllable of each dictionary name, with the number of names ending in
it. Middle names: every other syllable of each dictionary name, plus the middle-name lists' entries,
with the number of names and list entries using it. Usage: ``python scripts/build_names.py``
(writes the three files) or ``--check`` (exit 1 if a committed file differs from the build).
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.fields.syllables import is_valid  # noqa: E402
from indexer.vntext import canonical, fold  # noqa: E402

DATA = ROOT / "indexer" / "fields" / "data"
SOURCES = DATA / "sources"
MIN_SHARE = 0.01  # % of the population; the surname list's own floor for real surnames
NAMEDB = {  # vendored file → file in the vn-fullname-generator wheel
    "namedb_male.txt": "vn_fullname_generator/data/male.name",
    "namedb_female.txt": "vn_fullname_generator/data/female.name",
    "namedb_surnames.txt": "vn_fullname_generator/data/first.name",
}
NAMEDB_HEADER = """\
# Vendored source, kept as published: {what} of duyet/vietnamese-namedb (Vietnamese name dictionary,
# collected from name-giving sites — names, not persons), as shipped in the PyPI wheel
# vn-fullname-generator {version}, file {member}. Written by scripts/build_names.py --namedb-wheel.
#
# MIT License — Copyright (c) 2016 Van-Duyet Le (vietnamese-namedb); the wheel is MIT-licensed too.
# Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
# associated documentation files (the "Software"), to deal in the Software without restriction,
# including without limitation the rights to use, copy, modify, merge, publish, distribute,
# sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
# furnished to do so, subject to the following conditions: The above copyright notice and this
# permission notice shall be included in all copies or substantial portions of the Software.
# THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
# NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
# NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
# DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
# OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""
WHAT = {
    "namedb_male.txt": "the boys' names (boy.txt)",
    "namedb_female.txt": "the girls' names (girl.txt)",
    "namedb_surnames.txt": "the common surnames",
}


def _rows(path: Path) -> list[list[str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append([c.strip() for c in line.split("\t")])
    return out


def _name(text: str) -> str:
    return " ".join(canonical(w) for w in unicodedata.normalize("NFC", text).split())


def _vietnamese(name: str) -> bool:
    return bool(name) and all(is_valid(w) for w in name.split())


def vendor_namedb(wheel: Path, sources: Path = SOURCES) -> None:
    """Copy the name dictionary's files out of the vn-fullname-generator wheel, as published."""
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        version = next(
            line.split(":", 1)[1].strip() for line in z.read(meta).decode().splitlines() if line.startswith("Version:")
        )
        for out, member in NAMEDB.items():
            body = z.read(member).decode("utf-8").splitlines()
            head = NAMEDB_HEADER.format(what=WHAT[out], version=version, member=member)
            text = head + "".join(line.rstrip() + "\n" for line in body if line.strip())
            (sources / out).write_text(text, encoding="utf-8")


def _sorted(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], fold(kv[0]), kv[0]))


def build(sources: Path = SOURCES) -> dict[str, str]:
    """The three lexicon files' texts, keyed by file name."""
    names = [_name(r[0]) for f in ("namedb_male.txt", "namedb_female.txt") for r in _rows(sources / f)]
    names = [n for n in names if n]
    given: Counter[str] = Counter()
    middle: Counter[str] = Counter()
    skipped = 0
    for n in names:
        syl = n.split()
        if not all(is_valid(s) for s in syl):
            skipped += 1
            continue
        given[syl[-1]] += 1
        for s in syl[:-1]:
            middle[s] += 1
    vng_middle = [_name(r[3]) for r in _rows(sources / "vng_middle_name.tsv")]
    for m in vng_middle:
        if _vietnamese(m):
            middle[m] += 1

    shares: dict[str, float] = {}
    dropped = 0
    vng_rows = _rows(sources / "vng_surname.tsv")
    for value, weight in ((r[0], float(r[1])) for r in vng_rows):
        s = _name(value)
        if weight >= MIN_SHARE and _vietnamese(s):
            shares[s] = max(shares.get(s, 0.0), weight)
        else:
            dropped += 1
    db_surnames = [_name(r[0]) for r in _rows(sources / "namedb_surnames.txt")]
    extra = [s for s in db_surnames if _vietnamese(s) and s not in shares]
    surnames = sorted(shares.items(), key=lambda kv: (-kv[1], fold(kv[0]), kv[0]))

    common = [
        "# Built by scripts/build_names.py from the vendored sources in indexer/fields/data/sources/ —",
        "# do not edit by hand; rerun the script. All sources MIT-licensed (notices in the source files).",
    ]
    sur = [
        "# Vietnamese surnames (họ), NFC, one tone-placement style; compound surnames allowed.",
        *common,
        "# Sources: vng_surname.tsv — hungnguyen18/vietnamese-name-generator src/data/surname.ts, commit",
        "#   c4b04d040b5b909bf25618f8e0f3142fc0d915c4 (MIT, Copyright (c) 2026 hungnguyen);",
        "#   namedb_surnames.txt — duyet/vietnamese-namedb (MIT, Copyright (c) 2016 Van-Duyet Le) as shipped",
        "#   in vn-fullname-generator 0.0.2 (PyPI, MIT), file vn_fullname_generator/data/first.name.",
        f"# Rule: share ≥ {MIN_SHARE} % and Vietnamese syllables only ({dropped} source rows dropped), plus",
        "#   the dictionary's surnames the list lacks (share unknown: '-').",
        f"# Counts: {len(surnames) + len(extra)} surnames ({len(surnames)} with a share, {len(extra)} without).",
        "# Columns: surname <TAB> share of the population in % (as the source gives it).",
        *(f"{s}\t{w:g}" for s, w in surnames),
        *(f"{s}\t-" for s in extra),
    ]
    mid = [
        "# Vietnamese middle names (chữ đệm), one syllable a line, NFC, one tone-placement style.",
        *common,
        "# Sources: namedb_male.txt, namedb_female.txt — duyet/vietnamese-namedb boys' and girls' names (MIT,",
        "#   Copyright (c) 2016 Van-Duyet Le) as shipped in vn-fullname-generator 0.0.2 (PyPI, MIT);",
        "#   vng_middle_name.tsv — hungnguyen18/vietnamese-name-generator src/data/middle-name.ts, commit",
        "#   4fcc477c2424b4d00e517470171a71dcacea910c (MIT, Copyright (c) 2026 hungnguyen).",
        f"# Rule: every syllable of a dictionary name but the last ({len(names)} names, {skipped} with a",
        f"#   non-Vietnamese syllable skipped), plus the {len(vng_middle)} middle-name list entries.",
        f"# Counts: {len(middle)} middle names. Columns: middle name <TAB> names and list entries using it.",
        *(f"{s}\t{c}" for s, c in _sorted(middle)),
    ]
    giv = [
        "# Vietnamese given names (tên), one syllable a line, NFC, one tone-placement style.",
        *common,
        "# Sources: namedb_male.txt, namedb_female.txt — duyet/vietnamese-namedb boys' and girls' names (MIT,",
        "#   Copyright (c) 2016 Van-Duyet Le) as shipped in vn-fullname-generator 0.0.2 (PyPI, MIT).",
        f"# Rule: the last syllable of each dictionary name ({len(names)} names, {skipped} with a",
        "#   non-Vietnamese syllable skipped).",
        f"# Counts: {len(given)} given names. Columns: given name <TAB> names ending in it.",
        *(f"{s}\t{c}" for s, c in _sorted(given)),
    ]
    return {
        "surnames.txt": "\n".join(sur) + "\n",
        "middle_names.txt": "\n".join(mid) + "\n",
        "given_names.txt": "\n".join(giv) + "\n",
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--namedb-wheel", type=Path, help="refresh the vendored name dictionary from this wheel first")
    ap.add_argument("--check", action="store_true", help="only compare with the committed files")
    ap.add_argument("--data", type=Path, default=DATA, help="the data folder (default: the repository's)")
    args = ap.parse_args(argv)
    sources = args.data / "sources"
    if args.namedb_wheel:
        vendor_namedb(args.namedb_wheel, sources)
    stale = []
    for name, text in build(sources).items():
        path = args.data / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"{name}: {sum(1 for line in text.splitlines() if not line.startswith('#'))} entries")
    if stale:
        print("out of date (rerun scripts/build_names.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
