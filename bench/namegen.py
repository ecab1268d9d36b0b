"""Synthetic civil-status register entries with a realistic Vietnamese name distribution.

Surnames follow the commonly cited shares (domain.md §5: Nguyễn ~38 %, Trần ~11 %, Lê ~9.5 %,
Phạm ~7 %, Hoàng/Huỳnh ~5 %, Phan ~4.5 %, Vũ/Võ ~3.9 %, Đặng, Bùi ~2 %, Đỗ 1.4 %, Hồ, Ngô 1.3 %,
Dương 1 %, Lý 0.5 %) with the remaining ~10 % spread Zipf-like over 60 rarer surnames (compound
and minority ones included). Middle names: men mostly ``Văn`` (~38 %), women ``Thị`` (~45 %), the
rest from common lists, ~10 % two middle names, ~3 % none. Given names: ~150 male and ~150 female
names with Zipf-like weights (the most common ~3 %). Birth years 1930–2024; parents' names drawn
the same way (the father shares the child's surname). ~15 % of names are written in the other
tone-placement style (``Hoà``/``Thuỷ``), as old records are, and ~3 % of stored names carry one OCR
error (as a scanned register's OCR would) — queries are made from the true names.

Everything is deterministic for a given seed.
"""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

SURNAMES_TOP = [
    ("Nguyễn", 38.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.0),
    ("Hoàng", 3.0),
    ("Huỳnh", 2.0),
    ("Phan", 4.5),
    ("Vũ", 2.2),
    ("Võ", 1.7),
    ("Đặng", 2.0),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
]
SURNAMES_TAIL = [
    "Đào",
    "Đoàn",
    "Vương",
    "Trịnh",
    "Trương",
    "Lâm",
    "Phùng",
    "Mai",
    "Tô",
    "Hà",
    "Tạ",
    "Cao",
    "Lương",
    "Quách",
    "Chu",
    "Lưu",
    "Thái",
    "Kiều",
    "La",
    "Châu",
    "Đinh",
    "Lục",
    "Tăng",
    "Triệu",
    "Thân",
    "Nông",
    "Hứa",
    "Giang",
    "Lò",
    "Vi",
    "Sùng",
    "Giàng",
    "Kim",
    "Khúc",
    "Mạc",
    "Nghiêm",
    "Cù",
    "Diệp",
    "Doãn",
    "Đàm",
    "Hàn",
    "Khổng",
    "Lại",
    "Ông",
    "Quan",
    "Lạc",
    "Thạch",
    "Sơn",
    "Danh",
    "Tiêu",
    "Ninh",
    "Phí",
    "Bạch",
    "Cung",
    "Đồng",
    "Văn",
    "Mông",
    "Hầu",
    "Lã",
] + ["Tôn Thất", "Tôn Nữ", "Âu Dương", "Nguyễn Phước"]

