"""What each of the four form types says: the invented people, their values, and the label/value
pairs grouped into sections, then laid out as ``blocks`` for one family's options.

Guarantees: every scored pair's ``fid`` is a field id of ``../shared/domain/doc_types.yaml`` (or one
of the receipt extras the bench README lists); a field appears at most once on a page; shuffling only
moves label/value units inside their own section (a section's lead-in stays first); a unit that
belongs together (a date and its words) moves as one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from bench.formgen import places, values
from bench.formgen.blocks import Gap, Mark, Pair, Row, Table, Text, TwoCol
from bench.formgen.values import Maker, fmt_date

SHORT = {"sex", "ethnicity", "nationality", "birth_year", "relationship", "birth_date"}


@dataclass
class Opts:
    """One family's choices (see ``bench.formgen.families``)."""

    wording: tuple[str, ...] = ("tt2020",)
    tt2024: bool = False  # requester birth date, parents' ID papers, issuer in ID lines
    order: str = "standard"  # standard | shuffle
    inline: str = "dev"  # dev | none | random
    long_values: bool = False  # long addresses and ID lines that wrap
    table_first: str = "nu"  # nu | nam | random
    table_valign: str = "top"  # top | middle | random
    table_label_frac: float = 0.30
    header: str = "national"  # national | issuer | banner_a | banner_b | banner_c | banner_d
    place_date: str = "lam_tai"  # lam_tai | right | lam_tai_nocolon
    section_headings: bool = False  # "I. THÔNG TIN NGƯỜI YÊU CẦU" style headings
    receipt: str = "dev"  # dev | tt2018 | vendor
    date_styles: tuple[str, ...] = ("dmy",)
    birth_year_styles: tuple[str, ...] = ("year",)
    id_styles: tuple[str, ...] = ("cccd_short", "the_can_cuoc")
    words_style: str = "modern"
    after_merger: float = 0.0  # share of documents dated after 1 July 2025 (new units, no district)
    marriage: str = "table"  # table | sections ("Bên nữ:" then "Bên nam:" blocks of label: value lines)
    number_beside: bool = False  # a document number printed on the place-date line, at the left
    unit_case: str = "lower"  # lower: "xã …, huyện …"; title: "Xã …, Huyện …, Tỉnh …" (software output)
    extra: dict = field(default_factory=dict)


@dataclass
class Unit:
    pairs: list[Pair]
    group: str | None = None  # pairs of one group may share a printed line (dev grouping)


@dataclass
class Section:
    lead: list = field(default_factory=list)  # blocks printed before the units (lead-in, heading)
    units: list[Unit] = field(default_factory=list)
    fixed: int = 0  # the first ``fixed`` units never move


class Ctx:
    def __init__(self, opts: Opts, rng: random.Random, lab: dict[str, str]) -> None:
        self.o, self.r, self.lab = opts, rng, lab
        self.m = Maker(rng, title_units=opts.unit_case == "title")
        self.doc_date = self._doc_date()
        self.legacy = self.doc_date < date(2025, 7, 1)
        self.m.legacy = self.legacy
        self.unit = places.pick_unit(rng, legacy=self.legacy)

    def _doc_date(self) -> date:
        if self.r.random() < self.o.after_merger:
            return values.rand_date(self.r, date(2025, 7, 2), date(2026, 10, 30))
        return values.rand_date(self.r, date(2016, 3, 1), date(2025, 6, 20))

    def d(self, dd: date) -> str:
        return fmt_date(dd, self.r.choice(self.o.date_styles))

    def year_value(self, dd: date) -> str:
        st = self.r.choice(self.o.birth_year_styles)
        return str(dd.year) if st == "year" else fmt_date(dd, st)

    def id_doc(self, p: values.Person) -> str:
        styles = self.o.id_styles
        if self.o.tt2024:
            styles = (*styles, "cccd_issuer", "the_cccd_issuer")
        st = self.r.choice(styles)
        if st == "the_can_cuoc" and p.id_issued < date(2024, 7, 1):
            st = "cccd_short"
        return self.m.id_doc(p, st, self.r.choice(self.o.date_styles))

    def residence(self, p: values.Person) -> str:
        if self.o.long_values and self.r.random() < 0.7:
            if p.unit.ward_type == "Xã":
                return f"Đội {self.r.randint(1, 12)}, {p.residence}"
            return (
                f"Số {self.r.randint(2, 240)}, ngõ {self.r.randint(1, 99)}, {p.residence}"
                if not p.residence.startswith("Số")
                else p.residence
            )
        return p.residence

    def addressee(self) -> str:
        u = self.unit
        return f"Ủy ban nhân dân {u.address(title=self.o.unit_case == 'title')}"

    def place_line(self) -> tuple[str, str]:
        """(label, value) of the place-date line."""
        dd = self.doc_date
        day = f"ngày {dd.day:02d} tháng {dd.month:02d} năm {dd.year}"
        if self.o.place_date == "right":
            return "", f"{self.unit.ward_short}, {day}"
        lab = self.lab["signed"] if self.o.place_date == "lam_tai" else self.lab["signed"].rstrip(":")
        return lab, f"{self.unit.ward_lc}, {day}"


