"""The page's resolution read off its own text, and the scale at which Tesseract reads it best.

A file's DPI tag is often wrong: PDFs from office scanners embed 300-dpi page images at 72 dpi,
screenshots say 96, phone photos say nothing. The text itself is a better ruler: administrative
paperwork is set in 12–14 pt type (Times New Roman 13 pt body text), whose x-height is about
2 mm. ``measure_text`` finds the x-height (the commonest height of letter-sized ink components,
a lower-case letter without ascender) and the line pitch; ``decide_dpi`` keeps the tag when it
agrees with the text and takes the measured resolution when it does not; ``recognition_scale``
picks the factor that brings the x-height to what Tesseract reads best (small text is
upsampled, large text downsampled), instead of one fixed resolution for every page.

Guarantees: pure functions of the image; never raises on blank, tiny or odd images (a page
with too few letters gives ``TextSize(None, ...)`` and the caller keeps the tag). Never
consults the truth or the file name.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# x-height of body text: Times New Roman (x-height 0.45 em) at 13 pt = 2.05 mm; DejaVu Serif
# 12 pt (0.52 em) = 2.2 mm. Used only when the tag is missing or disagrees with the page.
BODY_X_HEIGHT_IN = 0.082
MEASURE_LONG_SIDE = 1800  # text is measured on a copy no larger than this (about 150 dpi on A4)
MIN_LETTERS = 40  # fewer letter-sized components than this: no measurement
RELIABLE_LETTERS = 200  # ... and fewer than this: not enough to overrule a tag
TAG_TOLERANCE = 1.8  # a tag within this factor of the measured resolution is believed
SCREEN_TAGS = (72, 96)  # the defaults of PDF and screen software: believed only when close
SCREEN_TOLERANCE = 1.35
MAX_WORK_PIXELS = 12_000_000  # a working copy is never enlarged past this (A4 at ~350 dpi)
STANDARD_DPI = (70, 75, 100, 150, 200, 240, 300, 400, 600)


@dataclass(frozen=True)
class TextSize:
    x_height: float | None  # pixels, at the image's own resolution
    line_pitch: float | None  # pixels between baselines of body text, when lines are regular
    letters: int  # letter-sized components the measurement rests on


@dataclass(frozen=True)
class Resolution:
    dpi: int  # the resolution the page is processed at (physical: mm thresholds use it)
    source: str  # "tag", "measured" (tag missing or disbelieved), "size" (A4 guess), "pdf"
    tag: int | None  # what the file said, if anything
    measured: int | None  # the resolution the text size implies


def measure_text(gray: np.ndarray) -> TextSize:
    """x-height and line pitch of the page's body text, in pixels of ``gray``."""
    h, w = gray.shape[:2]
    f = min(1.0, MEASURE_LONG_SIDE / max(h, w, 1))
    small = (
        cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA) if f < 1 else gray
    )
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if ink.mean() > 0.5 * 255:  # mostly dark: nothing to measure (a photo, a black border)
        return TextSize(None, None, 0)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n < MIN_LETTERS:
        return TextSize(None, None, 0)
    cw, ch, area = stats[1:, 2], stats[1:, 3], stats[1:, 4]
    sh = small.shape[0]
    dens = area / np.maximum(cw * ch, 1)
    letter = (
        (ch >= 4) & (ch <= sh / 20) & (cw <= sh / 15) & (cw >= 2) & (cw <= 2.5 * ch) & (ch <= 4 * cw) & (dens > 0.12)
    )
    heights = ch[letter].astype(np.float64)
    if len(heights) < MIN_LETTERS:
        return TextSize(None, None, int(len(heights)))
    # Dots (leaders, i-dots, periods, speckle) are many and small: solid and round, not letters.
    dot = (dens > 0.65) & (cw <= 1.6 * ch) & (ch <= 1.6 * cw)
    body = letter & ~dot
    heights = ch[body].astype(np.float64)
    if len(heights) < MIN_LETTERS:
        return TextSize(None, None, int(len(heights)))
    # The commonest height, on a histogram smoothed over ±1 px. Body text gives two peaks, the
    # x-height (a c e m n o r s u v ...) and, about 1.3-1.65 times higher, ascenders and
    # capitals; when the taller one wins the count, the x-height peak below it is taken.
    hist = np.bincount(heights.astype(np.int64), minlength=int(heights.max()) + 3).astype(np.float64)
    smooth = np.convolve(hist, np.ones(3), mode="same")
    peak = int(np.argmax(smooth))
    lo_x, hi_x = int(np.floor(peak / 1.65)), int(np.ceil(peak / 1.3))
    if hi_x >= lo_x >= 4:
        below = lo_x + int(np.argmax(smooth[lo_x : hi_x + 1]))
        if smooth[below] >= 0.4 * smooth[peak]:
            peak = below
    lo, hi = max(1, peak - 1), peak + 1
    sel = heights[(heights >= lo) & (heights <= hi)]
    xh = float(sel.mean()) if len(sel) else float(peak)
    letter = body
    pitch = _line_pitch(ink, letter, stats, xh)
    return TextSize(xh / f, None if pitch is None else pitch / f, int(len(heights)))