MALE_GIVEN = [
    "Anh",
    "Hùng",
    "Dũng",
    "Tuấn",
    "Minh",
    "Nam",
    "Hải",
    "Long",
    "Sơn",
    "Thắng",
    "Huy",
    "Cường",
    "Đức",
    "Trung",
    "Hiếu",
    "Tùng",
    "Quân",
    "Phong",
    "Thành",
    "Tâm",
    "Khoa",
    "Bình",
    "Vinh",
    "Tiến",
    "Hưng",
    "Toàn",
    "Thịnh",
    "Hòa",
    "Lâm",
    "Thanh",
    "Quang",
    "Phúc",
    "Nghĩa",
    "Tài",
    "Kiên",
    "Trí",
    "Đạt",
    "Hậu",
    "Lộc",
    "Thái",
    "Tú",
    "Vũ",
    "Việt",
    "Khánh",
    "Sang",
    "Tín",
    "Tân",
    "Bảo",
    "Duy",
    "Hiển",
    "Hiệp",
    "Khải",
    "Lực",
    "Mạnh",
    "Nhân",
    "Nhật",
    "Phát",
    "Quý",
    "Quốc",
    "Sỹ",
    "Tấn",
    "Thiện",
    "Thông",
    "Thuận",
    "Trọng",
    "Trường",
    "Tuyên",
    "Uy",
    "Vĩnh",
    "Xuân",
    "An",
    "Ân",
    "Bằng",
    "Chiến",
    "Chính",
    "Công",
    "Cảnh",
    "Danh",
    "Dương",
    "Đại",
    "Định",
    "Đông",
    "Giang",
    "Hiền",
    "Hoan",
    "Học",
    "Huân",
    "Kha",
    "Khang",
    "Khôi",
    "Lợi",
    "Luân",
    "Lương",
    "Mẫn",
    "Nguyên",
    "Phú",
    "Quyết",
    "Sáng",
    "Tám",
    "Thạch",
    "Thế",
    "Thọ",
    "Tính",
    "Toản",
    "Trực",
    "Tuệ",
    "Tư",
    "Tường",
    "Vĩ",
    "Vương",
    "Khương",
    "Điệp",
    "Hội",
    "Huấn",
    "Kỳ",
    "Ninh",
    "Triều",
    "Tuyến",
    "Út",
    "Sáu",
    "Bảy",
    "Tý",
    "Thuyết",
    "Hoạt",
    "Chung",
    "Diệu",
    "Đoàn",
    "Hoàn",
    "Khiêm",
    "Lập",
    "Nhàn",
    "Phước",
    "Quyền",
    "Tuân",
    "Trưởng",
    "Thủy",
    "Hoàng",
    "Hữu",
    "Lễ",
    "Lý",
    "Mỹ",
    "Nhất",
    "Thiêm",
    "Thụy",
    "Vỹ",
]
FEMALE_GIVEN = [
    "Anh",
    "Linh",
    "Hương",
    "Trang",
    "Hà",
    "Hoa",
    "Thảo",
    "Ngọc",
    "Lan",
    "Mai",
    "Hằng",
    "Nga",
    "Thủy",
    "Phương",
    "Huyền",
    "Hạnh",
    "Hiền",
    "Yến",
    "Dung",
    "Nhung",
    "Trinh",
    "Vân",
    "Loan",
    "Liên",
    "Thu",
    "Hồng",
    "Oanh",
    "Nhi",
    "Tâm",
    "Quỳnh",
    "Hậu",
    "Thúy",
    "Lệ",
    "Vy",
    "Châu",
    "Giang",
    "Diệp",
    "My",
    "Mỹ",
    "Nhàn",
    "Hiếu",
    "Hòa",
    "Huệ",
    "Khánh",
    "Kim",
    "Lý",
    "Ly",
    "Mơ",
    "Nguyệt",
    "Phượng",
    "Quyên",
    "Sen",
    "Sương",
    "Thanh",
    "Thắm",
    "Thơ",
    "Thùy",
    "Tiên",
    "Trâm",
    "Tuyết",
    "Uyên",
    "Xuân",
    "Ánh",
    "Bích",
    "Cúc",
    "Đào",
    "Gấm",
    "Hải",
    "Hân",
    "Hoài",
    "Hợi",
    "Khuyên",
    "Lài",
    "Lụa",
    "Mến",
    "Miên",
    "Na",
    "Nương",
    "Phúc",
    "Quế",
    "Sáu",
    "Tám",
    "Thoa",
    "Thục",
    "Thư",
    "Tình",
    "Trà",
    "Tươi",
    "Vui",
    "Xoan",
    "Duyên",
    "Diễm",
    "Kiều",
    "Lam",
    "Mận",
    "Nụ",
    "Nhạn",
    "Nhài",
    "Sinh",
    "Tố",
    "Tú",
    "Hường",
    "Ngân",
    "Thương",
    "Trúc",
    "Ý",
    "Ngần",
    "Chi",
    "Chinh",
    "Dịu",
    "Hoan",
    "Thoan",
    "Tuyền",
    "Vinh",
    "Xinh",
    "Yên",
    "Bông",
    "Cẩm",
    "Đài",
    "Hạ",
    "Hòe",
    "Khuê",
    "Lụa",
    "Mai",
    "Mùi",
    "Ngà",
    "Nhiên",
    "Nhớ",
    "Quý",
    "Soan",
    "Tâm",
    "Thìn",
    "Thủy",
    "Thảo",
    "Tư",
    "Vàng",
    "Xuyến",
    "Bảy",
    "Chúc",
    "Đông",
    "Giao",
    "Huế",
]
MALE_MIDDLE = [
    ("Văn", 38),
    ("Đức", 7),
    ("Minh", 7),
    ("Quốc", 5),
    ("Hữu", 5),
    ("Thanh", 4),
    ("Xuân", 3),
    ("Quang", 4),
    ("Công", 4),
    ("Đình", 4),
    ("Ngọc", 3),
    ("Anh", 2),
    ("Hoàng", 2),
    ("Gia", 2),
    ("Trung", 2),
    ("Tuấn", 1.5),
    ("Mạnh", 1.5),
    ("Thế", 2),
    ("Bá", 1.5),
    ("Duy", 1.5),
    ("Tiến", 1),
    ("Khánh", 1),
    ("Nhật", 1),
    ("Bảo", 1),
    ("Trọng", 1),
    ("Vĩnh", 0.5),
    ("Chí", 1),
    ("Tấn", 1),
    ("Thái", 0.5),
    ("Hải", 0.5),
    ("Phúc", 0.5),
    ("Kim", 0.3),
    ("Như", 0.3),
    ("Viết", 0.5),
    ("Trường", 0.3),
    ("Huy", 0.5),
]
FEMALE_MIDDLE = [
    ("Thị", 45),
    ("Ngọc", 8),
    ("Thu", 5),
    ("Thanh", 5),
    ("Kim", 4),
    ("Mỹ", 3),
    ("Minh", 3),
    ("Phương", 2),
    ("Thùy", 2),
    ("Hồng", 2),
    ("Bích", 2),
    ("Khánh", 1.5),
    ("Bảo", 1.5),
    ("Diệu", 1),
    ("Hoài", 1),
    ("Quỳnh", 1),
    ("Tuyết", 1),
    ("Hải", 1),
    ("Hoàng", 1),
    ("Thúy", 1),
    ("Xuân", 1),
    ("Lan", 0.5),
    ("Như", 1),
    ("Cẩm", 1),
    ("Ánh", 1),
    ("Vân", 0.5),
    ("Gia", 0.5),
    ("Nguyệt", 0.5),
    ("Thảo", 0.5),
    ("Mai", 0.5),
    ("Hà", 0.3),
]
COMMUNES = [
    "Cát Thành",
    "Cát Hải",
    "Cát Tiến",
    "Mỹ Đức",
    "Tân Phú",
    "Tân An",
    "Hòa Bình",
    "Hòa Thuận",
    "Phú Lộc",
    "Phước Hòa",
    "Bình Minh",
    "An Nhơn",
    "Vĩnh Lợi",
    "Quảng Phú",
    "Đông Sơn",
    "Thanh Xuân",
    "Yên Hòa",
    "Nghĩa Đô",
    "Long Biên",
    "Trung Hòa",
    "Tây Mỗ",
    "Đại Mỗ",
    "Xuân Đỉnh",
    "Cổ Nhuế",
    "Thụy Phương",
    "Đức Thắng",
    "Kim Chung",
    "Vân Nội",
    "Tiên Dương",
    "Uy Nỗ",
    "Bắc Hồng",
    "Nam Hồng",
    "Ninh Hiệp",
    "Phù Đổng",
    "Dương Hà",
    "Kim Sơn",
    "Đa Tốn",
    "Kiêu Kỵ",
    "Bát Tràng",
    "Thủy Nguyên",
]


