"""Shared fixtures: a fresh data folder and settings per test, page images rendered on the fly,
and a PostgreSQL database on 127.0.0.1:5432 (created by scripts/setup-postgres.sh)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
# Tests never read a developer's sohoa.toml or SOHOA_* variables.
for _k in [k for k in os.environ if k.startswith("SOHOA_") and k != "SOHOA_TEST_PG_URL"]:
    del os.environ[_k]
os.environ["SOHOA_CONFIG"] = ""
# The committed SANE configuration (test and pnm backends only): libsane reads it once per
# process, and only scan child processes load libsane, so setting it here reaches all of them
# even when pytest is run directly rather than through `make test` (which exports it too).
os.environ["SANE_CONFIG_DIR"] = str(Path(__file__).resolve().parent / "sane")

from config import Settings  # noqa: E402
from sohoa.app import App  # noqa: E402

PG_URL = os.environ.get("SOHOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sohoa_test")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.chdir(tmp_path)
    s = Settings(data_dir=tmp_path / "data", workers=2)
    s.ensure_dirs()
    return s


@pytest.fixture
def app(settings: Settings) -> Iterator[App]:
    a = App(settings)
    yield a
    a.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test (dropped afterwards)."""
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as c:
        c.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema},public"
    with admin.begin() as c:
        c.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()
