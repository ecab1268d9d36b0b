"""The form generator of ``python -m bench.forms``: deterministic, truth = what was drawn, field ids
from the catalogue, real place names, hold-out kept apart from tune."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image, ImageDraw

from bench.formgen import degrade, families, places, wording
from bench.formgen.generate import build, generate, page_seed

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT.parent / "shared" / "domain" / "doc_types.yaml"
# receipt fields the bench README lists beside the catalogue's
RECEIPT_EXTRAS = {
    "applicant_personal_id",
    "applicant_address",
    "applicant_phone",
    "request_content",
    "dossier_count",
    "processing_time",
    "receiver",
}
PAGES_PER_FAMILY = 4  # one of each type (marriage-only families: four marriages)


def catalogue_ids() -> dict[str, set[str]]:
    cat = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    out = {}
    for dt in cat["doc_types"]:
        ids = {f["id"] for f in dt.get("fields", [])}
        for rf in dt.get("row_fields", []):
            ids |= {f"bride_{rf['id']}", f"groom_{rf['id']}"}
        out[dt["id"]] = ids
    out["giay_tiep_nhan_ho_so"] |= RECEIPT_EXTRAS
    return out


@pytest.fixture(scope="module")
def pages():
    return [build(f, i) for f in families.FAMILIES for i in range(PAGES_PER_FAMILY)]


def norm(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).split())


def test_generation_is_deterministic(tmp_path):
    fams = [families.BY_NAME["inline_pairs"], families.BY_NAME["vendor_c"]]
    a = generate(tmp_path / "a", fams, 2)
    b = generate(tmp_path / "b", fams, 2)
    assert [r["sha256"] for r in a["pages"]] == [r["sha256"] for r in b["pages"]]
    for row in a["pages"]:
        ta = (tmp_path / "a" / row["truth"]).read_bytes()
        assert ta == (tmp_path / "b" / row["truth"]).read_bytes()
        t = json.loads(ta)
        img = Image.open(tmp_path / "a" / t["image"])
        assert img.size == (t["width"], t["height"])
        assert round(img.info["dpi"][0]) == t["dpi"]
    # a different index is a different page
    assert build(fams[0], 0).fields != build(fams[0], 1).fields


def test_every_field_id_is_in_the_catalogue(pages):
    ids = catalogue_ids()
    for pg in pages:
        unknown = set(pg.fields) - ids[pg.doc_type]
        assert not unknown, f"{pg.stem}: {unknown}"
        assert pg.fields, pg.stem


def test_truth_values_are_what_was_drawn(pages):
    for pg in pages:
        drawn: dict[str, list[str]] = {}
        for d in pg.log:
            if d.role == "value" and d.fid:
                drawn.setdefault(d.fid, []).append(d.text)
        text = norm("\n".join(pg.lines))
        img = np.asarray(pg.image.convert("L"))
        for fid, value in pg.fields.items():
            assert value == unicodedata.normalize("NFC", value)
            assert value.strip(), f"{pg.stem} {fid} empty"
            # the value is the drawn pieces joined, and the page text holds it
            assert " ".join(drawn[fid]) == value, f"{pg.stem} {fid}"
            assert norm(value) in text, f"{pg.stem} {fid}: {value!r} not in the page text"
        for d in pg.log:  # every string drawn is on the page and left ink there
            x0, y0, x1, y1 = d.box
            assert 0 <= x0 < x1 <= pg.image.width and 0 <= y0 < y1 <= pg.image.height, (pg.stem, d)
            assert img[y0:y1, x0:x1].min() < 128, (pg.stem, d.text)
        # every printed label of a field is in the text too (a table row label may wrap: joined)
        for fid, label in pg.labels.items():
            if label:
                assert norm(label).rstrip(":") in text, (pg.stem, fid, label)


def test_text_lines_follow_the_bench_conventions(pages):
    for pg in pages:
        assert pg.lines and all(line == line.strip() and line for line in pg.lines), pg.stem
        assert not any(re.search(r"[.…_]{3,}", line) for line in pg.lines), pg.stem  # leaders are not text


def test_names_of_people_are_printed_in_capitals_on_declarations(pages):
    for pg in pages:
        if pg.doc_type == "giay_tiep_nhan_ho_so":
            assert pg.fields["applicant"] != pg.fields["applicant"].upper()
            continue
        for fid, v in pg.fields.items():
            if fid.endswith("_name"):
                assert v == v.upper(), (pg.stem, fid, v)


def test_places_are_real_units(pages):
    legacy = {u.address(title=t) for u in places.all_units(True) for t in (False, True)}
    new = {u.address(title=t) for u in places.all_units(False) for t in (False, True)}
    for pg in pages:
        if "addressee" in pg.fields:
            addr = pg.fields["addressee"].removeprefix("Ủy ban nhân dân ")
            assert addr in legacy or addr in new, (pg.stem, addr)


def test_holdout_is_disjoint_from_tune():
    tune = [f for f in families.FAMILIES if f.split == "tune"]
    hold = [f for f in families.FAMILIES if f.split == "holdout"]
    assert tune and hold
    assert {f.name for f in tune}.isdisjoint({f.name for f in hold})
    # seeds never meet, however many pages are asked for
    ts = {page_seed(f, i) for f in tune for i in range(1000)}
    hs = {page_seed(f, i) for f in hold for i in range(1000)}
    assert ts.isdisjoint(hs)
    # hold-out wording sets and vendor headers are used by hold-out families only
    tune_sets = {s for f in tune for s in f.opts.wording}
    hold_sets = {s for f in hold for s in f.opts.wording} - {"tt2020"}
    assert tune_sets.isdisjoint(hold_sets)
    assert {f.opts.header for f in tune if f.opts.header != "national"}.isdisjoint(
        {f.opts.header for f in hold if f.opts.header != "national"}
    )
    # and no tune page prints a phrasing found only in hold-out wording sets
    tune_phrases = {v for s in tune_sets for v in wording.labels(s).values()}
    holdout_only = {v for s in hold_sets for v in wording.SETS[s].values()} - tune_phrases
    assert holdout_only
    for f in tune:
        for i in range(PAGES_PER_FAMILY):
            printed = {lab.upper() for lab in build(f, i).labels.values()}
            assert printed.isdisjoint({p.upper() for p in holdout_only}), f.name


def test_select_rejects_unknown_families_and_splits():
    with pytest.raises(ValueError, match="unknown families"):
        families.select(["standard", "no_such_family"], "all")
    with pytest.raises(ValueError):
        families.select(None, "dev")
    assert all(f.split == "holdout" for f in families.select(None, "holdout"))


def test_skew_turns_content_counter_clockwise():
    im = Image.new("RGB", (600, 400), (255, 255, 255))
    ImageDraw.Draw(im).rectangle((540, 195, 550, 205), fill=(0, 0, 0))  # a dot right of the centre
    data, meta = degrade.apply(im, "clean", random.Random(1), 300, 10.0)
    assert meta["degradations"]["clean"]
    from io import BytesIO

    out = np.asarray(Image.open(BytesIO(data)).convert("L").resize((600, 400)))
    ys, _ = np.nonzero(out < 100)
    assert ys.mean() < 190  # counter-clockwise: the right side goes up


@pytest.mark.parametrize("kind", degrade.KINDS)
def test_every_degradation_keeps_the_page_readable_size(kind):
    pg = build(families.BY_NAME["standard"], 0)
    data, meta = degrade.apply(pg.image, kind, random.Random(3), pg.dpi, 1.5)  # type: ignore[arg-type]  # PIL image
    from io import BytesIO

    im = Image.open(BytesIO(data))
    assert im.size == (meta["width"], meta["height"])
    assert abs(im.width / meta["dpi"] * 25.4 - 210) < 2  # still A4 wide at the stated DPI
    ink = np.asarray(im.convert("L")) < 128
    assert 0.005 < ink.mean() < 0.4, kind


def _fake_predictions(set_dir: Path, pred_dir: Path) -> list[dict]:
    """Predictions that copy the truth (text and fields): a perfect reader."""
    pred_dir.mkdir(parents=True)
    truths = []
    for tf in sorted((set_dir / "truth").glob("*.json")):
        t = json.loads(tf.read_text(encoding="utf-8"))
        truths.append(t)
        pred = {"text": t["text"], "doc_type": t["doc_type"], "fields": dict(t["fields"]), "fields_review": []}
        (pred_dir / tf.name).write_text(json.dumps(pred, ensure_ascii=False), encoding="utf-8")
    return truths


def test_bench_forms_scores_what_it_is_given(tmp_path, capsys):
    from bench import forms

    out = tmp_path / "forms"
    assert forms.main(["--families", "standard", "--n", "2", "--out", str(out), "--generate-only"]) == 0
    truths = _fake_predictions(out / "set", out / "pred")
    assert forms.main(["--families", "standard", "--n", "2", "--out", str(out), "--skip-process"]) == 0
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))["families"]["standard"]
    n = sum(len(t["fields"]) for t in truths)
    assert rep == {
        "n": n,
        "pages": 2,
        "exact": 1.0,
        "in_text": 1.0,
        "unflagged": n,
        "unflagged_right": 1.0,
        "flagged_right": 0,
        "flagged": 0,
    }
    # one wrong unflagged value, one right value flagged, one value missing from the text
    p = out / "pred" / f"{truths[0]['stem']}.json"
    pred = json.loads(p.read_text(encoding="utf-8"))
    first, second = list(truths[0]["fields"])[:2]
    pred["fields"][first] = "SAI " + pred["fields"][first]
    pred["fields_review"] = [second]
    pred["text"] = pred["text"].replace(truths[0]["fields"][first], "")
    p.write_text(json.dumps(pred, ensure_ascii=False), encoding="utf-8")
    assert forms.main(["--families", "standard", "--n", "2", "--out", str(out), "--skip-process"]) == 0
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))["families"]["standard"]
    assert rep["exact"] == (n - 1) / n
    assert rep["in_text"] == (n - 1) / n
    assert rep["unflagged"] == n - 1 and rep["unflagged_right"] == (n - 2) / (n - 1)
    assert rep["flagged"] == 1 and rep["flagged_right"] == 1
    assert "| standard | tune | 2 |" in capsys.readouterr().out


def test_bench_forms_rejects_unknown_family(tmp_path, capsys):
    from bench import forms

    assert forms.main(["--families", "nope", "--out", str(tmp_path)]) == 2
    assert "unknown families" in capsys.readouterr().err