def _zipf(n: int, s: float = 1.0) -> list[float]:
    return [1.0 / (i + 1) ** s for i in range(n)]


# -- tone placement ---------------------------------------------------------------------------------
_TONES = "\u0300\u0301\u0309\u0303\u0323"


@lru_cache(maxsize=4096)
def other_tone_style(word: str) -> str:
    """``hòa``→``hoà``, ``thủy``→``thuỷ``, ``khỏe``→``khoẻ`` and back: the other placement style for
    open oa/oe/uy syllables; other words are returned unchanged."""
    nfd = unicodedata.normalize("NFD", word)
    tone = next((c for c in nfd if c in _TONES), None)
    if tone is None:
        return word
    bare = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
    low = bare.lower()
    for pair in ("oa", "oe", "uy"):
        i = low.find(pair)
        if i >= 0 and i + 2 == len(low) and not (pair == "uy" and low[max(0, i - 1) : i + 1] == "qu"):
            # tone currently on which vowel?
            nfc_word = unicodedata.normalize("NFC", word)
            first_has = tone in unicodedata.normalize("NFD", nfc_word[i])
            target = i + 1 if first_has else i
            chars = list(bare)
            chars[target] = unicodedata.normalize("NFC", chars[target] + tone)
            return "".join(chars)
    return word


# -- OCR damage -------------------------------------------------------------------------------------
_TONE_SWAP = {"\u0301": "\u0309", "\u0309": "\u0301", "\u0300": "\u0303", "\u0303": "\u0300", "\u0323": "\u0301"}


def ocr_errors(name: str, rng: random.Random, n: int) -> tuple[str, list[str]]:
    """Apply ``n`` Tesseract-style errors: a wrong tone mark, ư→u, ơ→o, a dropped letter, tr→ư."""
    kinds_done: list[str] = []
    for _ in range(n):
        kinds = ["tone", "u_horn", "o_horn", "drop", "tr"]
        rng.shuffle(kinds)
        for kind in kinds:
            new = _apply(name, kind, rng)
            if new is not None and new != name:
                name = new
                kinds_done.append(kind)
                break
    return name, kinds_done


