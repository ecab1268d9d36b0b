"""Generates a form bench set: ``images/``, ``truth/<stem>.json`` (the dev set's schema, see
``../shared/bench/README.md``) and ``manifest.json``.

Guarantees: the same families, ``n`` and split give byte-identical truth files and images (every
random choice comes from the page's seed); a page's seed depends only on its split, family and
index; ``layout`` in the truth is the family name (the scorer then reports forms per family).
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from bench import augraphy_kinds
from bench.formgen import content, degrade, wording
from bench.formgen.blocks import Gap, Mark, Page, Text, TwoCol
from bench.formgen.draw import Drawn, Overflow, Renderer
from bench.formgen.families import BY_NAME, SEED_BASE, Family

GEN_VERSION = 1


def source_digest() -> str:
    """Hash of the generator's own source: a set made by other code is never reused."""
    h = hashlib.sha256()
    for f in sorted(Path(__file__).parent.glob("*.py")):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


@dataclass
class Rendered:
    stem: str
    family: str
    split: str
    seed: int
    doc_type: str
    image: object  # the clean page (PIL RGB) before degradation
    lines: list[str]
    fields: dict[str, str]
    labels: dict[str, str]
    log: list[Drawn]
    dpi: int


def page_seed(fam: Family, index: int) -> int:
    return SEED_BASE[fam.split] + (zlib.crc32(fam.name.encode()) % 1000) * 100 + index


def header(c: content.Ctx, fam: Family, doc_type: str) -> list:
    u = c.unit
    h = fam.opts.header
    nat1, nat2 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"
    if h == "banner_c":
        nat1, nat2 = (
            "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            c.r.choice(["ĐỘC LẬP - TỰ DO - HẠNH PHÚC", "Độc lập – Tự do – Hạnh phúc"]),
        )
    issuer = [
        Text("UBND " + u.ward.upper(), "bold", "center"),
        Text("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", "bold", "center"),
    ]
    nat = [Text(nat1, "bold", "center"), Text(nat2, "bold", "center")]
    dd = c.doc_date
    place = Text(f"{u.ward_short}, ngày {dd.day:02d} tháng {dd.month:02d} năm {dd.year}", "italic", "right")
    receipt = doc_type == "giay_tiep_nhan_ho_so"
    if h == "national":
        if receipt:
            return [TwoCol(issuer, nat), place, Gap(2)]
        return [*nat, Gap(3)]
    if h == "banner_a":
        top: list = [
            Text(f"HỆ THỐNG THÔNG TIN GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH {u.province_lc.upper()}", "small", "center"),
            Mark("rule"),
        ]
        if receipt:
            return [*top, TwoCol(issuer, nat), Mark("barcode", "right"), place]
        return [*top, *nat, Gap(2)]
    if h == "banner_b":
        left = [Text("ỦY BAN NHÂN DÂN", "bold", "center"), Text(u.ward.upper(), "bold", "center")]
        out: list = [TwoCol(left, nat), Text("Mẫu số 01" if receipt else "Mẫu TK", "small", "right")]
        return [*out, place] if receipt else out
    if h == "banner_c":
        out = [Mark("qr"), *nat, Gap(2)]
        if receipt:
            out = [Mark("qr"), TwoCol([Text(f"UBND {u.ward.upper()}", "bold", "center")], nat), place]
        return out
    if h == "banner_d":
        left = [Text("ỦY BAN NHÂN DÂN", "bold", "left"), Text(u.ward.upper(), "bold", "left")]
        out = [TwoCol(left, nat, rule=False)]
        if receipt:
            out += [place]
        return out
    raise ValueError(f"unknown header {h!r}")


def build(fam: Family, index: int) -> Rendered:
    seed = page_seed(fam, index)
    doc_type = fam.doc_types[index % len(fam.doc_types)]
    stem = f"{fam.name}_{index:03d}"
    style = fam.style
    pick = random.Random(seed ^ 0x5EED)
    if fam.value_fonts:
        style = replace(style, value_font=pick.choice(fam.value_fonts))
    if fam.label_fonts:
        regular, bold, italic = pick.choice(fam.label_fonts)
        style = replace(style, label_font=regular, bold_font=bold, italic_font=italic)
    tries = 6
    for _ in range(tries):
        rng = random.Random(seed)
        lab = wording.labels(*fam.opts.wording)
        c = content.Ctx(fam.opts, rng, lab)
        top, sections, tail = content.BUILDERS[doc_type](c)
        page = Page(header(c, fam, doc_type) + top + [Gap(2)] + content.arrange(c, sections, doc_type) + tail)
        r = Renderer(style, rng, dpi=300)
        try:
            r.render(page)
        except Overflow:
            style = replace(style, scale=style.scale * 0.92, line_gap=max(1.45, style.line_gap * 0.95))
            continue
        return Rendered(stem, fam.name, fam.split, seed, doc_type, r.im, r.lines, r.fields, r.labels, r.log, 300)
    raise Overflow(f"{stem}: content does not fit even at {style.scale:.2f}× size (after {tries} tries)")


def _copy_and_skew(pg: Rendered, fam: Family) -> tuple[random.Random, str, float]:
    rng = random.Random(pg.seed * 7 + 1)
    kinds, weights = zip(*fam.degrade)
    kind = rng.choices(kinds, weights)[0]
    skew = round(rng.uniform(-fam.skew, fam.skew), 2) if rng.random() < 0.8 else 0.0
    return rng, kind, skew


