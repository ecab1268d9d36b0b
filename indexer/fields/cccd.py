"""The QR code of a chip-based CCCD (a copy of the card in a dossier): parse its payload and check
the dossier's identity fields against it.

Payload (``|``-separated, as the card's QR prints it): number (12 digits) | old CMND (9 digits, may
be empty) | full name | birth date DDMMYYYY | sex | permanent address | issue date DDMMYYYY. Some
readers and older cards leave the CMND field out (6 parts); both are accepted.

Guarantees:
- ``parse`` accepts only a payload whose number is a valid 12-digit personal ID and whose dates
  are real dates; anything else is None (never a half-read card);
- ``cross_check`` finds the person the card belongs to (their ID number on the page, else their
  name), and for each of that person's identity fields: a value that agrees is marked confirmed; a
  value that disagrees is flagged with the card's value in the reason (never changed: the form
  is what was printed); an identity field the form has but left empty is filled from the card,
  with the reason recorded. The card's parts go beside the fields in ``parsed``.
- ``cards_on_page`` searches a page for codes only when its OCR text names the card, so a page
  of any other kind costs a substring test.
Never: logs a payload (it holds a full personal ID number), changes a printed value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from indexer.fields import personal_id
from indexer.fields.reading import FieldReading
from indexer.vntext import canonical, fold
from ocr.qr import decode

QR_SOURCE = "mã QR trên CCCD"


@dataclass(frozen=True)
class CccdCard:
    number: str
    old_cmnd: str
    name: str
    birth_date: dt.date
    sex: str  # Nam | Nữ
    address: str
    issue_date: dt.date | None

    def as_dict(self) -> dict[str, str]:
        return {
            "number": self.number,
            "old_cmnd": self.old_cmnd,
            "name": self.name,
            "birth_date": self.birth_date.isoformat(),
            "sex": self.sex,
            "address": self.address,
            "issue_date": self.issue_date.isoformat() if self.issue_date else "",
        }


def _date(text: str) -> dt.date | None:
    if not re.fullmatch(r"\d{8}", text):
        return None
    try:
        return dt.date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        return None


def parse(payload: str) -> CccdCard | None:
    parts = [canonical(p.strip()) for p in payload.strip().split("|")]
    if len(parts) == 6:
        parts.insert(1, "")
    if len(parts) < 7 or not re.fullmatch(r"\d{12}", parts[0]):
        return None
    number, cmnd, name, birth, sex, address, issued = parts[:7]
    if cmnd and not re.fullmatch(r"\d{9}|\d{12}", cmnd):
        return None
    birth_date = _date(birth)
    sex_v = {"nam": "Nam", "nu": "Nữ"}.get(fold(sex))
    if birth_date is None or sex_v is None or not name:
        return None
    if personal_id.problems_id12(number, sex_v, birth_date.year):
        return None  # the number's sex and century digits disagree with the card's own data
    return CccdCard(number, cmnd, name, birth_date, sex_v, address, _date(issued) if issued else None)


CARD_WORDS = ("can cuoc", "citizen identity", "identity card", "cccd")


def looks_like_card(page_text: str) -> bool:
    """A page whose OCR text names the card (its copy prints "CĂN CƯỚC CÔNG DÂN / Citizen Identity
    Card"): only those pages are searched for a QR code, so other pages cost nothing."""
    f = fold(page_text)
    return any(w in f for w in CARD_WORDS)


def cards_on_page(image: np.ndarray, page_text: str) -> list[CccdCard]:
    """The CCCD cards whose QR code is readable on an OCR'd page (``image`` grey or BGR)."""
    if not looks_like_card(page_text):
        return []
    return [card for q in decode(image, thorough=True) if (card := parse(q.text)) is not None]


# person prefix -> their identity field ids, by kind
def _ids(person: str) -> dict[str, list[str]]:
    name = "applicant" if person == "applicant" else f"{person}_name"
    return {
        "name": [name],
        "number": [f"{person}_personal_id", f"{person}_id_doc"],
        "birth": [f"{person}_birth_date", f"{person}_birth_year"],
        "sex": [f"{person}_sex"],
        "address": [f"{person}_residence", f"{person}_address"],
    }


PEOPLE = ("requester", "applicant", "mother", "father", "bride", "groom", "deceased", "child")


def owner(fields: dict[str, FieldReading], card: CccdCard) -> str | None:
    """The person on the page the card belongs to: same ID number, else same name."""
    for person in PEOPLE:
        for fid in _ids(person)["number"]:
            f = fields.get(fid)
            if f is not None and (f.normalized == card.number or card.number in re.sub(r"\D", "", f.value)):
                return person
    for person in PEOPLE:
        f = fields.get(_ids(person)["name"][0])
        if f is not None and f.value and fold(f.value) == fold(card.name):
            return person
    return None


def _agree(kind: str, f: FieldReading, card: CccdCard) -> bool:
    if kind == "name":
        return fold(f.value) == fold(card.name) and canonical(f.value).lower() == card.name.lower()
    if kind == "number":
        digits = re.sub(r"\D", "", f.value)
        return card.number in digits or (bool(card.old_cmnd) and card.old_cmnd in digits)
    if kind == "birth":
        norm = f.normalized or ""
        return norm == card.birth_date.isoformat() or norm == str(card.birth_date.year)
    if kind == "sex":
        return (f.normalized or f.value) == card.sex
    return fold(f.value).replace(",", "") == fold(card.address).replace(",", "")


def _card_value(kind: str, card: CccdCard, field_id: str) -> str:
    if kind == "name":
        return card.name
    if kind == "number":
        return card.number
    if kind == "birth":
        return str(card.birth_date.year) if field_id.endswith("_year") else card.birth_date.strftime("%d/%m/%Y")
    if kind == "sex":
        return card.sex
    return card.address


def cross_check(
    fields: dict[str, FieldReading], card: CccdCard, person: str | None = None, fill: tuple[str, ...] = ()
) -> str | None:
    """Check ``person``'s identity fields (found by ``owner`` when not given) against the card.
    ``fill``: field ids the form has but that were not read; they are filled from the card.
    Returns the person checked, or None when the card belongs to no one on the page."""
    person = person or owner(fields, card)
    if person is None:
        return None
    for kind, ids in _ids(person).items():
        for fid in ids:
            f = fields.get(fid)
            if f is None and fid in fill:
                value = _card_value(kind, card, fid)
                f = FieldReading(fid, "", value, corrections=[f"lấy từ {QR_SOURCE}"])
                f.normalized = card.number if kind == "number" else None
                f.confirmed.append(QR_SOURCE)
                fields[fid] = f
                continue
            if f is None:
                continue
            f.parsed.setdefault("cccd_qr", {})[kind] = _card_value(kind, card, fid)
            if not f.value:
                f.correct(_card_value(kind, card, fid), f"lấy từ {QR_SOURCE}")
                f.confirmed.append(QR_SOURCE)
            elif kind == "address" and not card.address:
                continue
            elif _agree(kind, f, card):
                if QR_SOURCE not in f.confirmed:
                    f.confirmed.append(f"khớp {QR_SOURCE}")
            else:
                shown = _card_value(kind, card, fid)
                if kind == "number":
                    shown = personal_id.masked(shown)
                f.review(f"khác {QR_SOURCE}: “{shown}”")
    return person