def P(fid: str | None, label: str, value: str) -> Pair:
    return Pair(fid, label, values.nfc(value))


# -- the four forms ---------------------------------------------------------------------------------
def birth(c: Ctx) -> tuple[list, list[Section], list]:
    r, lab, dd = c.r, c.lab, c.doc_date
    child_birth = dd - timedelta(days=r.randint(3, 55))
    mother = c.m.person(
        False, (child_birth - timedelta(days=40 * 365), child_birth - timedelta(days=18 * 365)), doc_date=dd
    )
    sur = mother.name.split()[0] if r.random() < 0.05 else None
    father = c.m.person(
        True, (child_birth - timedelta(days=50 * 365), child_birth - timedelta(days=19 * 365)), doc_date=dd, surname=sur
    )
    male = r.random() < 0.5
    child_name = c.m.full_name(male, father.name.split()[0]).upper()
    rel = r.choice(["Mẹ", "Cha"] if r.random() < 0.85 else values.RELATIONSHIPS_BIRTH)
    requester = (
        mother
        if rel == "Mẹ"
        else father
        if rel == "Cha"
        else c.m.person(r.random() < 0.5, (date(1940, 1, 1), date(1985, 1, 1)), doc_date=dd)
    )
    req = Section(
        units=[
            Unit([P("addressee", lab["addressee"], c.addressee())]),
            Unit([P("requester_name", lab["requester_name"], requester.upper)]),
        ],
        fixed=1,
    )
    if c.o.tt2024:
        req.units.append(Unit([P("requester_birth_date", lab["requester_birth_date"], c.d(requester.birth))]))
    req.units += [
        Unit([P("requester_residence", lab["residence"], c.residence(requester))]),
        Unit([P("requester_id_doc", lab["id_doc"], c.id_doc(requester))]),
        Unit([P("requester_relationship", lab["rel_birth"], rel)], "rel"),
    ]
    eth = mother.ethnicity if r.random() < 0.8 else father.ethnicity
    child = Section(lead=[Text(lab["lead_birth"], "bold")])
    child.units = [
        Unit([P("child_name", lab["name"], child_name)]),
        Unit(
            [
                P("child_birth_date", lab["birth_date"], c.d(child_birth)),
                P("child_birth_date_words", lab["words"], values.date_words(child_birth, r, c.o.words_style)),
            ],
            "words",
        ),
        Unit([P("child_sex", lab["sex"], "Nam" if male else "Nữ")], "sen"),
        Unit([P("child_ethnicity", lab["eth"], eth)], "sen"),
        Unit([P("child_nationality", lab["nat"], "Việt Nam")], "sen"),
        Unit(
            [P("child_birth_place", lab["birth_place"], c.m.birth_place(c.unit if r.random() < 0.8 else mother.unit))]
        ),
        Unit(
            [P("child_hometown", lab["hometown"], father.unit.address() if r.random() < 0.7 else mother.unit.address())]
        ),
    ]
    sections = [req, child]
    for who, p in (("mother", mother), ("father", father)):
        s = Section(fixed=1)
        s.units = [
            Unit([P(f"{who}_name", lab[f"{who}_name"], p.upper)]),
            Unit([P(f"{who}_birth_year", lab["birth_year"], c.year_value(p.birth))], "yen"),
            Unit([P(f"{who}_ethnicity", lab["eth"], p.ethnicity)], "yen"),
            Unit([P(f"{who}_nationality", lab["nat"], p.nationality)], "yen"),
            Unit([P(f"{who}_residence", lab["residence"], c.residence(p))]),
        ]
        if c.o.tt2024:
            s.units.append(Unit([P(f"{who}_id_doc", lab["id_doc"], c.id_doc(p))]))
        sections.append(s)
    top = [Text("TỜ KHAI ĐĂNG KÝ KHAI SINH", "title", "center")]
    tail = [
        Text(
            "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa thuận nhất trí "
            "của các bên liên quan theo quy định pháp luật.",
            "italic",
        )
    ]
    return top, sections, tail + footer(c, [("Người yêu cầu", requester.name)])


