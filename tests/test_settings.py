"""Settings: TOML file, SOHOA_* environment, defaults; bad values stop the program with a clear message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from config import SettingsError, load_settings


def test_defaults_put_everything_under_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    s = load_settings()
    assert s.data_dir == tmp_path / "sohoa-data"
    assert s.db_url == f"sqlite:///{tmp_path / 'sohoa-data' / 'sohoa.db'}"
    assert s.inbox_dir.parent == s.quarantine_dir.parent == s.data_dir
    assert s.ocr.languages == "vie"
    assert s.workers >= 1


def test_toml_file_then_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sohoa.toml").write_text(
        'data_dir = "/srv/sohoa"\nworkers = 3\n[ocr]\nlanguages = "vie+eng"\n', encoding="utf-8"
    )
    monkeypatch.setenv("SOHOA_CONFIG", str(tmp_path / "sohoa.toml"))
    s = load_settings()
    assert (s.data_dir, s.workers, s.ocr.languages) == (Path("/srv/sohoa"), 3, "vie+eng")
    monkeypatch.setenv("SOHOA_WORKERS", "5")
    monkeypatch.setenv("SOHOA_OCR__LANGUAGES", "vie")
    s = load_settings()
    assert (s.workers, s.ocr.languages) == (5, "vie")


@pytest.mark.parametrize(
    ("env", "value", "needle"),
    [
        ("SOHOA_WORKERS", "0", "workers"),
        ("SOHOA_WORKERS", "many", "workers"),
        ("SOHOA_OCR__LANGUAGES", "vie eng", "ocr.languages"),
        ("SOHOA_DATABASE_URL", "mysql://x", "database_url"),
        ("SOHOA_CAPTURE__WATCH_MODE", "magic", "capture.watch_mode"),
    ],
)
def test_invalid_settings_name_the_bad_value(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: str, value: str, needle: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(env, value)
    with pytest.raises(SettingsError) as exc:
        load_settings()
    assert needle in str(exc.value)
    assert "không hợp lệ" in str(exc.value)


def test_unknown_key_in_toml_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sohoa.toml").write_text('data_dri = "typo"\n', encoding="utf-8")
    monkeypatch.setenv("SOHOA_CONFIG", str(tmp_path / "sohoa.toml"))
    with pytest.raises(SettingsError, match="data_dri"):
        load_settings()


def test_cli_fails_at_start_with_exit_2_and_prints_settings(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "SOHOA_WORKERS": "-1", "HOME": str(tmp_path)}
    bad = subprocess.run(
        [sys.executable, "-m", "sohoa.cli", "config"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert "workers" in bad.stderr and "SOHOA_WORKERS" in bad.stderr
    env["SOHOA_WORKERS"] = "3"
    ok = subprocess.run(
        [sys.executable, "-m", "sohoa.cli", "config"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    assert "workers = 3" in ok.stdout
    assert str(tmp_path / "sohoa-data" / "inbox") in ok.stdout
