"""Tasks for the pool tests (importable by spawned worker processes)."""

from __future__ import annotations

import os
import time

from ocr.types import OcrFailure, PageError


def task(payload: str) -> str:
    if payload == "crash":
        os._exit(139)  # like a segfault inside Tesseract
    if payload == "hang":
        time.sleep(3600)
    if payload == "bad":
        raise PageError(OcrFailure.BAD_INPUT, "cannot decode")
    if payload == "bug":
        raise ZeroDivisionError("oops")
    return payload.upper()


def opencv_threads(payload: str) -> int:
    if payload == "crash":
        os._exit(139)
    import cv2

    return int(cv2.getNumThreads())
