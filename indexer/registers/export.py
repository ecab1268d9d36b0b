"""Exports of the registers: what the database alone can give.

* :func:`write_xlsx` — what the national import (Công văn 1437/BTP-CNTT, domain.md §3) expects per
  book: one XLSX, one row per entry, its columns the national vocabulary (``so, quyenSo, trangSo,
  ngayDangKy, …, nksHoTen, …``), the name of the entry's PDF in the row's ``tepDinhKem`` column.
  The official file-naming rule is not confirmed (domain.md §9): ``KS_2012_Q01_00047.pdf`` (type
  code, year, quyển số, số) until it is (:func:`pdf_name`).
* :func:`export_all` — every book and entry as CSV (one row per entry) or JSON (books with their
  entries, each with its history, its keyings from the paper — who keyed which values, the
  arbitrator's choice, how it ended — and its filed documents).
* Both the XLSX and the JSON carry what another sohoa needs to take the registers back whole
  (``exchange.py`` writes those parts and reads them back).
* :func:`print_pdf` — print-ready pages for the paper book: one A4 page per entry for books of one
  entry per page, ruled landscape pages of rows for ledgers.

This module never reads a stored original: the ZIP of page images that goes with the XLSX is
made by the application (``sohoa/exports.py``), which knows where originals are kept.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import select

from capture.fsutil import atomic_write
from indexer.db import Database
from indexer.models import (
    Commune,
    RegisterBook,
    RegisterEntry,
    RegisterEntryRegion,
    RegisterFiling,
)
from indexer.registers import exchange
from indexer.registers.books import BookInfo, find_book
from indexer.registers.entries import book_entries
from indexer.registers.model import book_key, fmt_date, so_sort_key
from indexer.registers.vocabulary import BOOK_TYPES, COMMON, ENTRY_PER_PAGE, BookType
from indexer.vntext import fold

FILE_COLUMN = "tepDinhKem"
FONTS = (
    (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
    ),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
)


def columns(bt: BookType) -> list[str]:
    return [k.key for k in bt.all_keys]


def file_stem(book: BookInfo) -> str:
    """``KS_2012_Q01``: ASCII only (type code, year, quyển số), as file names inside a ZIP must be."""
    code = "".join(c for c in fold(book.type.code).upper() if c.isalnum())
    vol = "".join(c if c.isascii() and c.isalnum() else "-" for c in fold(book.volume).upper())
    return f"{code}_{book.year}_Q{vol}"


def pdf_name(book: BookInfo, so: str | None, entry_id: int) -> str:
    num = f"{int(so):05d}" if so and so.isdigit() else f"id{entry_id}"
    return f"{file_stem(book)}_{num}.pdf"


def entry_pages(db: Database, entry_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    with db.read() as s:
        for eid, pid in s.execute(
            select(RegisterEntryRegion.entry_id, RegisterEntryRegion.page_id)
            .where(RegisterEntryRegion.entry_id.in_(entry_ids or [-1]))
            .order_by(RegisterEntryRegion.id)
        ).all():
            if pid not in out.setdefault(eid, []):
                out[eid].append(pid)
    return out


# -- per book -----------------------------------------------------------------------------------------


def entry_history(db: Database, entry_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    with db.read() as s:
        return exchange.history_of(s, entry_ids)


def entry_keyings(db: Database, entry_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    with db.read() as s:
        return exchange.keyings_of(s, entry_ids)


def is_double(db: Database, book_id: int) -> bool:
    with db.read() as s:
        return bool(s.scalar(select(RegisterBook.double_keying).where(RegisterBook.id == book_id)))


def write_xlsx(
    book: BookInfo,
    entries: list[RegisterEntry],
    files: dict[int, str],
    out: Path,
    *,
    history: dict[int, list[dict[str, Any]]] | None = None,
    keyings: dict[int, list[dict[str, Any]]] | None = None,
    double_keying: bool = False,
) -> Path:
    """The national import's sheets, and the sohoa sheets that let another sohoa take the book back
    whole (``exchange.py``: entry facts, ``history`` and ``keyings``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bt = book.type
    cols = columns(bt)
    wb = Workbook()
    ws = wb.active
    ws.title = "DuLieu"
    ws.append(cols + [FILE_COLUMN])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    shown: list[tuple[RegisterEntry, set[str]]] = []
    for e in entries:
        data = dict(e.data or {})
        added = set()
        if "quyenSo" not in data:
            data["quyenSo"], added = book.volume, {"quyenSo"}
        if e.notes and not data.get("ghiChu"):
            data["ghiChu"] = e.notes
            added.add("ghiChu")
        row = [data.get(k, "") for k in cols] + [files.get(e.id, "")]
        ws.append(row)
        shown.append((e, added))
    for col in ws.iter_cols(min_row=1, max_row=ws.max_row):
        for cell in col:
            cell.number_format = "@"  # text: numbers and dates exactly as in the book
    notes = wb.create_sheet("ChuThich")
    notes.append(["truong", "y_nghia"])
    for k in bt.all_keys:
        notes.append([k.key, k.label])
    notes.append([FILE_COLUMN, "Tệp PDF ảnh trang sổ của mục (trong tệp ZIP)"])
    info = wb.create_sheet("So")
    for label, value in (
        ("Loại sổ", bt.label),
        ("Năm", book.year),
        ("Quyển số", book.volume),
        ("Cơ quan đăng ký", book.commune.name),
        ("Mã xã", f"{book.commune.code} ({book.commune.scheme})"),
        ("Mở ngày", fmt_date(book.opened_on)),
        ("Khóa ngày", fmt_date(book.closed_on)),
        ("Số mục", len(entries)),
    ):
        info.append([label, value])
    facts = exchange.book_facts(book, book.commune, double_keying=double_keying)
    exchange.add_sheets(wb, facts, shown, history or {}, keyings or {})
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(out, durable=False) as tmp:
        wb.save(tmp)
    return out


# -- everything ---------------------------------------------------------------------------------------


def _all_keys() -> list[str]:
    keys = [k.key for k in COMMON]
    for bt in BOOK_TYPES.values():
        keys += [k.key for k in bt.keys if k.key not in keys]
    return keys


def export_all(db: Database, fmt: str, out: Path) -> tuple[Path, int]:
    """Every entry of every book as CSV or JSON. Returns the file and how many entries."""
    if fmt not in ("csv", "json"):
        raise ValueError("format must be csv or json")
    with db.read() as s:
        books = s.execute(
            select(RegisterBook, Commune)
            .join(Commune, Commune.id == RegisterBook.commune_id)
            .order_by(RegisterBook.book_type, RegisterBook.year, RegisterBook.volume)
        ).all()
        entries = s.scalars(select(RegisterEntry)).all()
        history = exchange.history_of(s)
        keyings = exchange.keyings_of(s)
        docs: dict[int, list[dict[str, Any]]] = {}
        for f in s.scalars(select(RegisterFiling).where(RegisterFiling.state == "linked")):
            docs.setdefault(f.entry_id, []).append({"document_id": f.document_id, "decided_by": f.decided_by})
    by_book: dict[int, list[RegisterEntry]] = {}
    for e in entries:
        by_book.setdefault(e.book_id, []).append(e)
    out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with atomic_write(out, durable=False) as tmp:
        if fmt == "csv":
            keys = _all_keys()
            head = [
                "entry_id",
                "commune",
                "commune_code",
                "book_type",
                "year",
                "book_id",
                "status",
                "origin",
                *keys,
                "notes",
                "verified_by",
                "documents",
                "keyed_by",
                "arbitrated_by",
                "keying_outcome",
            ]
            with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(head)
                for b, c in books:
                    for e in sorted(by_book.get(b.id, []), key=lambda e: (so_sort_key(e.so), e.id)):
                        d = dict(e.data or {})
                        d.setdefault("quyenSo", b.volume)
                        w.writerow(
                            [
                                e.id,
                                c.name,
                                c.code,
                                b.book_type,
                                b.year,
                                b.id,
                                e.status,
                                e.origin,
                                *[d.get(k, "") for k in keys],
                                e.notes or "",
                                e.verified_by or "",
                                " ".join(str(x["document_id"]) for x in docs.get(e.id, [])),
                                " ".join(k["actor"] for k in keyings.get(e.id, []) if k["role"] == "key"),
                                " ".join(k["actor"] for k in keyings.get(e.id, []) if k["role"] == "arbiter"),
                                exchange.keying_outcome(keyings.get(e.id, []), e.status, b.double_keying) or "",
                            ]
                        )
                        n += 1
        else:
            doc: dict[str, Any] = {"format": exchange.FORMAT_ALL, "books": []}
            for b, c in books:
                items = []
                for e in sorted(by_book.get(b.id, []), key=lambda e: (so_sort_key(e.so), e.id)):
                    items.append(
                        {
                            "id": e.id,
                            **exchange.entry_facts(e),
                            "data": e.data or {},
                            "history": history.get(e.id, []),
                            "keyings": keyings.get(e.id, []),
                            "keying_outcome": exchange.keying_outcome(keyings.get(e.id, []), e.status, b.double_keying),
                            "documents": docs.get(e.id, []),
                        }
                    )
                    n += 1
                doc["books"].append(
                    {
                        "id": b.id,
                        "key": book_key(b.book_type, b.year, b.volume),
                        **exchange.book_facts(b, c),
                        "entries": items,
                    }
                )
            tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return out, n


# -- print-ready pages --------------------------------------------------------------------------------


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for regular, bold in FONTS:
        if os.path.exists(regular) and os.path.exists(bold):
            if "SohoaSerif" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("SohoaSerif", regular))
                pdfmetrics.registerFont(TTFont("SohoaSerif-Bold", bold))
            return "SohoaSerif", "SohoaSerif-Bold"
    raise RuntimeError("no font with Vietnamese glyphs: install fonts-liberation2 or fonts-dejavu-core")


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    words, lines, cur = text.split(), [], ""
    for w in words:
        trial = f"{cur} {w}".strip()
        if stringWidth(trial, font, size) <= width or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    return lines or [""]


