"""Logging for sohoa: plain lines on stderr, with personal ID numbers masked.

A 12-digit personal ID (số định danh cá nhân) or a 9-digit CMND is never written in full:
``087196471480`` becomes ``0871******80``. The mask covers the whole record as it is written —
message, arguments, exception text with its traceback, stack — not only the message:
:class:`MaskIdsFilter` masks what it can on the record (for every handler it is on), and
:class:`MaskingFormatter` masks the finished line (whatever the formatter put in it).
"""

from __future__ import annotations

import logging
import re

_ID = re.compile(r"(?<!\d)(\d{4})(\d{3}|\d{6})(\d{2})(?!\d)")
_plain = logging.Formatter()


def mask_ids(text: str) -> str:
    return _ID.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)


class MaskIdsFilter(logging.Filter):
    """Masks the message with its arguments, the exception text and the stack on the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
        except Exception:  # a broken format string: keep the raw parts, masked
            msg = f"{record.msg} {record.args!r}"
        masked = mask_ids(msg)
        if masked != msg or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _plain.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_ids(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_ids(record.stack_info)
        return True


class MaskingFormatter(logging.Formatter):
    """A formatter whose every output line has ID numbers masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_ids(super().format(record))


def setup_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    if any(isinstance(f, MaskIdsFilter) for h in root.handlers for f in h.filters):
        root.setLevel(level)
        return
    handler = logging.StreamHandler()
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    handler.addFilter(MaskIdsFilter())
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("watchdog", "PIL", "alembic", "sqlalchemy"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
