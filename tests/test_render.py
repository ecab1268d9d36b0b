"""The one page renderer (``ocr.rasterize``) that the OCR worker, the desk and the export draw
pages with: the same pixels for the same page and resolution wherever it is drawn, the same way
up as the OCR turns arrays, images reduced (never enlarged), PDFs drawn at a width or a DPI.
Real poppler, real files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ocr.imageops import turn
from ocr.load import load_page
from ocr.rasterize import PDF, PdfRenderError, render_page, to_array
from ocr.types import PageSource


def _page(w: int = 1240, h: int = 1754) -> Image.Image:
    """An A4 page at 150 dpi with a black bar near the top left: which way up is easy to see."""
    im = Image.new("L", (w, h), 255)
    ImageDraw.Draw(im).rectangle((100, 120, 700, 220), fill=0)
    return im


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "two.pdf"
    first, second = _page(), _page().rotate(180)
    first.save(path, "PDF", resolution=150, save_all=True, append_images=[second])
    return path


def test_the_worker_and_the_export_get_the_same_pixels(pdf: Path) -> None:
    loaded = load_page(PageSource(pdf, PDF, 1), 150)  # the OCR worker's page 2
    drawn = render_page(pdf, PDF, 1, dpi=150)  # the export's page 2
    assert loaded.dpi == 150 and drawn.info["dpi"] == (150.0, 150.0)
    assert np.array_equal(loaded.image, to_array(drawn))
    assert loaded.image.shape == (1754, 1240)


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_pictures_turn_as_the_ocr_turns_arrays(pdf: Path, rotation: int) -> None:
    arr = to_array(render_page(pdf, PDF, 0, dpi=100))
    turned = to_array(render_page(pdf, PDF, 0, dpi=100, rotation=rotation))
    assert np.array_equal(turned, turn(arr, rotation))


def test_the_desk_draws_a_pdf_page_at_its_width(pdf: Path) -> None:
    im = render_page(pdf, PDF, 0, width=800)
    assert im.width == 800 and im.height == round(1754 * 800 / 1240)
    assert "dpi" not in im.info  # a width, not a resolution
    a = to_array(im)
    assert a[round(170 * 800 / 1240), round(400 * 800 / 1240)] < 60  # the bar, top left
    assert a[-round(170 * 800 / 1240), -round(400 * 800 / 1240)] > 200


def test_an_image_is_reduced_to_the_dpi_never_enlarged(tmp_path: Path) -> None:
    src = tmp_path / "scan.png"
    _page(2480, 3508).save(src, dpi=(300, 300))
    half = render_page(src, "image/png", 0, dpi=150)
    assert half.size == (1240, 1754) and half.info["dpi"] == (150.0, 150.0)
    same = render_page(src, "image/png", 0, dpi=600)
    assert same.size == (2480, 3508) and round(same.info["dpi"][0]) == 300
    # the resolution the OCR decided wins over the file's tag
    told = render_page(src, "image/png", 0, dpi=150, image_dpi=600)
    assert told.size == (620, 877) and told.info["dpi"] == (150.0, 150.0)


def test_a_page_that_is_not_there_is_an_error(pdf: Path) -> None:
    with pytest.raises(PdfRenderError):
        render_page(pdf, PDF, 5, dpi=100)
