"""An archivist checks an entry against the paper book: corrections, then "verified" — the one
rule the desk's verification page and the API both follow.

Guarantees: each changed column goes to the entry's history with old and new value and a reason
(the one typed, else "sửa theo sổ gốc khi đối chiếu"); an entry whose required columns (number,
registration date, the main person's name and birth) are empty is verified only with a typed reason,
and that is audited apart (``entry.verify_incomplete``); nothing is written when the check refuses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from indexer.audit import audit
from indexer.db import Database
from indexer.models import RegisterBook, RegisterEntry
from indexer.registers.entries import Change, edit_entry, verify_entry
from indexer.registers.model import RegisterError
from indexer.registers.vocabulary import BOOK_TYPES, VERIFIED, BookType

DEFAULT_REASON = "sửa theo sổ gốc khi đối chiếu"


def required_keys(bt: BookType) -> list[str]:
    """The columns an entry cannot be verified without (unless the archivist says why): its number,
    its registration date, the main person's name and birth."""
    keys = ["so", "ngayDangKy", bt.primary.name]
    if bt.primary.birth:
        keys.append(bt.primary.birth)
    return keys


@dataclass
class Checked:
    changes: list[Change] = field(default_factory=list)
    verified: bool = False  # newly verified by this call
    missing: list[str] = field(default_factory=list)  # required columns left empty (verified with a reason)


def check_entry(
    db: Database, entry_id: int, changes: dict[str, Any], *, actor: str, reason: str = "", verify: bool = True
) -> Checked:
    """Apply the archivist's corrections of ``entry_id`` (values as typed) and, with ``verify``,
    mark it verified. Raises :class:`RegisterError` (Vietnamese) when the rule refuses — among
    them, verifying an unsettled entry of a book keyed twice (the two-person rule)."""
    with db.read() as s:
        e = s.get(RegisterEntry, entry_id)
        if e is None:
            raise RegisterError(f"Không có mục sổ số {entry_id}.")
        data = dict(e.data or {})
        book = s.get(RegisterBook, e.book_id)
        bt = BOOK_TYPES[book.book_type if book else ""]
        if verify and book is not None and book.double_keying and e.status != VERIFIED:
            # keyed twice: settled only when the two readings agree or an arbitrator chose
            raise RegisterError(
                "Sổ này nhập hai lần: mục được xác nhận khi hai người nhập giống nhau, "
                "hoặc khi người phân xử chọn giá trị đúng (màn hình nhập liệu)."
            )
    typed = reason.strip()
    changed = {k: v for k, v in changes.items() if " ".join(str(v).split()) != (data.get(k) or "")}
    after = {**data, **{k: " ".join(str(v).split()) for k, v in changed.items()}}
    missing = [k.label for k in bt.all_keys if k.key in required_keys(bt) and not after.get(k.key)]
    if verify and missing and not typed:
        raise RegisterError(
            f"Mục còn thiếu {', '.join(missing)}: điền vào, hoặc ghi lý do (ví dụ: sổ gốc để trống) rồi xác nhận."
        )
    out = Checked()
    if changed:
        out.changes = edit_entry(db, entry_id, changed, actor=actor, reason=typed or DEFAULT_REASON)
    if verify:
        out.verified = verify_entry(db, entry_id, actor=actor)
        if missing:
            out.missing = missing
            with db.write() as s:
                audit(
                    s,
                    actor,
                    "entry.verify_incomplete",
                    "register_entry",
                    entry_id,
                    {"missing": missing, "reason": typed},
                )
    return out
