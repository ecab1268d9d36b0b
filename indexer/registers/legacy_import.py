"""Register data exported from older software (CSV or XLSX) into a book.

* **Columns** are mapped onto the national vocabulary (``nksHoTen``, ``meHoTen``, ``so``,
  ``quyenSo``, ``ngayDangKy`` …): a header that is a vocabulary key or one of the wordings old
  software prints (``Họ tên``, ``Họ tên mẹ``, ``Ngày ĐK``…, see ``vocabulary.Key.aliases``) is
  mapped by itself; ``--mapping`` (a YAML/JSON file ``{header: key}``) or ``COLUMN=key`` pairs
  override it. A column mapped to nothing is reported, never silently used.
* **Text** in UTF-8, Windows-1258, TCVN3 (ABC) or VNI is detected over the whole file
  (``indexer.legacy.encodings``) and converted to NFC; an XLSX typed with .VnTime or VNI fonts holds
  the same mojibake in its cells and is decoded the same way.
* **Rows** are checked: a number, the main name, dates that are dates, the book's quyển số and year;
  a number twice in the file, or already in the book with other content, is refused. Every refused
  row is in the report with its reason — none is dropped silently — and nothing of a file is
  stored when the database refuses it (one transaction).
* **Again**: a row whose number is already in the book with the same values is "unchanged", so
  importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from indexer.audit import audit
from indexer.db import Database
from indexer.legacy.encodings import Encoding, decode_cp1258, decode_tcvn3, decode_vni, detect_and_decode
from indexer.models import RegisterEntry
from indexer.registers.books import BookInfo, find_book
from indexer.registers.entries import bulk_create_in
from indexer.registers.model import RegisterError, clean_value, norm_so, norm_volume, parse_year
from indexer.registers.vocabulary import UNVERIFIED, VERIFIED, BookType, header_key
from indexer.vntext import nfc

HEADER_SCAN_ROWS = 10


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line/row number in the file, cells)
    encoding: str
    sha256: str


@dataclass
class Rejected:
    row: int
    reason: str
    values: dict[str, str]


@dataclass
class ImportReport:
    file: str
    book: str
    encoding: str
    mapping: dict[str, str]
    unmapped: list[str]
    created: int = 0
    unchanged: int = 0
    empty: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return self.created + self.unchanged + len(self.rejected)

    def write_csv(self, path: Path) -> Path:
        """The refused rows, one per line: row number, reason, and the row's values."""
        keys = sorted({k for r in self.rejected for k in r.values})
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["dong", "ly_do", *keys])
            for r in self.rejected:
                w.writerow([r.row, r.reason, *[r.values.get(k, "") for k in keys]])
        return path


# -- reading files ----------------------------------------------------------------------------------


_DECODERS = {Encoding.CP1258: decode_cp1258, Encoding.TCVN3: decode_tcvn3, Encoding.VNI: decode_vni}


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        v = v.date()
    if isinstance(v, date):
        return f"{v:%d/%m/%Y}"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def read_table(path: Path, encoding: str | None = None, sheet: str | None = None) -> Table:
    """The header and rows of a CSV (any delimiter) or XLSX file, decoded to NFC."""
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if data[:4] == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sha, encoding, sheet)
    if encoding:
        enc = Encoding(encoding) if encoding in {e.value for e in Encoding} else None
        if enc is None:
            raise RegisterError(f"Bảng mã «{encoding}» không hỗ trợ; dùng: {', '.join(e.value for e in Encoding)}.")
        text = data.decode("utf-8-sig") if enc is Encoding.UTF8 else _DECODERS[enc](data)
    else:
        raw = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        text, enc = detect_and_decode(raw)
    text = nfc(text)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
        delim = dialect.delimiter
    except csv.Error:
        delim = ","
    rows = [(i, [c.strip() for c in r]) for i, r in enumerate(csv.reader(io.StringIO(text), delimiter=delim), 1)]
    return _split_header(rows, enc.value, sha)


