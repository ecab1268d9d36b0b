"""Logging for sohoa: plain lines on stderr, with personal ID numbers masked.

A 12-digit personal ID (số định danh cá nhân) or a 9-digit CMND is never written in full:
``087196471480`` becomes ``0871******80``.
"""

from __future__ import annotations

import logging
import re

_ID = re.compile(r"(?<!\d)(\d{4})(\d{3}|\d{6})(\d{2})(?!\d)")


def mask_ids(text: str) -> str:
    return _ID.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)


class MaskIdsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        masked = mask_ids(msg)
        if masked != msg:
            record.msg, record.args = masked, None
        return True


def setup_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    if any(isinstance(f, MaskIdsFilter) for h in root.handlers for f in h.filters):
        root.setLevel(level)
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    handler.addFilter(MaskIdsFilter())
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("watchdog", "PIL", "alembic", "sqlalchemy"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