def death(c: Ctx) -> tuple[list, list[Section], list]:
    r, lab, dd = c.r, c.lab, c.doc_date
    died = dd - timedelta(days=r.randint(1, 14))
    male = r.random() < 0.55
    deceased = c.m.person(male, (date(1920, 1, 1), died - timedelta(days=20 * 365)), doc_date=died)
    rel = r.choice(values.RELATIONSHIPS_DEATH)
    requester = c.m.person(
        r.random() < 0.5,
        (date(1945, 1, 1), date(2003, 1, 1)),
        unit=deceased.unit if r.random() < 0.7 else None,
        doc_date=dd,
    )
    req = Section(
        units=[
            Unit([P("addressee", lab["addressee"], c.addressee())]),
            Unit([P("requester_name", lab["requester_name"], requester.upper)]),
        ],
        fixed=1,
    )
    if c.o.tt2024:
        req.units.append(Unit([P("requester_birth_date", lab["requester_birth_date"], c.d(requester.birth))]))
    req.units += [
        Unit([P("requester_residence", lab["residence"], c.residence(requester))]),
        Unit([P("requester_id_doc", lab["id_doc"], c.id_doc(requester))]),
        Unit([P("requester_relationship", lab["rel_death"], rel)]),
    ]
    hh, mi = r.randint(0, 23), r.choice([0, 5, 10, 15, 20, 30, 40, 45, 50])
    dt_style = r.random()
    if dt_style < 0.6:
        dtv = f"{hh:02d} giờ {mi:02d} phút, ngày {c.d(died)}"
    elif dt_style < 0.85:
        dtv = f"{hh} giờ {mi} phút, ngày {died.day:02d} tháng {died.month:02d} năm {died.year}"
    else:
        dtv = f"{hh:02d}h{mi:02d}, ngày {c.d(died)}"
    notice_no = r.randint(1, 240)
    notice = (
        f"{notice_no}/GBT, ngày {c.d(died + timedelta(days=r.randint(0, 3)))}"
        if r.random() < 0.6
        else f"Số {notice_no}/GBT do Trạm Y tế {deceased.unit.ward_lc} cấp ngày {c.d(died + timedelta(days=1))}"
    )
    dec = Section(lead=[Text(lab["lead_death"], "bold")])
    dec.units = [
        Unit([P("deceased_name", lab["name"], deceased.upper)]),
        Unit([P("deceased_birth_date", lab["birth_date"], c.d(deceased.birth))], "bs"),
        Unit([P("deceased_sex", lab["sex"], "Nam" if male else "Nữ")], "bs"),
        Unit([P("deceased_ethnicity", lab["eth"], deceased.ethnicity)], "en"),
        Unit([P("deceased_nationality", lab["nat"], deceased.nationality)], "en"),
        Unit([P("deceased_last_residence", lab["last_residence"], c.residence(deceased))]),
        Unit([P("deceased_id_doc", lab["id_doc"], c.id_doc(deceased))]),
        Unit([P("death_datetime", lab["death_datetime"], dtv)]),
        Unit([P("death_place", lab["death_place"], c.m.death_place(deceased))]),
        Unit([P("death_cause", lab["death_cause"], r.choice(values.DEATH_CAUSES))]),
        Unit([P("death_notice", lab["death_notice"], notice)]),
    ]
    top = [Text("TỜ KHAI ĐĂNG KÝ KHAI TỬ", "title", "center")]
    tail = [
        Text(
            "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về cam "
            "đoan của mình.",
            "italic",
        )
    ]
    return top, [req, dec], tail + footer(c, [("Người yêu cầu", requester.name)])