def _read_xlsx(path: Path, sha: str, encoding: str | None, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise RegisterError(f"Không đọc được tệp Excel {path.name}: {exc.__class__.__name__}.") from None
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise RegisterError(f"Tệp không có trang «{sheet}» (có: {', '.join(wb.sheetnames)}).")
        ws = wb[sheet] if sheet else wb.worksheets[0]
        raw_rows = [(i, [_cell(v) for v in r]) for i, r in enumerate(ws.iter_rows(values_only=True), 1)]
    finally:
        wb.close()
    texts = "\n".join(c for _, r in raw_rows for c in r if c and not c.isascii())
    if encoding:
        enc = Encoding(encoding)
    elif texts:
        _, enc = detect_and_decode(texts)
    else:
        enc = Encoding.UTF8
    dec = _DECODERS.get(enc)
    rows = [(i, [nfc(dec(c) if dec and c and not c.isascii() else c).strip() for c in r]) for i, r in raw_rows]
    return _split_header(rows, enc.value, sha)


def _split_header(rows: list[tuple[int, list[str]]], enc: str, sha: str) -> Table:
    rows = [(i, r) for i, r in rows]
    if not rows:
        raise RegisterError("Tệp trống.")
    # The header is the row (among the first few) with the most cells that look like column names.
    best_i, best_n = 0, -1
    for k, (_, r) in enumerate(rows[:HEADER_SCAN_ROWS]):
        n = sum(1 for c in r if c and not any(ch.isdigit() for ch in c))
        if n > best_n:
            best_i, best_n = k, n
    headers = rows[best_i][1]
    return Table(headers, rows[best_i + 1 :], enc, sha)


# -- mapping ----------------------------------------------------------------------------------------


def load_mapping(spec: str | Path | None, pairs: Sequence[str] = ()) -> dict[str, str]:
    """Header → vocabulary key from a YAML/JSON file and ``COLUMN=key`` pairs."""
    out: dict[str, str] = {}
    if spec:
        p = Path(spec)
        if not p.is_file():
            raise RegisterError(f"Không có tệp ánh xạ cột {p}.")
        raw = (
            yaml.safe_load(p.read_text(encoding="utf-8"))
            if p.suffix.lower() in (".yaml", ".yml")
            else json.loads(p.read_text(encoding="utf-8"))
        )
        if not isinstance(raw, dict):
            raise RegisterError(f"Tệp ánh xạ {p.name} phải là một bảng {{tên cột: trường}}.")
        out.update({nfc(str(k)).strip(): str(v).strip() for k, v in raw.items()})
    for pair in pairs:
        if "=" not in pair:
            raise RegisterError(f'Ánh xạ «{pair}» phải có dạng CỘT=trường (ví dụ: "Họ tên trẻ=nksHoTen").')
        k, v = pair.split("=", 1)
        out[nfc(k).strip()] = v.strip()
    return out


def map_columns(headers: list[str], bt: BookType, given: dict[str, str]) -> tuple[dict[int, str], list[str]]:
    """Column index → vocabulary key; and the headers mapped to nothing."""
    valid = {k.key for k in bt.all_keys}
    for h, wanted in given.items():
        if wanted not in valid and wanted not in ("", "-", "bo qua", "bỏ qua"):
            raise RegisterError(
                f"Trường «{wanted}» (cột «{h}») không có trong sổ {bt.short}. Các trường: "
                + ", ".join(sorted(valid))
                + "."
            )
    out: dict[int, str] = {}
    unmapped: list[str] = []
    for i, h in enumerate(headers):
        h = h.strip()
        if not h:
            continue
        key = given.get(h)
        if key is None:
            key = header_key(h, bt)
        if key is None or key in ("", "-", "bo qua", "bỏ qua"):
            unmapped.append(h)
            continue
        if key in out.values():
            raise RegisterError(f"Hai cột cùng ánh xạ vào «{key}» (cột «{h}»): sửa bằng --map.")
        out[i] = key
    missing = [h for h in given if h not in [x.strip() for x in headers]]
    if missing:
        raise RegisterError(f"Tệp không có cột: {', '.join(missing)} (các cột: {', '.join(h for h in headers if h)}).")
    return out, unmapped


# -- checking and importing -------------------------------------------------------------------------


def _same(a: dict[str, str], b: dict[str, str], keys: list[str]) -> bool:
    return all((a.get(k) or "") == (b.get(k) or "") for k in keys if k != "quyenSo")


def plan(
    table: Table, columns: dict[int, str], book: BookInfo, existing: dict[str, dict[str, str]]
) -> tuple[list[tuple[int, dict[str, str]]], list[int], list[Rejected], int]:
    """(rows to create, rows unchanged, refused rows, empty rows)."""
    bt = book.type
    create: list[tuple[int, dict[str, str]]] = []
    unchanged: list[int] = []
    rejected: list[Rejected] = []
    empty = 0
    seen: dict[str, int] = {}
    keys = list(columns.values())
    for line, cells in table.rows:
        raw = {key: (cells[i] if i < len(cells) else "") for i, key in columns.items()}
        if not any(v.strip() for v in raw.values()) and not any(c.strip() for c in cells):
            empty += 1
            continue
        shown = {k: v for k, v in raw.items() if v}
        if any("\ufffd" in v for v in raw.values()):
            rejected.append(Rejected(line, "có ký tự không đọc được (sai bảng mã?)", shown))
            continue
        data: dict[str, str] = {}
        problems = []
        for key, v in raw.items():
            val, problem = clean_value(bt, key, v)
            if problem:
                problems.append(f"{bt.label_of(key)}: {problem}")
            elif val:
                data[key] = val
        if problems:
            rejected.append(Rejected(line, "; ".join(problems), shown))
            continue
        so = norm_so(data.get("so"))
        if so is None:
            rejected.append(Rejected(line, "thiếu số đăng ký (so)", shown))
            continue
        if not data.get(bt.name_key):
            rejected.append(Rejected(line, f"thiếu {bt.label_of(bt.name_key).lower()} ({bt.name_key})", shown))
            continue
        if data.get("quyenSo") and norm_volume(data["quyenSo"]) != book.volume:
            rejected.append(Rejected(line, f"quyển số {data['quyenSo']} khác quyển của sổ ({book.volume})", shown))
            continue
        year = parse_year(data.get("ngayDangKy"))
        if year is not None and year != book.year:
            rejected.append(Rejected(line, f"ngày đăng ký năm {year}, sổ năm {book.year}", shown))
            continue
        if so in seen:
            rejected.append(Rejected(line, f"trùng số {so} với dòng {seen[so]} trong tệp", shown))
            continue
        seen[so] = line
        data["so"] = so
        data["quyenSo"] = book.volume
        old = existing.get(so)
        if old is not None:
            if _same(old, data, keys):
                unchanged.append(line)
            else:
                diff = [k for k in keys if k != "quyenSo" and (old.get(k) or "") != (data.get(k) or "")]
                rejected.append(Rejected(line, f"số {so} đã có trong sổ với nội dung khác ({', '.join(diff)})", shown))
            continue
        create.append((line, data))
    return create, unchanged, rejected, empty


def import_file(
    db: Database,
    book_ref: str | int,
    path: Path,
    *,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    actor: str = "system",
    dry_run: bool = False,
    verified: bool = False,
) -> ImportReport:
    """Import a file into a book (see the module doc). Raises RegisterError for a file that cannot
    be read at all or a mapping that does not fit; refused rows are in the report."""
    book = find_book(db, book_ref)
    if not path.is_file():
        raise RegisterError(f"Không có tệp {path}.")
    table = read_table(path, encoding, sheet)
    columns, unmapped = map_columns(table.headers, book.type, mapping or {})
    if "so" not in columns.values() or book.type.name_key not in columns.values():
        need = [k for k in ("so", book.type.name_key) if k not in columns.values()]
        raise RegisterError(
            f"Không tìm thấy cột cho {', '.join(need)}; các cột của tệp: "
            f'{", ".join(h for h in table.headers if h)}. Chỉ rõ bằng --map "Tên cột=trường".'
        )
    rep = ImportReport(
        str(path),
        book.key,
        table.encoding,
        {table.headers[i]: k for i, k in columns.items()},
        unmapped,
        dry_run=dry_run,
    )
    with db.write() as s:
        numbered: Sequence[tuple[str, dict[str, str] | None]] = s.execute(
            select(RegisterEntry.so, RegisterEntry.data).where(
                RegisterEntry.book_id == book.id, RegisterEntry.so.is_not(None)
            )
        ).all()
        existing = {so: dict(data or {}) for so, data in numbered}
        create, unchanged, rejected, empty = plan(table, columns, book, existing)
        rep.unchanged, rep.rejected, rep.empty = len(unchanged), rejected, empty
        if not dry_run and create:
            ids, _ = bulk_create_in(
                s,
                book.id,
                [d for _, d in create],
                origin="legacy",
                actor=actor,
                status=VERIFIED if verified else UNVERIFIED,
                source_refs=[f"legacy:{table.sha256[:16]}:{line}" for line, _ in create],
            )
            rep.created = len(ids)
        elif dry_run:
            rep.created = len(create)
        if not dry_run:
            audit(
                s,
                actor,
                "book.import",
                "register_book",
                book.id,
                {
                    "file": path.name,
                    "sha256": table.sha256[:16],
                    "encoding": table.encoding,
                    "created": rep.created,
                    "unchanged": rep.unchanged,
                    "rejected": len(rep.rejected),
                },
            )
    return rep