def print_pdf(db: Database, book_ref: str | int, out: Path, *, entry_ids: list[int] | None = None) -> Path:
    """Print-ready register pages (A4) of a book's entries (or of some of them)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    book = find_book(db, book_ref)
    bt = book.type
    entries = [e for e in book_entries(db, book.id) if entry_ids is None or e.id in entry_ids]
    regular, bold = _fonts()
    out.parent.mkdir(parents=True, exist_ok=True)
    title = bt.label.upper()
    with atomic_write(out, durable=False) as tmp:
        if book.layout == ENTRY_PER_PAGE:
            c = canvas.Canvas(str(tmp), pagesize=A4)
            c.setTitle(f"{bt.label} — quyển số {book.volume} năm {book.year}")
            width, height = A4
            for e in entries:
                d = dict(e.data or {})
                y = height - 25 * mm
                c.setFont(bold, 15)
                c.drawCentredString(width / 2, y, title)
                y -= 8 * mm
                c.setFont(regular, 11)
                c.drawCentredString(width / 2, y, f"Cơ quan đăng ký: {book.commune.name}")
                y -= 10 * mm
                c.setFont(bold, 12)
                c.drawString(25 * mm, y, f"Số: {d.get('so', e.so or '')}")
                c.drawString(75 * mm, y, f"Quyển số: {book.volume}")
                c.drawString(120 * mm, y, f"Ngày đăng ký: {d.get('ngayDangKy', '')}")
                y -= 10 * mm
                for k in bt.keys:
                    v = d.get(k.key)
                    if not v:
                        continue
                    c.setFont(regular, 11)
                    label = f"{k.label}: "
                    c.drawString(25 * mm, y, label)
                    from reportlab.pdfbase.pdfmetrics import stringWidth

                    x = 25 * mm + stringWidth(label, regular, 11)
                    c.setFont(bold, 11)
                    for line in _wrap(v, bold, 11, width - x - 20 * mm):
                        c.drawString(x, y, line)
                        y -= 6.5 * mm
                    if y < 50 * mm:
                        break
                y -= 4 * mm
                c.setFont(regular, 11)
                c.drawString(25 * mm, y, "Ghi chú:")
                c.setFont(regular, 10)
                for line in _wrap(d.get("ghiChu") or e.notes or "", regular, 10, width - 70 * mm)[:6]:
                    c.drawString(45 * mm, y, line)
                    y -= 5.5 * mm
                c.setFont(regular, 10)
                c.drawString(25 * mm, 30 * mm, "Người đi đăng ký")
                c.drawString(120 * mm, 30 * mm, "Người thực hiện")
                c.drawCentredString(width / 2, 15 * mm, f"Trang số: {e.page_no or d.get('trangSo', '')}")
                c.showPage()
            if not entries:
                c.setFont(regular, 12)
                c.drawString(
                    25 * mm, height - 30 * mm, f"{bt.label} quyển số {book.volume} năm {book.year}: chưa có mục nào."
                )
                c.showPage()
            c.save()
        else:
            size = landscape(A4)
            width, height = size
            c = canvas.Canvas(str(tmp), pagesize=size)
            c.setTitle(f"{bt.label} — quyển số {book.volume} năm {book.year}")
            # the columns and titles of the book type's ledger in the catalogue, as the keying desk has them
            from indexer.registers.keying import columns as ledger_columns
            from indexer.registers.keying import titles

            cols = [k.key for k in ledger_columns(bt)]
            heads = [titles(bt)[k] for k in cols]
            weights = [0.6 if k == "so" else 1.0 if ("Ngay" in k or "GioiTinh" in k) else 1.8 for k in cols]
            left, right = 12 * mm, width - 12 * mm
            unit = (right - left) / sum(weights)
            xs = [left]
            for w in weights:
                xs.append(xs[-1] + w * unit)
            rows_per_page = 12
            pages = [entries[i : i + rows_per_page] for i in range(0, len(entries), rows_per_page)] or [[]]
            for pno, chunk in enumerate(pages, 1):
                c.setFont(bold, 14)
                c.drawCentredString(width / 2, height - 15 * mm, title)
                c.setFont(regular, 10)
                c.drawCentredString(width / 2, height - 21 * mm, f"{book.commune.name} — Năm {book.year}")
                c.drawRightString(right, height - 21 * mm, f"Quyển số: {book.volume}")
                top = height - 28 * mm
                head_h = 14 * mm
                row_h = (top - head_h - 20 * mm) / rows_per_page
                c.setLineWidth(0.6)
                c.line(left, top, right, top)
                c.line(left, top - head_h, right, top - head_h)
                c.setFont(bold, 7.5)
                for i, h in enumerate(heads):
                    for j, line in enumerate(_wrap(h, bold, 7.5, xs[i + 1] - xs[i] - 2 * mm)[:3]):
                        c.drawString(xs[i] + 1 * mm, top - 4 * mm - j * 3.3 * mm, line)
                y = top - head_h
                for e in chunk:
                    d = dict(e.data or {})
                    c.setFont(regular, 8.5)
                    for i, col in enumerate(cols):
                        v = d.get(col, "") if col != "ghiChu" else (d.get("ghiChu") or e.notes or "")
                        for j, line in enumerate(_wrap(v, regular, 8.5, xs[i + 1] - xs[i] - 2 * mm)[:3]):
                            c.drawString(xs[i] + 1 * mm, y - 4 * mm - j * 3.6 * mm, line)
                    y -= row_h
                    c.line(left, y, right, y)
                for x in xs:
                    c.line(x, top, x, y)
                c.setFont(regular, 9)
                c.drawCentredString(width / 2, 10 * mm, f"Trang số: {pno}")
                c.showPage()
            c.save()
    return out
