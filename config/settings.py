"""The settings model.

Sources, strongest first: keyword arguments (tests), ``SOHOA_*`` environment variables (nested
sections with ``__``: ``SOHOA_OCR__LANGUAGES=vie+eng``), the TOML file (``SOHOA_CONFIG`` or
``./sohoa.toml``), then the defaults below. Relative paths are taken from the directory the
program was started in. Invalid values raise :class:`SettingsError` with one line per problem.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_ENV = "SOHOA_CONFIG"
DEFAULT_CONFIG_FILE = "sohoa.toml"


class SettingsError(Exception):
    """Settings that cannot be used; the message names every bad value."""


class OcrSettings(BaseModel):
    model_config = {"extra": "forbid"}

    languages: str = Field("vie", description="Tesseract languages, joined with +")
    engine: Literal["tesserocr", "pytesseract"] = Field(
        "tesserocr", description="in-process tesserocr, or the tesseract program via pytesseract"
    )
    tessdata_dir: Path | None = Field(None, description="folder of *.traineddata; None: Debian's")
    pdf_dpi: int = Field(300, ge=72, le=600, description="resolution PDF pages are rendered at")
    osd_min_confidence: float = Field(
        2.0, ge=0, description="below this Tesseract OSD confidence a page is not turned"
    )
    searchable_pdf: bool = Field(True, description="write a searchable PDF of every page")
    page_timeout_s: int = Field(300, ge=10, description="a page taking longer is stopped and retried")

    @field_validator("languages")
    @classmethod
    def _languages(cls, v: str) -> str:
        parts = [p.strip() for p in v.split("+")]
        if not parts or any(not p or not p.replace("_", "").isalnum() for p in parts):
            raise ValueError("languages are Tesseract codes joined with '+', e.g. 'vie' or 'vie+eng'")
        return "+".join(parts)


class CaptureSettings(BaseModel):
    model_config = {"extra": "forbid"}

    watch_mode: Literal["inotify", "polling"] = Field(
        "inotify", description="polling for network shares (SMB/NFS), which send no inotify events"
    )
    stable_seconds: float = Field(
        2.0, gt=0, le=600, description="polling mode: size and mtime unchanged this long"
    )
    settle_seconds: float = Field(
        1.0, ge=0, le=600, description="a file moved in (no close event) is taken after this quiet time"
    )
    rescan_seconds: float = Field(60.0, ge=1, description="full rescan of the hot folder")
    remove_imported: bool = Field(False, description="sohoa import: remove the files it took")


class LimitSettings(BaseModel):
    model_config = {"extra": "forbid"}

    max_file_mb: float = Field(500, gt=0, description="larger files are quarantined")
    max_pixels: int = Field(
        150_000_000, gt=0, description="more pixels per page than this is a decompression bomb"
    )
    max_pages: int = Field(2000, gt=0, description="more pages in one file are quarantined")
    max_attempts: int = Field(3, ge=1, le=20, description="a failing page is retried this often")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SOHOA_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    data_dir: Path = Field(Path("sohoa-data"), description="inbox, originals, archive, quarantine")
    database_url: str | None = Field(None, description="None: SQLite file sohoa.db in data_dir")
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, le=256)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    ocr: OcrSettings = OcrSettings()
    capture: CaptureSettings = CaptureSettings()
    limits: LimitSettings = LimitSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file())
        return (init_settings, env_settings, toml)

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, v: Path) -> Path:
        return v.expanduser().absolute()

    @field_validator("database_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        if not v.startswith(("sqlite:", "sqlite+pysqlite:", "postgresql:", "postgresql+psycopg:")):
            raise ValueError("database_url must start with sqlite:/// or postgresql+psycopg://")
        if v.startswith("postgresql://"):
            v = "postgresql+psycopg://" + v[len("postgresql://"):]
        return v

    @model_validator(mode="after")
    def _paths(self) -> "Settings":
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise ValueError(f"data_dir {self.data_dir} exists and is not a folder")
        return self

    # Derived locations -------------------------------------------------------------------------
    @property
    def inbox_dir(self) -> Path:
        return self.data_dir / "inbox"

    @property
    def originals_dir(self) -> Path:
        return self.data_dir / "originals"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def quarantine_dir(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'sohoa.db'}"

    def ensure_dirs(self) -> None:
        for d in (self.inbox_dir, self.originals_dir, self.archive_dir, self.quarantine_dir):
            d.mkdir(parents=True, exist_ok=True)


def config_file() -> Path:
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_FILE)


def load_settings(**overrides: object) -> Settings:
    """Read the settings, or raise SettingsError naming every invalid value and its source."""
    path = config_file()
    if os.environ.get(CONFIG_ENV) and not path.is_file():
        raise SettingsError(f"{CONFIG_ENV}={path}: không tìm thấy tệp cấu hình (file not found)")
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "(settings)"
            env = "SOHOA_" + "__".join(str(p) for p in err["loc"]).upper()
            lines.append(f"  {loc} (env {env}): {err['msg']}; input={err.get('input')!r}")
        raise SettingsError(
            f"Cấu hình không hợp lệ (invalid settings) in {path if path.is_file() else 'environment'}:\n"
            + "\n".join(lines)
        ) from None
    except (OSError, ValueError) as exc:  # unreadable or malformed TOML
        raise SettingsError(f"Không đọc được tệp cấu hình {path}: {exc}") from None