def _apply(name: str, kind: str, rng: random.Random) -> str | None:
    words = name.split()
    idx = list(range(len(words)))
    rng.shuffle(idx)
    for wi in idx:
        w = words[wi]
        nfd = unicodedata.normalize("NFD", w)
        if kind == "tone":
            pos = [i for i, c in enumerate(nfd) if c in _TONE_SWAP]
            if not pos:
                continue
            i = rng.choice(pos)
            nw = nfd[:i] + _TONE_SWAP[nfd[i]] + nfd[i + 1 :]
        elif kind in ("u_horn", "o_horn"):
            base = "u" if kind == "u_horn" else "o"
            pos = [i for i, c in enumerate(nfd) if c.lower() == base and i + 1 < len(nfd) and nfd[i + 1] == "\u031b"]
            if not pos:
                continue
            i = rng.choice(pos)
            nw = nfd[: i + 1] + nfd[i + 2 :]
        elif kind == "drop":
            letters = [i for i, c in enumerate(nfd) if c.isalpha() and not unicodedata.combining(c)]
            if len(letters) < 3:
                continue
            i = rng.choice(letters)
            j = i + 1
            while j < len(nfd) and unicodedata.combining(nfd[j]):
                j += 1
            nw = nfd[:i] + nfd[j:]
        elif kind == "tr":
            if not nfd.lower().startswith("tr"):
                continue
            u = "Ư" if nfd[:1].isupper() else "ư"
            nw = unicodedata.normalize("NFD", u) + nfd[2:]
        else:
            return None
        words[wi] = unicodedata.normalize("NFC", nw)
        return " ".join(words)
    return None


# -- people -----------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One register entry: the true name, the name as stored (maybe OCR-damaged), and the rest."""

    true_name: str
    name: str
    male: bool
    birth: date
    mother: str
    father: str
    register_type: str
    reg_year: int
    commune: str


class NameGen:
    def __init__(self, seed: int = 6) -> None:
        self.rng = random.Random(seed)
        tail_w = _zipf(len(SURNAMES_TAIL), 0.9)
        tail_total = 100.0 - sum(w for _, w in SURNAMES_TOP)
        scale = tail_total / sum(tail_w)
        self.surnames = [s for s, _ in SURNAMES_TOP] + SURNAMES_TAIL
        self.surname_w = self._cum([w for _, w in SURNAMES_TOP] + [w * scale for w in tail_w])
        self.male_given, self.male_given_w = MALE_GIVEN, self._cum(_zipf(len(MALE_GIVEN), 0.5))
        self.female_given, self.female_given_w = FEMALE_GIVEN, self._cum(_zipf(len(FEMALE_GIVEN), 0.5))
        self.male_mid = [m for m, _ in MALE_MIDDLE]
        self.male_mid_w = self._cum([w for _, w in MALE_MIDDLE])
        self.female_mid = [m for m, _ in FEMALE_MIDDLE]
        self.female_mid_w = self._cum([w for _, w in FEMALE_MIDDLE])

    @staticmethod
    def _cum(weights: list[float]) -> list[float]:
        out, acc = [], 0.0
        for w in weights:
            acc += w
            out.append(acc)
        return out

    def _pick(self, items: list[str], cum: list[float]) -> str:
        return items[bisect(cum, self.rng.random() * cum[-1])]

    def surname(self) -> str:
        return self._pick(self.surnames, self.surname_w)

    def full_name(self, male: bool, surname: str | None = None) -> str:
        r = self.rng
        sur = surname or self.surname()
        mids, mid_w = (self.male_mid, self.male_mid_w) if male else (self.female_mid, self.female_mid_w)
        x = r.random()
        if x < 0.03:
            middle: list[str] = []
        elif x < 0.13:
            first = self._pick(mids, mid_w)
            second = self._pick(mids, mid_w)
            middle = [first] if second == first else [first, second]
        else:
            middle = [self._pick(mids, mid_w)]
        given = self._pick(
            *((self.male_given, self.male_given_w) if male else (self.female_given, self.female_given_w))
        )
        words = [sur, *middle, given]
        if r.random() < 0.15:
            words = [other_tone_style(w) for w in " ".join(words).split()]
        return " ".join(words)

    def entry(self) -> Entry:
        r = self.rng
        male = r.random() < 0.5
        sur = self.surname()
        name = self.full_name(male, sur)
        year = int(1930 + (2024 - 1930) * (r.random() ** 0.7))
        birth = date(year, r.randint(1, 12), r.randint(1, 28))
        x = r.random()
        if x < 0.80:
            rtype, reg_year = "khai_sinh", min(2024, year + (0 if r.random() < 0.8 else 1))
        elif x < 0.92:
            rtype, reg_year = "ket_hon", min(2024, year + r.randint(18, 35))
        else:
            rtype, reg_year = "khai_tu", min(2024, year + r.randint(30, 90))
        stored = name
        if r.random() < 0.03:
            stored, _ = ocr_errors(name, r, 1)
        return Entry(
            true_name=name,
            name=stored,
            male=male,
            birth=birth,
            mother=self.full_name(False),
            father=self.full_name(True, sur),
            register_type=rtype,
            reg_year=reg_year,
            commune=r.choice(COMMUNES),
        )
