"""The settings model.

Sources, strongest first: keyword arguments (tests), ``SOHOA_*`` environment variables (nested
sections with ``__``: ``SOHOA_OCR__LANGUAGES=vie+eng``), the TOML file (``SOHOA_CONFIG`` or
``./sohoa.toml``), then the defaults below. Relative paths are taken from the directory the
program was started in. Invalid values raise :class:`SettingsError` with one line per problem.
"""

from __future__ import annotations

import os
from datetime import date as _date
from datetime import time as _time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
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
    osd_min_confidence: float = Field(2.0, ge=0, description="below this Tesseract OSD confidence a page is not turned")
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
        2.0, gt=0, le=600, description="size and mtime unchanged this long after the last write or close (and polling)"
    )
    settle_seconds: float = Field(
        1.0, ge=0, le=600, description="a file moved in (no close event) is taken after this quiet time"
    )
    rescan_seconds: float = Field(60.0, ge=1, description="full rescan of the hot folder")
    remove_imported: bool = Field(False, description="sohoa import: remove the files it took")
    min_free_mb: float = Field(
        500.0, ge=0, description="below this much free space in data_dir the hot folder pauses (0: never)"
    )


class LimitSettings(BaseModel):
    model_config = {"extra": "forbid"}

    max_file_mb: float = Field(500, gt=0, description="larger files are quarantined")
    max_pixels: int = Field(150_000_000, gt=0, description="more pixels per page than this is a decompression bomb")
    max_pages: int = Field(2000, gt=0, description="more pages in one file are quarantined")
    max_attempts: int = Field(3, ge=1, le=20, description="a failing page is retried this often")


class WebSettings(BaseModel):
    """The clerk's web desk (``sohoa run`` serves it beside the watcher and workers)."""

    model_config = {"extra": "forbid"}

    enabled: bool = Field(True, description="serve the web desk in `sohoa run`")
    host: str = Field("127.0.0.1", description="address to listen on; 0.0.0.0 for the office network")
    port: int = Field(8000, ge=1, le=65535)
    secret_key_file: Path | None = Field(
        None, description="signs CSRF tokens; None: web-secret.key in data_dir, made at first start (0600)"
    )
    session_hours: float = Field(10.0, gt=0, le=24 * 30, description="a login lasts at most this long")
    idle_minutes: float = Field(60.0, gt=0, description="a login unused this long ends")
    secure_cookies: bool = Field(False, description="send cookies over HTTPS only (behind a TLS proxy)")
    login_max_failures: int = Field(5, ge=1, description="failed logins per username within the window")
    login_max_failures_ip: int = Field(20, ge=1, description="failed logins per client address within the window")
    login_window_minutes: float = Field(15.0, gt=0)
    login_max_delay_seconds: float = Field(
        60.0, gt=0, le=3600, description="past the free failures each try waits 2, 4, 8 ... s, at most this"
    )
    login_max_concurrent_checks: int = Field(4, ge=1, le=64, description="password checks at the same moment")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="addresses of reverse proxies whose X-Forwarded-For is believed; none: the header is ignored",
    )
    timezone: str = Field("Asia/Ho_Chi_Minh", description="times shown and 'today' on the desk")
    api_requests_per_minute: float = Field(
        600.0, gt=0, description="JSON API calls per token and minute (refilled evenly)"
    )
    api_burst: int = Field(60, ge=1, le=100_000, description="JSON API calls a token may make at once before the limit")

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}, e.g. 'Asia/Ho_Chi_Minh'") from None
        return v


DEFAULT_SCAN_PROFILES: dict[str, dict[str, object]] = {
    # Dossiers handed in at the counter: grey, 300 dpi, from the feeder, both sides when the
    # scanner can (blank back sides are kept out of OCR), split by separator sheets.
    "intake": {"source": "feeder", "duplex": "auto", "mode": "gray", "resolution": 300, "page_size": "A4"},
    # Bound registers and fragile originals: colour, 400 dpi, on the glass, one page at a time.
    "book": {
        "source": "flatbed",
        "duplex": "off",
        "mode": "color",
        "resolution": 400,
        "page_size": "A4",
        "drop_blank_backs": False,
        "split_on_separator": False,
    },
}