def write_page(out: Path, fam_name: str, index: int) -> dict:
    fam = BY_NAME[fam_name]
    pg = build(fam, index)
    rng, kind, skew = _copy_and_skew(pg, fam)
    data, meta = degrade.apply(pg.image, kind, rng, pg.dpi, skew)  # type: ignore[arg-type]  # PIL image
    ext = "jpg" if meta["format"] == "jpeg" else "png"
    (out / "images" / f"{pg.stem}.{ext}").write_bytes(data)
    return _write_truth(out, pg, ext, skew, meta, data)


# Augraphy copies (``bench.forms --aug``) are delivered at this resolution: the dev set's scans are
# 200 or 300 dpi, and augraphy takes about twice as long on a 300-dpi page.
AUG_DPI = 200


def aug_seed(pg_seed: int, recipe: str) -> int:
    """Tune page seeds (100000..) and hold-out ones (900000..) stay apart: ×10 + the recipe."""
    return pg_seed * 10 + augraphy_kinds.RECIPES.index(recipe)


def write_aug_pages(out: Path, fam_name: str, index: int, recipes: tuple[str, ...]) -> tuple[list[dict], list[dict]]:
    """The page, skewed as its family's copy would be, as a clean 200-dpi master in ``aug_src/``,
    and one truth per augraphy recipe (stem ``<page>_<recipe>``, copy ``aug_<recipe>``). Returns
    the manifest rows (bytes and sha256 filled in by ``generate`` once augraphy has run) and the
    augraphy jobs."""
    fam = BY_NAME[fam_name]
    pg = build(fam, index)
    _rng, _kind, skew = _copy_and_skew(pg, fam)  # the same skew as the family's own copy of this page
    data = degrade.master(pg.image, pg.dpi, skew, AUG_DPI)  # type: ignore[arg-type]  # PIL image
    src = out / "aug_src" / f"{pg.stem}.png"
    src.write_bytes(data)
    with Image.open(src) as im:
        w, h = im.size
    rows, jobs = [], []
    for recipe in recipes:
        one = replace(pg, stem=f"{pg.stem}_{recipe}")
        seed = aug_seed(pg.seed, recipe)
        meta = {
            "dpi": AUG_DPI,
            "width": w,
            "height": h,
            "format": "png",
            "jpeg_quality": None,
            "degradations": {"augraphy": recipe, "augraphy_seed": seed},
            "kind_of_copy": f"aug_{recipe}",
        }
        rows.append(_write_truth(out, one, "png", skew, meta, b""))
        jobs.append({"in": src, "out": out / "images" / f"{one.stem}.png", "recipe": recipe, "seed": seed})
    return rows, jobs


def _write_truth(out: Path, pg: Rendered, ext: str, skew: float, meta: dict, data: bytes) -> dict:
    truth = {
        "stem": pg.stem,
        "image": f"images/{pg.stem}.{ext}",
        "kind": "form",
        "doc_type": pg.doc_type,
        "layout": pg.family,
        "family": pg.family,
        "split": pg.split,
        "seed": pg.seed,
        "text": "\n".join(pg.lines),
        "fields": pg.fields,
        "field_labels": pg.labels,
        "register_entries": [],
        "skew_deg": skew,
        "rotation": 0,
        "blank": False,
        **{k: v for k, v in meta.items() if k != "kind_of_copy"},
        "copy": meta["kind_of_copy"],
    }
    (out / "truth" / f"{pg.stem}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return {
        "stem": pg.stem,
        "image": truth["image"],
        "truth": f"truth/{pg.stem}.json",
        "kind": "form",
        "doc_type": pg.doc_type,
        "layout": pg.family,
        "family": pg.family,
        "split": pg.split,
        "copy": truth["copy"],
        "dpi": truth["dpi"],
        "rotation": 0,
        "skew_deg": skew,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def generate(out: Path, families: list[Family], n: int, workers: int = 1, aug: tuple[str, ...] = ()) -> dict:
    """Write ``n`` pages per family into ``out`` (emptied of earlier pages first). With ``aug``
    (augraphy recipes), each page is delivered once per recipe instead of as its family's copy."""
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    for d in ("images", "truth"):
        for f in (out / d).iterdir():
            f.unlink()
    jobs = [(f.name, i) for f in families for i in range(n)]
    if aug:
        (out / "aug_src").mkdir(exist_ok=True)
        if workers > 1:
            with ProcessPoolExecutor(workers) as ex:
                done = list(ex.map(write_aug_pages, [out] * len(jobs), *zip(*jobs), [aug] * len(jobs)))
        else:
            done = [write_aug_pages(out, name, i, aug) for name, i in jobs]
        rows = [r for rs, _ in done for r in rs]
        augraphy_kinds.run([j for _, js in done for j in js])
        shutil.rmtree(out / "aug_src")
        for r in rows:
            data = (out / r["image"]).read_bytes()
            r["bytes"], r["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    elif workers > 1:
        with ProcessPoolExecutor(workers) as ex:
            rows = list(ex.map(write_page, [out] * len(jobs), *zip(*jobs)))
    else:
        rows = [write_page(out, name, i) for name, i in jobs]
    manifest = {
        "generator": "bench.formgen",
        "gen_version": GEN_VERSION,
        "source_digest": source_digest(),
        "count": len(rows),
        "families": {f.name: {"split": f.split, "about": f.about, "doc_types": list(f.doc_types)} for f in families},
        "per_family": n,
        "aug": list(aug),
        "aug_source": augraphy_kinds.source_digest() if aug else None,
        "pages": rows,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest
