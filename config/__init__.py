"""sohoa's one typed settings model: ``sohoa.toml`` plus ``SOHOA_*`` environment variables."""

from config.settings import (
    CaptureSettings,
    LimitSettings,
    OcrSettings,
    Settings,
    SettingsError,
    load_settings,
)

__all__ = [
    "CaptureSettings",
    "LimitSettings",
    "OcrSettings",
    "Settings",
    "SettingsError",
    "load_settings",
]