class ScanProfileSettings(BaseModel):
    """One named scan profile (``[scanner.profiles.NAME]`` in sohoa.toml)."""

    model_config = {"extra": "forbid"}

    source: Literal["feeder", "flatbed", "auto"] = Field(
        "feeder", description="feeder (ADF), flatbed (glass), or auto: the feeder when the device has one"
    )
    duplex: Literal["auto", "on", "off"] = Field("auto", description="both sides: auto = when the device can")
    mode: Literal["gray", "color", "lineart"] = "gray"
    resolution: int = Field(300, ge=50, le=1200, description="dpi; checked against the device at scan time")
    page_size: Literal["A3", "A4", "A5", "B5", "letter", "legal", "max"] = "A4"
    back_rotation: int = Field(0, description="turn back sides clockwise by 0, 90, 180 or 270 degrees")
    drop_blank_backs: bool = Field(True, description="keep blank back sides out of OCR (stored and listed)")
    split_on_separator: bool = Field(True, description="a separator sheet (sohoa separator) starts a new dossier")
    options: dict[str, str | bool | int | float] = Field(
        default_factory=dict, description="raw SANE options of the device, set last, in this order"
    )

    @field_validator("back_rotation")
    @classmethod
    def _rotation(cls, v: int) -> int:
        if v % 360 not in (0, 90, 180, 270):
            raise ValueError("back_rotation must be 0, 90, 180 or 270")
        return v % 360

    @model_validator(mode="after")
    def _consistent(self) -> ScanProfileSettings:
        if self.source == "flatbed" and self.duplex == "on":
            raise ValueError("duplex = 'on' needs source = 'feeder' or 'auto' (a flatbed scans one side)")
        return self


class ScannerSettings(BaseModel):
    model_config = {"extra": "forbid"}

    device: str | None = Field(None, description="SANE device name (sohoa scanners); None: the first found")
    default_profile: str = Field("intake", description="the profile sohoa scan uses without --profile")
    sane_config_dir: Path | None = Field(None, description="a private SANE configuration folder (SANE_CONFIG_DIR)")
    open_timeout_s: float = Field(30.0, gt=0, le=600, description="opening the device and setting the profile")
    page_timeout_s: float = Field(90.0, gt=0, le=3600, description="a page taking longer means the device hung")
    profiles: dict[str, ScanProfileSettings] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _merge_defaults(cls, data: object) -> object:
        """The built-in profiles stay unless redefined; a redefined one changes only the keys given."""
        if not isinstance(data, dict):
            return data
        given = data.get("profiles") or {}
        if not isinstance(given, dict):
            return data
        merged: dict[str, object] = {}
        for name, base in DEFAULT_SCAN_PROFILES.items():
            over = given.get(name)
            if isinstance(over, BaseModel):
                over = over.model_dump(exclude_unset=True)
            merged[name] = {**base, **over} if isinstance(over, dict) else (over if over is not None else dict(base))
        for name, prof in given.items():
            if name not in merged:
                merged[name] = prof
        return {**data, "profiles": merged}

    @field_validator("profiles")
    @classmethod
    def _names(cls, v: dict[str, ScanProfileSettings]) -> dict[str, ScanProfileSettings]:
        for name in v:
            if not name or not all(c.isalnum() or c in "-_" for c in name) or len(name) > 60:
                raise ValueError(f"profile name {name!r}: use letters, digits, - and _ (at most 60)")
        return v

    @field_validator("sane_config_dir")
    @classmethod
    def _abs(cls, v: Path | None) -> Path | None:
        return v.expanduser().absolute() if v is not None else None

    @model_validator(mode="after")
    def _default_exists(self) -> ScannerSettings:
        if self.default_profile not in self.profiles:
            raise ValueError(
                f"default_profile {self.default_profile!r} is not a profile ({', '.join(sorted(self.profiles))})"
            )
        return self


class EventsSettings(BaseModel):
    """Events out (``sohoa/events.py``): a document indexed, needing review, filed or quarantined is
    told to other software — POSTed to ``webhook_url`` (signed with ``secret``), else, with a broker,
    added to the Redis stream ``redis_stream`` on it; else kept ``keep_days`` for later."""

    model_config = {"extra": "forbid"}
    webhook_url: str | None = Field(None, description="http(s)://…: each event POSTed here as JSON")
    secret: SecretStr | None = Field(
        None, description="shared secret of the HMAC-SHA256 signature (X-Sohoa-Signature); required with webhook_url"
    )
    redis_stream: str = Field(
        "sohoa-events",
        pattern=r"^[A-Za-z0-9_.:-]{1,80}$",
        description="with broker_url and no webhook_url: the Redis stream events are added to (XADD)",
    )
    stream_maxlen: int = Field(100_000, ge=100, description="the stream is trimmed to about this many events")
    timeout_s: float = Field(10.0, gt=0, le=300, description="one delivery attempt at most this long")
    retry_base_s: float = Field(2.0, gt=0, description="first retry after this long, then doubling")
    retry_max_s: float = Field(3600.0, gt=0, description="retries at least this often, for as long as it takes")
    poll_s: float = Field(2.0, gt=0, le=60, description="how often sohoa run looks for events to send")
    keep_days: float = Field(30.0, gt=0, description="delivered events (and, without a target, all) kept this long")

    @field_validator("webhook_url")
    @classmethod
    def _http(cls, v: str | None) -> str | None:
        if not v:
            return None
        if not v.startswith(("http://", "https://")):
            raise ValueError("webhook_url must start with http:// or https://")
        return v

    @model_validator(mode="after")
    def _signed(self) -> EventsSettings:
        if self.webhook_url and not (self.secret and self.secret.get_secret_value()):
            raise ValueError("events.secret is required with events.webhook_url (the receiver checks the signature)")
        return self