def marriage(c: Ctx) -> tuple[list, list[Section], list]:
    r, lab, dd = c.r, c.lab, c.doc_date
    bride = c.m.person(False, (date(1960, 1, 1), dd - timedelta(days=18 * 365 + 10)), doc_date=dd)
    groom = c.m.person(True, (date(1958, 1, 1), dd - timedelta(days=20 * 365 + 10)), doc_date=dd)
    first = c.o.table_first if c.o.table_first != "random" else r.choice(["nu", "nam"])
    valign = c.o.table_valign if c.o.table_valign != "random" else r.choice(["top", "middle"])
    order = [("bride", bride), ("groom", groom)] if first == "nu" else [("groom", groom), ("bride", bride)]
    counts = {
        k: r.choice(values.MARRIAGE_COUNTS[:3]) if r.random() < 0.85 else r.choice(values.MARRIAGE_COUNTS)
        for k in ("bride", "groom")
    }
    rows_def = [
        ("t_name", "name", lambda p, k: p.upper),
        ("t_birth_date", "birth_date", lambda p, k: c.d(p.birth)),
        ("t_eth", "ethnicity", lambda p, k: p.ethnicity),
        ("t_nat", "nationality", lambda p, k: p.nationality),
        ("t_res", "residence", lambda p, k: c.residence(p)),
        ("t_id", "id_doc", lambda p, k: c.id_doc(p)),
        ("t_count", "marriage_count", lambda p, k: counts[k]),
    ]
    if c.o.order == "shuffle":
        head, rest = rows_def[:1], rows_def[1:]
        r.shuffle(rest)
        rows_def = head + rest
    top = [Text("TỜ KHAI ĐĂNG KÝ KẾT HÔN", "title", "center")]
    req = Section(units=[Unit([P("addressee", lab["addressee"], c.addressee())])], fixed=1)
    oath = Text(
        "Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của chúng tôi là tự nguyện, "
        "không vi phạm quy định của Luật Hôn nhân và gia đình Việt Nam.",
        "italic",
    )
    if c.o.marriage == "sections":  # one block per side, its heading scoping the labels under it
        groups = {"eth": "en", "nat": "en"}
        sides = []
        for k, p in order:
            head = lab["t_bride"] if k == "bride" else lab["t_groom"]
            sec = Section(lead=[Text(f"{head}:", "bold")], fixed=1)
            for key, fid, fn in rows_def:
                sec.units.append(Unit([P(f"{k}_{fid}", lab[key] + ":", fn(p, k))], groups.get(key[2:])))
            sides.append(sec)
        signers = [(lab["t_bride"] if k == "bride" else lab["t_groom"], p.name) for k, p in order]
        return top, [req, *sides], [oath, *footer(c, signers)]
    rows = [(lab[key], [P(f"{k}_{fid}", lab[key], fn(p, k)) for k, p in order]) for key, fid, fn in rows_def]
    header = [lab["t_info"]] + [lab["t_bride"] if k == "bride" else lab["t_groom"] for k, _ in order]
    table = Table(header, rows, label_frac=c.o.table_label_frac, valign=valign)
    tail = [table, oath]
    signers = [(lab["t_bride"] if k == "bride" else lab["t_groom"], p.name) for k, p in order]
    return top, [req], tail + footer(c, signers)


