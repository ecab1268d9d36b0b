"""Personal ID numbers never reach the log in full."""

from __future__ import annotations

import logging

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
