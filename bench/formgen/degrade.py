"""Scan degradations for generated form pages, made with NumPy and OpenCV (our own noise models).
augraphy's recipes are applied separately (``bench.forms --aug``, ``bench.augraphy_kinds``): augraphy
needs ``opencv-python``, which must not sit beside our ``opencv-python-headless`` (two packages
writing the same ``cv2`` module), so it runs in its own venv on ``master``'s clean page.

Kinds: ``clean`` (no noise, lossless), ``scan`` (as the dev set: paper tint, uneven light, blur,
noise, JPEG), ``photocopy`` (high contrast, toner specks, a dark edge, streaks), ``fax`` (sampled at
204×98 dpi, thresholded to black and white, dropped lines, back to 200 dpi), ``lowres`` (150 or
120 dpi, blurred, strong JPEG). Any kind may also be skewed (content turned counter-clockwise by
``skew_deg``, the bench convention). Deterministic for a given ``random.Random``.
"""

from __future__ import annotations

import io
import random

import cv2
import numpy as np
from PIL import Image

KINDS = ("clean", "scan", "photocopy", "fax", "lowres")


def _resize(a: np.ndarray, w: int, h: int, interp: int = cv2.INTER_AREA) -> np.ndarray:
    return cv2.resize(a, (w, h), interpolation=interp)


def _skewed(a: np.ndarray, skew: float) -> np.ndarray:
    """Content turned counter-clockwise by ``skew`` degrees about the centre, white outside the page."""
    hh, ww = a.shape[:2]
    m = cv2.getRotationMatrix2D((ww / 2, hh / 2), skew, 1.0)
    fill = (255.0, 255.0, 255.0) if a.ndim == 3 else 255.0
    return cv2.warpAffine(a, m, (ww, hh), flags=cv2.INTER_CUBIC, borderValue=fill)


def master(im: Image.Image, dpi: int, skew: float, out_dpi: int) -> bytes:
    """The page as a lossless PNG at ``out_dpi`` (tagged), skewed like ``apply``'s copies and with no
    noise: the input of an augraphy recipe (``bench.augraphy_kinds``)."""
    a: np.ndarray = np.asarray(im.convert("RGB"), dtype=np.float32)
    if skew:
        a = _skewed(a, skew)
    h, w = a.shape[:2]
    if out_dpi != dpi:
        a = _resize(a, round(w * out_dpi / dpi), round(h * out_dpi / dpi))
    buf = io.BytesIO()
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).save(buf, "PNG", dpi=(out_dpi, out_dpi))
    return buf.getvalue()