def receipt(c: Ctx) -> tuple[list, list[Section], list]:
    r, lab, dd = c.r, c.lab, c.doc_date
    who = c.m.person(
        r.random() < 0.5, (date(1950, 1, 1), date(2004, 1, 1)), unit=c.unit if r.random() < 0.8 else None, doc_date=dd
    )
    code = f"000.{r.randint(0, 99):02d}.{r.randint(0, 99):02d}.H{r.randint(10, 65):02d}-{dd:%y%m%d}-{r.randint(1, 250):04d}"
    days = r.choice([1, 1, 3, 5, 7, 15])
    due = dd + timedelta(days=days + (2 if days > 3 else 0))
    t1 = f"{r.randint(7, 16):02d} giờ {r.choice([0, 10, 15, 30, 45]):02d} phút, ngày {c.d(dd)}"
    t2 = f"{r.randint(7, 16):02d} giờ {r.choice([0, 30]):02d} phút, ngày {c.d(due)}"
    receiver = c.m.full_name(r.random() < 0.5)
    num = c.o.receipt == "tt2018"
    n = (lambda i, s: f"{i}. {s}") if num else (lambda i, s: s)
    u = [
        Unit([P("applicant", lab["applicant"], who.name)]),
        Unit([P("applicant_personal_id", lab["applicant_personal_id"], who.pid)]),
        Unit([P("applicant_address", lab["applicant_address"], c.residence(who))]),
        Unit(
            [P("applicant_phone", lab["applicant_phone"], values.phone(r))] + ([P(None, "Email:", "")] if num else [])
        ),
        Unit([P("request_content", lab["request_content"], r.choice(values.REQUESTS))]),
    ]
    body = Section(
        lead=[Text(f"Bộ phận tiếp nhận và trả kết quả Ủy ban nhân dân {c.unit.ward_lc}")],
        units=u,
        fixed=1,
    )
    docs = Section(
        lead=[
            Text(n(1, "Thành phần hồ sơ nộp gồm:")),
            Text("- Tờ khai theo mẫu quy định; Số lượng: 01"),
            Text("- Giấy tờ tùy thân (xuất trình); Số lượng: 01"),
        ],
        units=[
            Unit([P("dossier_count", n(2, lab["dossier_count"]), f"{r.choice([1, 1, 1, 2]):02d} (bộ)")]),
            Unit([P("processing_time", n(3, lab["processing_time"]), f"{days:02d} ngày làm việc")]),
            Unit([P("received_at", n(4, lab["received_at"]), t1)]),
            Unit([P("due_at", n(5, lab["due_at"]), t2)]),
        ],
    )
    top = [
        Text(
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" if c.o.receipt != "vendor" else "PHIẾU BIÊN NHẬN HỒ SƠ",
            "title",
            "center",
        ),
    ]
    code_sec = Section(units=[Unit([P("dossier_code", lab["dossier_code"], code)])], fixed=1)
    tail: list = [Text(f"Vào Sổ theo dõi hồ sơ, Quyển số: {r.randint(1, 4):02d}/{dd.year}")]
    tail += [
        Gap(3),
        TwoCol(
            [Text("Người nộp hồ sơ", "bold", "center"), Text("(Ký và ghi rõ họ tên)", "italic", "center")],
            [Text(lab["receiver"], "bold", "center"), Text("(Ký và ghi rõ họ tên)", "italic", "center")],
            rule=False,
        ),
        Mark("signature", "right"),
        TwoCol(
            [Text(who.name, "body", "center")],
            [Text(receiver, "body", "center", fid="receiver", label=lab["receiver"])],
            rule=False,
        ),
    ]
    return top, [code_sec, body, docs], tail


