"""A batch at capture: what happens to each page as it comes out of the scanner.

For every page, in order: a separator sheet (QR code) closes the current dossier and is not
stored; a blank back side is dropped when the profile says so — kept in the content store and
listed in the batch record, never silently deleted, but not OCR'd (whether it is blank is the
caller's ``is_blank``: sohoa hands over the OCR's detector, ``ocr.blank.is_blank_back``;
capture knows nothing of OCR); every other page is taken by
:class:`capture.intake.Intake` (``source="scanner"``) at once, with its device, profile, batch,
dossier, sheet and side, so its OCR job is queued while the next page is still being scanned.

The batch's running tally goes to a :class:`BatchRecorder` after every page (the database
implements it), so a batch that stops half-way says exactly what it kept.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image

from capture.intake import Intake, IntakeResult, Outcome
from capture.scanner import separator as separator_check
from capture.scanner.duplex import Side
from capture.scanner.errors import Problem, ScanFailure
from capture.scanner.looks import working_gray
from capture.scanner.profiles import ScanProfile
from capture.scanner.session import ScannedPage
from capture.store import ContentStore

log = logging.getLogger(__name__)

SOURCE = "scanner"
ImageCheck = Callable[[np.ndarray, int], bool]


class Fate(StrEnum):
    STORED = "stored"
    SEPARATOR = "separator"
    BLANK_BACK = "blank_back"  # dropped from OCR, kept in the store
    QUARANTINED = "quarantined"


@dataclass
class Tally:
    pages: int = 0  # pages stored as documents (duplicates of earlier content included)
    sheets: int = 0
    dossiers: list[str] = field(default_factory=list)  # dossiers that got pages in this batch
    last_dossier: str | None = None
    documents: list[int] = field(default_factory=list)
    separators: list[int] = field(default_factory=list)  # sheet numbers
    dropped: list[dict[str, Any]] = field(default_factory=list)
    quarantined: list[dict[str, Any]] = field(default_factory=list)

    def details(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "separators": self.separators,
            "dropped_blank_backs": self.dropped,
            "quarantined": self.quarantined,
            "dossiers": self.dossiers,
        }


class BatchRecorder(Protocol):
    def progress(self, batch_id: int, tally: Tally) -> None: ...


@dataclass(frozen=True)
class PageResult:
    page: ScannedPage
    fate: Fate
    dossier: str | None = None
    document_id: int | None = None
    duplicate: bool = False


def dossier_key(batch_id: int, n: int) -> str:
    return f"{batch_id}.{n}"


class BatchCapture:
    def __init__(
        self,
        *,
        intake: Intake,
        store: ContentStore,
        recorder: BatchRecorder,
        batch_id: int,
        profile: ScanProfile,
        device: str,
        continue_dossier: str | None = None,
        is_blank: ImageCheck,
        is_separator: ImageCheck = separator_check.is_separator,
    ) -> None:
        self.intake = intake
        self.store = store
        self.recorder = recorder
        self.batch_id = batch_id
        self.profile = profile
        self.device = device
        self.is_blank = is_blank
        self.is_separator = is_separator
        self.tally = Tally(last_dossier=continue_dossier)
        self._dossier = continue_dossier
        self._new_dossiers = 0
        self._split = continue_dossier is None
        self._separator_sheets: set[int] = set()

    # -- one page --------------------------------------------------------------------------------
    def handle(self, page: ScannedPage) -> PageResult:
        self.tally.sheets = max(self.tally.sheets, page.sheet)
        try:
            result = self._handle(page)
        finally:
            self.recorder.progress(self.batch_id, self.tally)
        return result

    def _handle(self, page: ScannedPage) -> PageResult:
        if page.side is Side.BACK and page.sheet in self._separator_sheets:
            _discard(page.path)
            return PageResult(page, Fate.SEPARATOR)
        check_sep = self.profile.split_on_separator
        check_blank = page.side is Side.BACK and self.profile.drop_blank_backs
        if check_sep or check_blank:
            with Image.open(page.path) as im:
                gray, dpi = working_gray(im, page.dpi)
            if check_sep and self.is_separator(gray, dpi):
                self._separator_sheets.add(page.sheet)
                if page.sheet not in self.tally.separators:
                    self.tally.separators.append(page.sheet)
                self._split = True
                log.info(
                    "batch %d: sheet %d is a separator; the next page starts a new dossier", self.batch_id, page.sheet
                )
                _discard(page.path)
                return PageResult(page, Fate.SEPARATOR)
            if check_blank and self.is_blank(gray, dpi):
                stored = self.store.put(page.path, ".png")
                self.tally.dropped.append(
                    {
                        "sheet": page.sheet,
                        "side": page.side.value,
                        "sha256": stored.sha256,
                        "store_key": self.store.relative(stored.path),
                    }
                )
                log.info(
                    "batch %d: blank back of sheet %d kept out of OCR (stored as %s)",
                    self.batch_id,
                    page.sheet,
                    stored.sha256[:12],
                )
                _discard(page.path)
                return PageResult(page, Fate.BLANK_BACK)
        return self._store(page)

    def _store(self, page: ScannedPage) -> PageResult:
        if self._split or self._dossier is None:
            self._new_dossiers += 1
            self._dossier = dossier_key(self.batch_id, self._new_dossiers)
            self._split = False
        dossier = self._dossier
        meta = {
            "device": self.device,
            "profile": self.profile.name,
            "batch": self.batch_id,
            "dossier": dossier,
            "sheet": page.sheet,
            "side": page.side.value,
            "dpi": page.dpi,
        }
        result = self.intake.take(page.path, source=SOURCE, remove=True, meta=meta)
        _discard_sidecar(page.path)
        if result.outcome is Outcome.QUARANTINED:
            self.tally.quarantined.append(
                {
                    "sheet": page.sheet,
                    "side": page.side.value,
                    "reason": result.reason.value if result.reason else "",
                    "detail": result.detail,
                }
            )
            return PageResult(page, Fate.QUARANTINED, dossier)
        if result.outcome in (Outcome.VANISHED, Outcome.CHANGED):
            raise ScanFailure(Problem.STORAGE_FAILED, f"{page.path.name}: {result.outcome.value}")
        self.tally.pages += 1
        if dossier not in self.tally.dossiers:
            self.tally.dossiers.append(dossier)
        self.tally.last_dossier = dossier
        if result.document_id is not None:
            self.tally.documents.append(result.document_id)
        return PageResult(page, Fate.STORED, dossier, result.document_id, result.outcome is Outcome.DUPLICATE)


def _discard_sidecar(path: Path) -> None:
    path.with_suffix(".json").unlink(missing_ok=True)


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)
    _discard_sidecar(path)


def batch_spool(spool_root: Path, batch_id: int) -> Path:
    return spool_root / f"lo{batch_id}"


def recover_spool(spool_root: Path, intake: Intake, is_live: Callable[[int], bool]) -> list[IntakeResult]:
    """Take pages a stopped scan wrote but never handed to intake (the process was killed between
    the two). Folders of batches still scanning elsewhere (``is_live``) are left alone. Recovered
    pages keep their batch, sheet and side; separator and blank checks are not redone."""
    results: list[IntakeResult] = []
    if not spool_root.is_dir():
        return results
    for folder in sorted(p for p in spool_root.iterdir() if p.is_dir() and p.name.startswith("lo")):
        try:
            batch_id = int(folder.name[2:])
        except ValueError:
            continue
        if is_live(batch_id):
            continue
        for part in folder.glob(".*.part"):
            part.unlink(missing_ok=True)
        for png in sorted(folder.glob("*.png")):
            sidecar = png.with_suffix(".json")
            try:
                meta = json.loads(sidecar.read_text("utf-8")) if sidecar.exists() else {}
            except (OSError, ValueError):
                meta = {}
            meta["recovered"] = True
            results.append(intake.take(png, source=SOURCE, remove=True, meta=meta))
            sidecar.unlink(missing_ok=True)
            log.warning("took %s, left in the scan spool by an interrupted batch %d", png.name, batch_id)
        for orphan in folder.glob("*.json"):
            orphan.unlink(missing_ok=True)
        try:
            folder.rmdir()
        except OSError:
            pass
    return results
