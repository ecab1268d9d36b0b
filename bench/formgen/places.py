"""Real Vietnamese administrative units for the form generator, read from the bundled database of
the ``vietnamadminunits`` package (MIT; 63 provinces / ~10,000 communes before 1 July 2025, 34
provinces / 3,321 communes after). Nothing here is typed from memory.

Guarantees: every unit returned exists in that database with its official name; a commune before
1 July 2025 comes with its own district and province; one after comes with its own province and no
district (as documents issued after the merger print it). Hamlets (thôn, ấp, tổ dân phố) are not in
any national list: they are numbered (``Thôn 4``) or named after another commune's short name of the
same district, so they are plausible but never claimed to be real.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files


@dataclass(frozen=True)
class Unit:
    """One commune with its parents, names as the database spells them (``Xã Tân Phú``)."""

    ward: str
    ward_type: str
    ward_short: str
    district: str | None
    district_type: str | None
    district_short: str | None
    province: str
    province_short: str
    province_code: str  # 2-digit GSO code (legacy scheme before 2025-07-01, new after)
    legacy: bool

    def lower_type(self, name: str, kind: str) -> str:
        """``Xã Tân Phú`` -> ``xã Tân Phú`` (how an address line prints inner units)."""
        return kind.lower() + name[len(kind) :] if name.startswith(kind) else name

    @property
    def province_lc(self) -> str:
        kind = "Thành phố" if self.province.startswith("Thành phố") else "Tỉnh"
        return self.lower_type(self.province, kind)

    @property
    def ward_lc(self) -> str:
        return self.lower_type(self.ward, self.ward_type)

    @property
    def district_lc(self) -> str | None:
        if self.district is None or self.district_type is None:
            return None
        return self.lower_type(self.district, self.district_type)

    def address(self, hamlet: str | None = None, title: bool = False) -> str:
        """``Thôn 4, xã Tân Phú, huyện Tân Trụ, tỉnh Long An`` (no district after the merger);
        ``title``: the kinds capitalised as some software prints them (``Xã Tân Phú, Huyện …``)."""
        parts = [hamlet] if hamlet else []
        parts.append(self.ward if title else self.ward_lc)
        if self.district_lc:
            parts.append(self.district if title and self.district else self.district_lc)
        parts.append(self.province if title else self.province_lc)
        return ", ".join(parts)


KINDS = ("Thành phố", "Thị xã", "Thị trấn", "Đặc khu", "Quận", "Huyện", "Phường", "Xã", "Tỉnh")


def canonical(name: str, kind: str | None) -> tuple[str, str | None]:
    """The unit's kind as its name spells it, in the usual case (``Thị Xã Buôn Hồ`` -> ``Thị xã Buôn
    Hồ``, kind ``Thị xã``): the database has a few names whose case or kind column disagree."""
    for k in KINDS:
        if name.lower().startswith(k.lower() + " "):
            return k + name[len(k) :], k
    return name, kind


def _db_path() -> str:
    return str(files("vietnamadminunits") / "data" / "dataset.db")


@lru_cache(maxsize=2)
def all_units(legacy: bool) -> tuple[Unit, ...]:
    con = sqlite3.connect(f"file:{_db_path()}?mode=ro", uri=True)
    try:
        if legacy:
            rows = con.execute(
                "SELECT ward, wardType, wardShort, district, districtType, districtShort, province,"
                " provinceShort, provinceCode FROM admin_units_legacy WHERE ward IS NOT NULL AND wardType IS NOT NULL"
                " ORDER BY wardCode"
            ).fetchall()
        else:
            rows = [
                (w, wt, ws, None, None, None, p, ps, pc)
                for (w, wt, ws, p, ps, pc) in con.execute(
                    "SELECT ward, wardType, wardShort, province, provinceShort, provinceCode FROM admin_units"
                    " WHERE ward IS NOT NULL AND wardType IS NOT NULL ORDER BY wardCode"
                )
            ]
    finally:
        con.close()
    out = []
    for w, wt, ws, d, dt, ds, p, ps, pc in rows:
        w, wt = canonical(w, wt)
        if d is not None:
            d, dt = canonical(d, dt)
        out.append(
            Unit(
                ward=w,
                ward_type=wt,
                ward_short=ws,
                district=d,
                district_type=dt,
                district_short=ds,
                province=p,
                province_short=ps,
                province_code=pc,
                legacy=legacy,
            )
        )
    if len(out) < 3000:
        raise RuntimeError(f"vietnamadminunits database looks incomplete ({len(out)} communes)")
    return tuple(out)


def pick_unit(rng: random.Random, legacy: bool = True) -> Unit:
    return rng.choice(all_units(legacy))


def neighbour(rng: random.Random, unit: Unit) -> Unit:
    """Another commune of the same district (legacy) or province (new), or the unit itself."""
    same = [
        u
        for u in all_units(unit.legacy)
        if u.province == unit.province and u.district == unit.district and u.ward != unit.ward
    ]
    return rng.choice(same) if same else unit


def hamlet(rng: random.Random, unit: Unit) -> str:
    """A plausible hamlet / street-group line for an address in ``unit``."""
    x = rng.random()
    if unit.ward_type == "Phường" or unit.ward_type == "Thị trấn":
        if x < 0.5:
            return f"Tổ dân phố {rng.randint(1, 25)}"
        if x < 0.8:
            return f"Khu phố {rng.randint(1, 12)}"
        return f"Số {rng.randint(1, 320)}, tổ {rng.randint(1, 30)}"
    kind = rng.choice(["Thôn", "Thôn", "Ấp", "Xóm", "Bản", "Thôn"])
    if x < 0.55:
        return f"{kind} {rng.randint(1, 14)}"
    other = neighbour(rng, unit)
    return f"{kind} {other.ward_short}"


def syllables() -> list[str]:
    """Every distinct syllable of the communes' short names: real Vietnamese syllables, rare ones
    included (used to make rare given names)."""
    seen: dict[str, None] = {}
    for u in all_units(True):
        for s in u.ward_short.split():
            if s.isalpha() and s[0].isupper() and len(s) > 1:
                seen.setdefault(s, None)
    return list(seen)
