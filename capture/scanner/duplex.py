"""Sheets and sides: a duplex feeder delivers front, back, front, back...; back sides come out
turned for some documents and scanners (head-to-foot printing, or a driver that reads the back
upside down), and the profile's ``back_rotation`` turns them to read upright before storing."""

from __future__ import annotations

from enum import StrEnum

from PIL import Image


class Side(StrEnum):
    FRONT = "front"
    BACK = "back"

    @property
    def vi(self) -> str:
        return "mặt trước" if self is Side.FRONT else "mặt sau"

    @property
    def slug(self) -> str:
        return "truoc" if self is Side.FRONT else "sau"


ROTATIONS = (0, 90, 180, 270)


def position(index: int, duplex: bool) -> tuple[int, Side]:
    """(sheet number from 1, side) of the ``index``-th image (from 0) of a batch."""
    if not duplex:
        return index + 1, Side.FRONT
    return index // 2 + 1, Side.FRONT if index % 2 == 0 else Side.BACK


def turn(image: Image.Image, degrees: int) -> Image.Image:
    """Turn an image ``degrees`` clockwise (0, 90, 180 or 270), losslessly."""
    if degrees % 360 not in ROTATIONS:
        raise ValueError(f"back_rotation must be one of {ROTATIONS}, not {degrees}")
    op = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}.get(
        degrees % 360
    )
    return image.transpose(op) if op is not None else image


def turn_back(image: Image.Image, side: Side, back_rotation: int) -> Image.Image:
    return turn(image, back_rotation) if side is Side.BACK and back_rotation else image