def footer(c: Ctx, signers: list[tuple[str, str]]) -> list:
    label, value = c.place_line()
    out: list = []
    if label or c.o.place_date != "right":
        out.append(Row([P("signed_place_date", label, value)]))
    elif c.o.number_beside:
        number = Text(f"Số: {c.r.randint(1, 480)}/{c.doc_date.year}", "body", "left")
        place = Text(value, "italic", "right", fid="signed_place_date", label="")
        out.append(TwoCol([number], [place], rule=False))
    else:
        out.append(Text(value, "italic", "right", fid="signed_place_date", label=""))
    sig = [Text(s, "bold", "center") for s, _ in signers]
    ital = [Text("(Ký, ghi rõ họ, chữ đệm, tên)", "italic", "center") for _ in signers]
    names = [Text(n, "body", "center") for _, n in signers]
    if len(signers) == 2:
        out += [
            TwoCol([sig[0], ital[0]], [sig[1], ital[1]], rule=False),
            Mark("signature", "left"),
            TwoCol([names[0]], [names[1]], rule=False),
        ]
    else:
        out += [
            TwoCol([], [sig[0], ital[0]], rule=False),
            Mark("signature", "right"),
            TwoCol([], [names[0]], rule=False),
        ]
    return out


BUILDERS = {
    "to_khai_dang_ky_khai_sinh": birth,
    "to_khai_dang_ky_ket_hon": marriage,
    "to_khai_dang_ky_khai_tu": death,
    "giay_tiep_nhan_ho_so": receipt,
}

HEADINGS = {
    "to_khai_dang_ky_khai_sinh": [
        "I. THÔNG TIN NGƯỜI YÊU CẦU",
        "II. THÔNG TIN NGƯỜI ĐƯỢC KHAI SINH",
        "III. THÔNG TIN NGƯỜI MẸ",
        "IV. THÔNG TIN NGƯỜI CHA",
    ],
    "to_khai_dang_ky_khai_tu": ["I. THÔNG TIN NGƯỜI YÊU CẦU", "II. THÔNG TIN NGƯỜI ĐÃ CHẾT"],
    "to_khai_dang_ky_ket_hon": ["THÔNG TIN HAI BÊN NAM, NỮ"],
    "giay_tiep_nhan_ho_so": [],
}


def arrange(c: Ctx, sections: list[Section], doc_type: str) -> list:
    """Sections -> blocks: order (shuffle inside a section) and grouping on lines."""
    r, o = c.r, c.o
    out: list = []
    heads = HEADINGS.get(doc_type, [])
    for si, s in enumerate(sections):
        if o.section_headings and si < len(heads) and doc_type != "to_khai_dang_ky_ket_hon":
            out.append(Text(heads[si], "heading"))
        out += s.lead
        units = list(s.units)
        if o.order == "shuffle":
            fixed, rest = units[: s.fixed], units[s.fixed :]
            r.shuffle(rest)
            units = fixed + rest
        rows: list[list[Pair]] = []
        i = 0
        while i < len(units):
            u = units[i]
            if o.inline == "dev" and u.group:
                line = list(u.pairs)
                j = i + 1
                while j < len(units) and units[j].group == u.group and len(line) < 3:
                    line += units[j].pairs
                    j += 1
                if u.group == "words":  # the date and its words: two printed lines as in the dev set
                    rows += [[p] for p in line]
                else:
                    rows.append(line)
                i = j
                continue
            if o.inline == "random" and len(u.pairs) == 1 and short(u.pairs[0]):
                line = list(u.pairs)
                j = i + 1
                cap = r.choice([1, 2, 2, 3])
                while j < len(units) and len(units[j].pairs) == 1 and short(units[j].pairs[0]) and len(line) < cap:
                    line += units[j].pairs
                    j += 1
                rows.append(line)
                i = j
                continue
            rows += [[p] for p in u.pairs]
            i += 1
        out += [Row(line) for line in rows]
    return out


def short(p: Pair) -> bool:
    return p.fid is not None and len(p.value) <= 12 and any(p.fid.endswith(s) for s in SHORT)