def _line_pitch(ink: np.ndarray, letter: np.ndarray, stats: np.ndarray, xh: float) -> float | None:
    """Median distance between the bottoms of consecutive text rows (x-height letters only)."""
    xs = stats[1:][letter]
    sel = xs[np.abs(xs[:, 3] - xh) <= max(1.0, 0.25 * xh)]
    if len(sel) < MIN_LETTERS:
        return None
    bottoms = np.bincount((sel[:, 1] + sel[:, 3]).astype(np.int64), minlength=ink.shape[0] + 1).astype(np.float64)
    bottoms = np.convolve(bottoms, np.ones(3), mode="same")
    rows = [
        i
        for i in range(1, len(bottoms) - 1)
        if bottoms[i] >= 5 and bottoms[i] >= bottoms[i - 1] and bottoms[i] > bottoms[i + 1]
    ]
    if len(rows) < 4:
        return None
    gaps = np.diff(rows)
    gaps = gaps[gaps >= 1.5 * xh]
    if len(gaps) < 3:
        return None
    return float(np.median(gaps))


def reliable(size: TextSize) -> bool:
    """Whether a measurement can overrule a tag: many letters, set in regular lines of text
    (line pitch 1.8-4.5 x-heights, as body text at single to 1.5 spacing). Speckle on a blank
    sheet, a form's sparse labels or a page of stamps measure something, but not the print."""
    if size.x_height is None or size.line_pitch is None or size.letters < RELIABLE_LETTERS:
        return False
    return 1.8 <= size.line_pitch / size.x_height <= 4.5


def dpi_from_text(size: TextSize) -> int | None:
    """The resolution at which the measured x-height is body text's, or None."""
    if size.x_height is None:
        return None
    return int(round(size.x_height / BODY_X_HEIGHT_IN))


def snap(dpi: float) -> int:
    """A standard scanner resolution within 10 %, else the value itself (rounded)."""
    near = min(STANDARD_DPI, key=lambda d: abs(d - dpi))
    return near if abs(near - dpi) <= 0.1 * near else int(round(dpi))


def decide_dpi(tag: int | None, size_guess: int | None, size: TextSize, from_pdf: bool = False) -> Resolution:
    """The resolution to process the page at: the tag (or the renderer's resolution for a PDF
    page) when the text agrees with it, else the one the text implies."""
    measured = dpi_from_text(size) if reliable(size) else None
    if from_pdf and tag:
        return Resolution(tag, "pdf", tag, measured)
    if tag:
        if measured is None:
            return Resolution(tag, "tag", tag, None)
        tol = SCREEN_TOLERANCE if tag in SCREEN_TAGS else TAG_TOLERANCE
        if 1 / tol <= measured / tag <= tol:
            return Resolution(tag, "tag", tag, measured)
        return Resolution(snap(measured), "measured", tag, measured)
    if measured is not None:
        if size_guess and 1 / TAG_TOLERANCE <= measured / size_guess <= TAG_TOLERANCE:
            return Resolution(size_guess, "size", None, measured)
        return Resolution(snap(measured), "measured", None, measured)
    return Resolution(size_guess or 200, "size", None, None)


def recognition_scale(
    x_height: float | None, dpi: float, target_x_height: float, floor_dpi: float, pixels: int = 0
) -> float:
    """The factor to resize the page by before recognition.

    Text that would be smaller than ``target_x_height`` pixels at ``floor_dpi`` is brought to
    that size (enlarged up to ×4 when the page itself is coarser); other pages go to
    ``floor_dpi`` (never enlarged): large print keeps the resolution cleaning was tuned at. Without a measurement the
    page goes to ``floor_dpi`` (never enlarged). Never below 100 or above 600 dpi of paper."""
    floor = min(1.0, floor_dpi / max(dpi, 1))
    if x_height is None or x_height <= 0:
        return floor
    # Only text clearly (15 %) smaller than the target is enlarged; other pages go to
    # ``floor_dpi`` as they always did (small scale changes only reshuffle Tesseract's errors).
    f = target_x_height / x_height if x_height * floor * 1.15 < target_x_height else floor
    f = min(max(f, 100 / max(dpi, 1)), 600 / max(dpi, 1), 4.0)
    if pixels and f > 1.0:
        f = max(1.0, min(f, (MAX_WORK_PIXELS / pixels) ** 0.5))  # memory: never past A4 at ~350 dpi
    if abs(f - 1.0) < 0.06:
        return 1.0
    return f


def resize(gray: np.ndarray, f: float) -> np.ndarray:
    """``gray`` scaled by ``f``: area averaging down, bicubic up."""
    if f == 1.0:
        return gray
    h, w = gray.shape[:2]
    interp = cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC
    return cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=interp)
