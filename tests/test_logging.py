"""Personal ID numbers never reach the log in full."""

from __future__ import annotations

import io
import logging
import os

import pytest

from sohoa.logsetup import MaskIdsFilter, mask_ids


def test_mask_ids() -> None:
    assert mask_ids("CCCD số 087196471480, cấp ngày") == "CCCD số 0871******80, cấp ngày"
    assert mask_ids("CMND 123456789") == "CMND 1234***89"
    # Dates, phone-like 10-digit numbers and dossier codes are not IDs.
    assert (
        mask_ids("ngày 20/10/2021, ĐT 0767691821, mã 000.20.68.H40-211020-0051")
        == "ngày 20/10/2021, ĐT 0767691821, mã 000.20.68.H40-211020-0051"
    )


def test_log_records_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("sohoa.test")
    caplog.handler.addFilter(MaskIdsFilter())
    with caplog.at_level(logging.INFO):
        logger.info("applicant %s filed", "087196471480")
    assert "087196471480" not in caplog.text
    assert "0871******80" in caplog.text


def _masked_handler() -> tuple[logging.Handler, io.StringIO]:
    from sohoa.logsetup import MaskingFormatter

    buf = io.StringIO()
    h = logging.StreamHandler(buf)
    h.setFormatter(MaskingFormatter("%(levelname)s %(message)s"))
    h.addFilter(MaskIdsFilter())
    return h, buf


def test_tracebacks_and_stacks_are_masked_too() -> None:
    logger = logging.getLogger("sohoa.test.tb")
    h, buf = _masked_handler()
    logger.addHandler(h)
    try:
        try:
            os.unlink("/nonexistent/CCCD_079203001234.jpg")
        except OSError:
            logger.exception("could not take %s", "CCCD_079203001234.jpg")
        try:
            raise ValueError("bad id 087196471480 in field")
        except ValueError:
            logger.warning("no arguments here", exc_info=True, stack_info=True)
        logger.info("a %s b %d", "x", 87196471480)  # the numbers in the arguments, formatted
    finally:
        logger.removeHandler(h)
    text = buf.getvalue()
    assert "Traceback" in text and "Stack (most recent call last)" in text
    for full in ("079203001234", "087196471480"):
        assert full not in text
    assert text.count("0792******34") >= 2 and "0871******80" in text


def test_the_record_other_handlers_see_is_masked_after_the_filter() -> None:
    """Any handler formatting the record after the filter (a file, syslog) gets it masked."""
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "id %s", ("079203001234",), None)
    try:
        raise RuntimeError("079203001234")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    MaskIdsFilter().filter(record)
    out = logging.Formatter("%(message)s").format(record)
    assert "079203001234" not in out and "0792******34" in out