class OfficeSettings(BaseModel):
    """The office that receives dossiers (bộ phận một cửa of the commune): what its intake receipts
    (Giấy tiếp nhận hồ sơ và hẹn trả kết quả, Mẫu 01) print, and the days it does not work."""

    model_config = {"extra": "forbid"}

    agency_code: str | None = Field(
        None,
        pattern=r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$",
        description="the office's code (TT 10/2016/TT-BTTTT), e.g. 000.17.31.H42: the head of every dossier code; "
        "None: the desk issues no receipt",
    )
    name: str = Field("", description="the office as the receipt's header names it, e.g. 'UBND xã Phú Lộc'")
    place: str = Field("", description="the place name of the receipt's date line, e.g. 'Phú Lộc'")
    result_place: str = Field("Bộ phận tiếp nhận và trả kết quả", description="where the citizen collects the result")
    holidays: list[_date] = Field(
        default_factory=list, description="public holidays and Tết days off (weekends are never working days)"
    )
    same_day_until: _time = Field(
        _time(15, 0), description="a same-day procedure received later than this is due the next working day"
    )
    closing_time: _time = Field(_time(17, 0), description="results are handed out until this time on the due day")
    processing_days: dict[str, int] = Field(
        default_factory=dict,
        description="working days per procedure (indexer.procedures keys), overriding the defaults there",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SOHOA_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    data_dir: Path = Field(Path("sohoa-data"), description="inbox, originals, archive, quarantine")
    database_url: str | None = Field(None, description="None: SQLite file sohoa.db in data_dir")
    broker_url: str | None = Field(
        None, description="redis://host:6379/0: pages are OCR'd by Celery workers (sohoa worker); None: in-process"
    )
    broker_queue: str = Field(
        "sohoa",
        pattern=r"^[A-Za-z0-9_.-]{1,60}$",
        description="the Celery queue (one per installation sharing a Redis)",
    )
    store_behind: Literal["auto", "on", "off"] = Field(
        "auto",
        description="a Celery worker process stores a page while it OCRs the next: "
        "auto = when it runs fewer OCR processes than the machine has cores",
    )
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, le=256)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    fixity_every_days: float = Field(
        7.0, ge=0, description="sohoa run checks the stored files and the audit chain this often (0: never)"
    )
    ocr: OcrSettings = OcrSettings()
    capture: CaptureSettings = CaptureSettings()
    limits: LimitSettings = LimitSettings()
    scanner: ScannerSettings = ScannerSettings()
    web: WebSettings = WebSettings()
    events: EventsSettings = EventsSettings()
    office: OfficeSettings = OfficeSettings()

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
            v = "postgresql+psycopg://" + v[len("postgresql://") :]
        return v

    @field_validator("broker_url")
    @classmethod
    def _broker(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        if not v.startswith(("redis://", "rediss://", "redis+socket://")):
            raise ValueError("broker_url must start with redis:// (or rediss://, redis+socket://)")
        return v

    @model_validator(mode="after")
    def _paths(self) -> Settings:
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
    def web_secret_path(self) -> Path:
        return self.web.secret_key_file or self.data_dir / "web-secret.key"

    @property
    def web_cache_dir(self) -> Path:
        return self.data_dir / "cache" / "web"

    @property
    def scan_spool_dir(self) -> Path:
        """Pages from the scanner wait here (fsynced) for the instant until intake takes them."""
        return self.data_dir / "scanning"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'sohoa.db'}"

    def ensure_dirs(self) -> None:
        # The data folder holds ID numbers: the owner's alone (0700), whatever the umask.
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.data_dir.stat().st_mode & 0o077:
            self.data_dir.chmod(0o700)
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
