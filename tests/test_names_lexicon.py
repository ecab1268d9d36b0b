"""The personal-name lexicons are built from vendored public name lists by scripts/build_names.py,
never typed by hand: the committed files are exactly the script's output, each records its sources,
licences, commits and counts; and with the bigger lists the trust rule still holds — a valid
syllable is never changed, however rare, and an impossible one is repaired only towards exactly
one candidate."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from indexer.fields import lexicon
from indexer.fields.names import read_name

ROOT = Path(__file__).resolve().parent.parent
FILES = ("surnames.txt", "middle_names.txt", "given_names.txt")


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_names", ROOT / "scripts" / "build_names.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_build_script_reproduces_the_committed_name_files() -> None:
    built = _script().build()
    assert set(built) == set(FILES)
    for name in FILES:
        assert (lexicon.DATA / name).read_text(encoding="utf-8") == built[name], f"{name}: rerun build_names.py"


def test_the_build_script_check_mode_sees_a_stale_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    for src in (lexicon.DATA / "sources").iterdir():
        (data / "sources" / src.name).write_bytes(src.read_bytes())
    mod = _script()
    assert mod.main(["--data", str(data)]) == 0
    assert mod.main(["--data", str(data), "--check"]) == 0
    (data / "given_names.txt").write_text("Lan\t1\n", encoding="utf-8")  # a hand edit
    assert mod.main(["--data", str(data), "--check"]) == 1


@pytest.mark.parametrize("name", FILES)
def test_each_name_file_records_source_licence_commit_and_counts(name: str) -> None:
    text = (lexicon.DATA / name).read_text(encoding="utf-8")
    head = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    entries = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert "scripts/build_names.py" in head and "MIT" in head
    assert "duyet/vietnamese-namedb" in head and "vn-fullname-generator 0.0.2" in head
    assert f"Counts: {len(entries)} " in head
    assert all("\t" in e for e in entries)


def test_the_lists_are_bigger_than_the_old_hand_lists_and_keep_the_common_names() -> None:
    sur, mid, giv = lexicon.surnames(), lexicon.middle_names(), lexicon.given_names()
    assert len(sur.entries) > 150 and len(mid.entries) > 200 and len(giv.entries) > 300
    for s in ("Nguyễn", "Trần", "Lê", "Huỳnh", "Võ", "Tôn Thất", "Âu Dương", "Giàng", "Khúc"):
        assert s in sur, s
    assert "Thị" in mid and "Văn" in mid
    assert sur.weights["Nguyễn"] > sur.weights["Trần"] > sur.weights["Khúc"]
    # the crawler's web-page tokens in the vendored surname list are dropped by rule
    assert not {"icon", "opacity", "Fàng", "me", "my"} & {e for e in sur.entries}


# -- the trust rule, with rare but real names of the new lists --------------------------------------


@pytest.mark.parametrize("name", ["KHÚC VĂN CHƯỞNG", "Sầm Thị Hoán", "TÔN NỮ BỔNG", "MÂU ẤU DUỆ"])
def test_rare_real_names_from_the_lists_are_never_changed(name: str) -> None:
    r = read_name(name)
    assert r.text == name
    assert not r.changes and not r.unknown


def test_an_impossible_syllable_is_repaired_to_the_one_rare_surname_it_can_be() -> None:
    r = read_name("KHUC VĂN CHƯỞNG")  # 'KHUC' is no syllable; of the surnames only Khúc has its letters
    assert r.text == "KHÚC VĂN CHƯỞNG"
    assert r.changes and any("KHÚC" in p for p in r.problems)


def test_an_impossible_syllable_with_two_candidates_stays_and_is_flagged() -> None:
    r = read_name("LÊ BUU LỘC")  # Bửu and Bữu are both in the lists
    assert r.text == "LÊ BUU LỘC"
    assert not r.changes
    assert any("Bửu".lower() in p.lower() and "bữu" in p.lower() for p in r.problems)


def test_a_rare_surname_with_the_same_letters_does_not_stop_the_surname_repair() -> None:
    # Hơ (a Mông surname, 0.02 %) now shares Hồ's letters; Hồ (1.5 %) is far commoner, so the
    # surname-place repair still happens — and is flagged.
    assert "Hơ" in lexicon.surnames()
    r = read_name("HÔ BẢO ÁNH")
    assert r.text == "HỒ BẢO ÁNH"
    assert any("HỒ" in p for p in r.problems)


def test_a_rare_list_entry_with_a_far_commoner_spelling_is_kept_and_the_commoner_offered() -> None:
    r = read_name("TẠ TIỀN XUÂN")  # Tiền: one dictionary name; Tiến: five
    assert r.text == "TẠ TIỀN XUÂN" and not r.changes
    assert any("TIẾN" in p for p in r.problems)