def apply(im: Image.Image, kind: str, rng: random.Random, dpi: int, skew: float) -> tuple[bytes, dict]:
    """Return the delivered file's bytes (DPI stored in it) and the truth's capture keys."""
    if kind not in KINDS:
        raise ValueError(f"unknown degradation {kind!r}")
    nrng = np.random.default_rng(rng.randint(0, 2**32 - 1))
    a: np.ndarray = np.asarray(im.convert("L" if kind != "scan" or rng.random() < 0.6 else "RGB"), dtype=np.float32)
    if skew:
        a = _skewed(a, skew)
    deg: dict = {}
    out_dpi = dpi
    fmt, quality = "png", None
    h, w = a.shape[:2]
    if kind == "clean":
        deg["clean"] = True
        if rng.random() < 0.5:
            out_dpi = 200
    elif kind == "scan":
        tint = np.array([rng.randint(236, 250), rng.randint(232, 246), rng.randint(205, 235)], np.float32)
        if a.ndim == 3:
            a = a * (tint / 255.0)
            deg["paper_tint"] = [int(t) for t in tint]
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        amp = rng.uniform(0.04, 0.14)
        light = 1 - amp * ((xx / w - rng.random()) ** 2 + (yy / h - rng.random()) ** 2)
        a = a * (light if a.ndim == 2 else light[..., None])
        deg["illumination"] = round(amp, 3)
        sigma = rng.uniform(0.5, 1.1)
        a = cv2.GaussianBlur(a, (0, 0), sigma)
        deg["blur_sigma"] = round(sigma, 2)
        ns = rng.uniform(1.5, 4.5)
        a = a + nrng.normal(0, ns, a.shape)
        deg["gaussian_noise_sigma"] = round(ns, 2)
        fmt, quality = "jpeg", rng.randint(62, 90)
        out_dpi = rng.choice([200, 300])
    elif kind == "photocopy":
        lo, hi = rng.uniform(60, 110), rng.uniform(200, 235)
        a = np.clip((a - lo) * 255.0 / (hi - lo), 0, 255)
        specks = rng.randint(300, 1500)
        ys, xs = nrng.integers(0, h, specks), nrng.integers(0, w, specks)
        for y, x in zip(ys, xs):
            cv2.circle(a, (int(x), int(y)), int(nrng.integers(1, 3)), float(nrng.integers(0, 90)), -1)
        side = rng.choice(["left", "right", "top", "bottom"])
        band = np.linspace(1, 0, max(8, int(w * rng.uniform(0.015, 0.04))), dtype=np.float32) ** 2 * rng.uniform(
            120, 220
        )
        if side in ("left", "right"):
            sl = band if side == "left" else band[::-1]
            a[:, : len(sl)] -= sl[None, :] if side == "left" else 0
            if side == "right":
                a[:, w - len(sl) :] -= sl[None, :]
        else:
            sl = band if side == "top" else band[::-1]
            if side == "top":
                a[: len(sl), :] -= sl[:, None]
            else:
                a[h - len(sl) :, :] -= sl[:, None]
        for _ in range(rng.randint(0, 3)):
            x = rng.randint(0, w - 4)
            a[:, x : x + rng.randint(1, 3)] -= rng.uniform(25, 70)
        a = cv2.GaussianBlur(a, (0, 0), rng.uniform(0.5, 0.9)) + nrng.normal(0, 3, a.shape)
        deg.update({"photocopy": True, "contrast": [round(lo), round(hi)], "toner_specks": specks, "dark_edge": side})
        fmt, quality = "jpeg", rng.randint(70, 88)
        out_dpi = rng.choice([200, 300])
    elif kind == "fax":
        fw, fh = round(w * 204 / dpi), round(h * 98 / dpi)
        small: np.ndarray = _resize(a, fw, fh)
        thr = rng.uniform(140, 175)
        small = np.where(small + nrng.normal(0, 18, small.shape) < thr, 0.0, 255.0).astype(np.float32)
        for _ in range(rng.randint(1, 6)):  # dropped or smeared scan lines
            y = rng.randint(0, fh - 1)
            small[y, :] = 255.0 if rng.random() < 0.7 else small[max(0, y - 1), :]
        out_dpi = 200
        a = _resize(small, round(w * out_dpi / dpi), round(h * out_dpi / dpi), cv2.INTER_NEAREST)
        deg.update({"fax": True, "fax_dpi": [204, 98], "threshold": round(thr)})
        fmt = "png"
    elif kind == "lowres":
        out_dpi = rng.choice([150, 120])
        a = cv2.GaussianBlur(a, (0, 0), rng.uniform(0.4, 0.8))
        deg["low_resolution"] = out_dpi
        fmt, quality = "jpeg", rng.randint(40, 60)
    if out_dpi != dpi and kind != "fax":
        a = _resize(a, round(w * out_dpi / dpi), round(h * out_dpi / dpi))
    a = np.clip(a, 0, 255).astype(np.uint8)
    res = Image.fromarray(a)
    deg["color"] = "rgb" if a.ndim == 3 else "gray"
    buf = io.BytesIO()
    if fmt == "jpeg":
        res.save(buf, "JPEG", quality=quality, dpi=(out_dpi, out_dpi))
    else:
        res.save(buf, "PNG", dpi=(out_dpi, out_dpi))
    meta = {
        "dpi": out_dpi,
        "width": res.width,
        "height": res.height,
        "format": fmt,
        "jpeg_quality": quality,
        "degradations": deg,
        "kind_of_copy": kind,
    }
    return buf.getvalue(), meta
