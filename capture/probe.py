"""Check a file before it is taken: its real type, its size, that every page decodes.

``probe_file`` returns a :class:`Probe` or raises :class:`Rejected`. Images are decoded in full
(a truncated JPEG only shows itself there); PDFs are asked to ``pdfinfo`` (poppler).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageFile, UnidentifiedImageError

from capture.fsutil import NotRegular, open_regular
from capture.pdfinfo import PdfInfoError, pdf_info
from capture.rejections import Rejected, RejectReason

# media type -> (canonical extension, accepted extensions)
MEDIA_TYPES: dict[str, tuple[str, frozenset[str]]] = {
    "image/jpeg": (".jpg", frozenset({".jpg", ".jpeg", ".jpe", ".jfif"})),
    "image/png": (".png", frozenset({".png"})),
    "image/tiff": (".tif", frozenset({".tif", ".tiff"})),
    "application/pdf": (".pdf", frozenset({".pdf"})),
}
ACCEPTED_EXTENSIONS = frozenset().union(*(exts for _, exts in MEDIA_TYPES.values()))


@dataclass(frozen=True)
class Probe:
    media_type: str
    ext: str
    page_count: int
    size: int


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int
    max_pages: int
    pdf_dpi: int = 300


def sniff(head: bytes) -> str | None:
    """The media type from the first bytes of a file, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    return None


def probe_file(path: Path, limits: Limits) -> Probe:
    """Probe a plain file; a symlink, FIFO, socket or device is refused without being opened for
    reading (see :func:`capture.fsutil.open_regular`)."""
    try:
        fd = open_regular(path)
    except NotRegular as exc:
        reason = RejectReason.SYMLINK if exc.kind == "symlink" else RejectReason.NOT_REGULAR
        raise Rejected(reason, exc.kind) from None
    except OSError as exc:
        raise Rejected(RejectReason.UNREADABLE, exc.strerror or exc.__class__.__name__) from None
    with os.fdopen(fd, "rb") as f:
        return _probe_open(path, f, limits)


def _probe_open(path: Path, f: BinaryIO, limits: Limits) -> Probe:
    try:
        size = os.fstat(f.fileno()).st_size
        head = f.read(1024)
    except OSError as exc:
        raise Rejected(RejectReason.UNREADABLE, exc.strerror or exc.__class__.__name__) from None
    if size == 0:
        raise Rejected(RejectReason.EMPTY)
    if size > limits.max_bytes:
        raise Rejected(RejectReason.TOO_LARGE, f"{size} bytes > {limits.max_bytes}")
    media = sniff(head)
    ext = path.suffix.lower()
    if media is None:
        raise Rejected(RejectReason.UNSUPPORTED_TYPE, f"extension {ext or '(none)'}, first bytes {head[:8]!r}")
    canonical, accepted = MEDIA_TYPES[media]
    if ext not in accepted:
        raise Rejected(RejectReason.EXTENSION_MISMATCH, f"extension {ext or '(none)'} but content is {media}")
    f.seek(0)
    if media == "application/pdf":
        pages = _probe_pdf(path, f, size, limits)
    else:
        pages = _probe_image(f, limits)
    return Probe(media_type=media, ext=canonical, page_count=pages, size=size)


def _probe_image(f: BinaryIO, limits: Limits) -> int:
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(f) as im:
            frames = getattr(im, "n_frames", 1)
            if frames > limits.max_pages:
                raise Rejected(RejectReason.TOO_MANY_PAGES, f"{frames} pages > {limits.max_pages}")
            for i in range(frames):
                im.seek(i)
                w, h = im.size
                if w * h > limits.max_pixels or w <= 0 or h <= 0:
                    raise Rejected(RejectReason.DECOMPRESSION_BOMB, f"page {i + 1}: {w}x{h} pixels")
                im.load()
            return frames
    except Rejected:
        raise
    except Image.DecompressionBombError as exc:
        raise Rejected(RejectReason.DECOMPRESSION_BOMB, str(exc)) from None
    except UnidentifiedImageError as exc:
        raise Rejected(RejectReason.CORRUPT_IMAGE, str(exc)) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        text = str(exc)
        reason = (
            RejectReason.TRUNCATED if "truncated" in text or isinstance(exc, EOFError) else RejectReason.CORRUPT_IMAGE
        )
        raise Rejected(reason, text) from None


def _probe_pdf(path: Path, f: BinaryIO, size: int, limits: Limits) -> int:
    f.seek(max(0, size - 2048))
    tail = f.read()
    if b"%%EOF" not in tail:
        raise Rejected(RejectReason.TRUNCATED, "no %%EOF marker at the end of the PDF")
    try:
        info = pdf_info(path, fd=f.fileno())
    except PdfInfoError as exc:
        reason = RejectReason.PDF_ENCRYPTED if exc.encrypted else RejectReason.CORRUPT_PDF
        raise Rejected(reason, str(exc)) from None
    if info.pages <= 0:
        raise Rejected(RejectReason.NO_PAGES)
    if info.pages > limits.max_pages:
        raise Rejected(RejectReason.TOO_MANY_PAGES, f"{info.pages} pages > {limits.max_pages}")
    w_pt, h_pt = info.page_size_pt
    pixels = (w_pt / 72 * limits.pdf_dpi) * (h_pt / 72 * limits.pdf_dpi)
    if pixels > limits.max_pixels:
        raise Rejected(RejectReason.DECOMPRESSION_BOMB, f"page {w_pt:.0f}x{h_pt:.0f} pt at {limits.pdf_dpi} dpi")
    return info.pages


# Names that are not (yet) a document: hidden files (rsync's ``.name.XyZ123``), editor and Office
# lock files, and the partial-download suffixes of browsers, copy tools and scanner software.
TEMP_PREFIXES = (".", "~", "#")
TEMP_SUFFIXES = (
    ".part",
    ".partial",
    ".tmp",
    ".temp",
    ".crdownload",
    ".download",
    ".opdownload",
    ".filepart",
    ".swp",
    ".swx",
    ".!ut",
    ".!qb",
    ".reason.txt",
    "~",
)


def is_candidate(path: Path) -> bool:
    """Whether a name in the hot folder is worth looking at (not hidden, not a partial download)."""
    name = path.name
    lowered = name.lower()
    return bool(name) and not (name.startswith(TEMP_PREFIXES) or lowered.endswith(TEMP_SUFFIXES))
