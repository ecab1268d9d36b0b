"""``sohoa config``: the effective settings, and where each location is."""

from __future__ import annotations

import click

from config import Settings
from config.settings import config_file


def show(settings: Settings) -> None:
    path = config_file()
    click.echo(
        f"# tệp cấu hình: {path.absolute() if path.is_file() else '(không có, dùng mặc định và biến môi trường SOHOA_*)'}"
    )
    for key, value in settings.model_dump(mode="json").items():
        if isinstance(value, dict):
            click.echo(f"[{key}]")
            for k, v in value.items():
                click.echo(f"  {k} = {v!r}")
        else:
            click.echo(f"{key} = {value!r}")
    click.echo("# thư mục:")
    click.echo(f"  hộp nhận (inbox)      = {settings.inbox_dir}")
    click.echo(f"  bản gốc (originals)   = {settings.originals_dir}")
    click.echo(f"  lưu trữ (archive)     = {settings.archive_dir}")
    click.echo(f"  cách ly (quarantine)  = {settings.quarantine_dir}")
    click.echo(f"  cơ sở dữ liệu         = {_safe_url(settings.db_url)}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
