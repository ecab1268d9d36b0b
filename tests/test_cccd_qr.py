"""The CCCD QR code: a generated code (segno) on a rendered ID-copy page is decoded (zxing-cpp),
parsed and checked against a declaration's fields; every disagreement is flagged, empty fields
are filled, printed values are never changed. All people and numbers are invented."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import segno
from PIL import Image, ImageDraw, ImageFont

from indexer.fields import cccd, values
from indexer.fields.extract import RawField
from indexer.fields.layout import Tok
from indexer.fields.reading import FieldReading
from ocr.qr import decode

# invented: Bắc Ninh registration (027), female born 1977 (G=1, YY=77)
PAYLOAD = (
    "027177435539|125678901|Trần Thị Thu Thoa|12031977|Nữ|Thôn Đông, xã Yên Lạc, huyện Gia Bình, tỉnh Bắc Ninh|25052020"
)


def id_copy_page(payload: str, dpi: int = 300, scale: int = 5) -> np.ndarray:
    """An A4 page with a photocopied card: a grey frame, printed lines, and the QR code."""
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    page = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(page)
    x0, y0 = int(1.0 * dpi), int(1.2 * dpi)
    d.rectangle([x0, y0, x0 + int(3.37 * dpi), y0 + int(2.13 * dpi)], outline=90, width=4)
    font = ImageFont.load_default()
    for i, line in enumerate(["CONG HOA XA HOI CHU NGHIA VIET NAM", "CAN CUOC CONG DAN", "So: 0271 ...."]):
        d.text((x0 + 40, y0 + 40 + 40 * i), line, fill=30, font=font)
    qr = segno.make(payload, error="m", micro=False, encoding="utf-8")
    code = np.array(qr.matrix, dtype=np.uint8)
    code = np.pad(code, 4)  # the quiet zone
    img = Image.fromarray(((1 - code) * 255).astype(np.uint8)).resize(
        (code.shape[1] * scale, code.shape[0] * scale), Image.NEAREST
    )
    page.paste(img, (x0 + int(2.3 * dpi), y0 + 30))
    arr = np.array(page)
    rng = np.random.default_rng(7)  # a photocopy's speckle
    noise = rng.normal(0, 12, arr.shape)
    return np.clip(arr.astype(float) + noise, 0, 255).astype(np.uint8)


def read(text: str, type_: str, fid: str) -> FieldReading:
    toks = [Tok(w, 95.0, 10 * i, 0, 10 * i + 8, 10) for i, w in enumerate(text.split())]
    return values.read(RawField(fid, type_, toks))


def test_qr_on_an_id_copy_page_is_decoded_whole() -> None:
    codes = decode(id_copy_page(PAYLOAD))
    assert [c.text for c in codes] == [PAYLOAD]
    _x, _y, w, h = codes[0].box
    assert w > 100 and h > 100


def test_a_page_without_qr_gives_nothing() -> None:
    page = np.full((3508, 2480), 255, np.uint8)
    page[500:520, 300:2000] = 0  # a rule, some "text"
    assert decode(page) == []


def test_payload_parsed_and_checked() -> None:
    card = cccd.parse(PAYLOAD)
    assert card is not None
    assert card.number == "027177435539" and card.old_cmnd == "125678901"
    assert card.birth_date == dt.date(1977, 3, 12) and card.sex == "Nữ"
    assert card.issue_date == dt.date(2020, 5, 25)
    six = PAYLOAD.replace("|125678901|", "|")  # readers that leave the old CMND out
    assert cccd.parse(six) is not None and cccd.parse(six).old_cmnd == ""  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "bad",
    [
        "hello world",
        PAYLOAD.replace("12031977", "32131977"),  # no such date
        PAYLOAD.replace("|Nữ|", "|Nam|"),  # the number's sex digit says female
        PAYLOAD.replace("027177435539", "02717743553"),  # 11 digits
    ],
)
def test_bad_payloads_are_refused(bad: str) -> None:
    assert cccd.parse(bad) is None


def test_cross_check_flags_every_disagreement_and_fills_empty_fields() -> None:
    card = cccd.parse(decode(id_copy_page(PAYLOAD))[0].text)
    assert card is not None
    fields = {
        "requester_name": read("TRẦN THỊ THU THOA", "name", "requester_name"),
        "requester_birth_date": read("12/03/1979", "date", "requester_birth_date"),  # disagrees
        "requester_id_doc": read("CCCD số 027177435539, cấp ngày 25/05/2020", "id_doc", "requester_id_doc"),
        "requester_residence": read(
            "Thôn Đông, xã Yên Lạc, huyện Gia Bình, tỉnh Bắc Ninh", "place", "requester_residence"
        ),
    }
    person = cccd.cross_check(fields, card, fill=("requester_sex",))
    assert person == "requester"
    bd = fields["requester_birth_date"]
    assert bd.needs_review and any("12/03/1977" in r for r in bd.review_reasons)
    assert bd.value == "12/03/1979"  # the printed value stays
    for fid in ("requester_name", "requester_id_doc", "requester_residence"):
        assert not fields[fid].needs_review, fields[fid].review_reasons
        assert any("mã QR" in c for c in fields[fid].confirmed)
    sex = fields["requester_sex"]
    assert sex.value == "Nữ" and sex.corrections and not sex.raw


def test_a_different_number_is_flagged_and_masked() -> None:
    card = cccd.parse(PAYLOAD)
    assert card is not None
    fields = {
        "requester_name": read("Trần Thị Thu Thoa", "name", "requester_name"),
        "requester_id_doc": read("CCCD số 027177435593, cấp ngày 25/05/2020", "id_doc", "requester_id_doc"),
    }
    assert cccd.cross_check(fields, card) == "requester"  # found by the name
    f = fields["requester_id_doc"]
    assert f.needs_review
    assert not any("027177435539" in r for r in f.review_reasons)  # never a full number in a reason


def test_a_card_of_no_one_on_the_page_checks_nothing() -> None:
    card = cccd.parse(PAYLOAD)
    assert card is not None
    fields = {"mother_name": read("LÊ THỊ HOA", "name", "mother_name")}
    assert cccd.cross_check(fields, card) is None
    assert not fields["mother_name"].needs_review


def test_only_pages_that_name_the_card_are_searched() -> None:
    page = id_copy_page(PAYLOAD)
    assert cccd.cards_on_page(page, "Tờ khai đăng ký khai sinh") == []
    cards = cccd.cards_on_page(page, "CĂN CƯỚC CÔNG DÂN Citizen Identity Card")
    assert [c.number for c in cards] == ["027177435539"]
