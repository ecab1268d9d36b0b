"""``python -m bench.atrest``: what an encrypted volume (LUKS, AES-256-XTS, the Debian installer's
default) would cost sohoa per page, on this PC.

LUKS encrypts every sector written and decrypts every sector read. A page's bytes go through it
about three times in sohoa's life (stored at intake, read by the OCR worker, read again for the
desk's image or a backup), and the database and the searchable PDF add a little. This measures
the cipher's speed here with ``openssl speed -evp aes-256-xts`` on 4096-byte sectors (the
kernel's dm-crypt uses the same AES-NI instructions) and prints the time per page for the dev
set's real page sizes beside the OCR time per page, so the README's "cost" is a number.

Never: touches a disk or needs root (``cryptsetup benchmark`` does the same on a given PC with
root); the figure is the cipher's CPU time, not the disk's.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
from pathlib import Path

DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "dev" / "images"
PASSES = 3  # written at intake, read by OCR, read for the desk / a backup
SECTOR = 4096


def cipher_bytes_per_s(seconds: int = 2) -> float:
    out = subprocess.run(
        ["openssl", "speed", "-evp", "aes-256-xts", "-seconds", str(seconds), "-bytes", str(SECTOR)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    m = re.search(r"AES-256-XTS\s+([\d.]+)k", out)
    if not m:
        raise SystemExit(f"openssl speed gave no AES-256-XTS figure:\n{out}")
    return float(m.group(1)) * 1000


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=Path, default=DEV, help="folder of page images (their sizes are used)")
    ap.add_argument("--ocr-s", type=float, default=0.9, help="OCR CPU seconds per page (make bench prints it)")
    a = ap.parse_args(argv)
    sizes = [p.stat().st_size for p in sorted(a.pages.iterdir()) if p.is_file()]
    if not sizes:
        raise SystemExit(f"no pages in {a.pages}")
    speed = cipher_bytes_per_s()
    rows = []
    for label, size in (
        ("median page", statistics.median(sizes)),
        ("largest page", max(sizes)),
    ):
        ms = PASSES * size / speed * 1000
        rows.append([label, f"{size / 1e6:.2f} MB", f"{ms:.2f} ms", f"{ms / (a.ocr_s * 1000) * 100:.3f} %"])
    print(f"AES-256-XTS on {SECTOR}-byte sectors here: {speed / 1e9:.2f} GB/s per core (openssl speed)")
    head = ["page", "size", f"cipher time ({PASSES} passes)", f"of {a.ocr_s:.1f} s OCR"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
