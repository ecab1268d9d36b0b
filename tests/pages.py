"""Page images for tests, drawn with sohoa's own sample renderer."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from sohoa.samples import Line, birth_declaration, render_page, tilt, turn

__all__ = ["Line", "birth_declaration", "name_page", "render_page", "save", "tilt", "turn"]


def name_page(name: str, extra: str = "", dpi: int = 150) -> Image.Image:
    """A short page carrying one citizen's name: quick to OCR."""
    return render_page(
        [
            Line("GIẤY XÁC NHẬN", 16, bold=True, center=True),
            "",
            Line(f"Họ và tên: {name}", 16),
            Line(f"Ghi chú: {extra or 'bản sao lưu trữ'}", 16),
        ],
        dpi=dpi,
        size_mm=(210, 120),
    )


def save(im: Image.Image, path: Path, dpi: int = 150, **kw: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, dpi=(dpi, dpi), **kw)
    return path
