"""The ``sohoa`` command. Each subcommand only wires the packages together."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from config import Settings, SettingsError, load_settings


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(ctx: click.Context) -> None:
    """sohoa — số hóa hồ sơ hộ tịch: nhận ảnh quét, nhận dạng chữ (OCR), lập chỉ mục, tra cứu."""
    ctx.ensure_object(dict)
    try:
        ctx.obj["settings"] = load_settings()
    except SettingsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    from sohoa.logsetup import setup_logging

    setup_logging(ctx.obj["settings"].log_level)


@cli.command("config")
@click.pass_context
def config_cmd(ctx: click.Context) -> None:
    """In cấu hình đang dùng (print the effective settings)."""
    from sohoa.commands.config_cmd import show

    show(_settings(ctx))


@cli.command("process")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="thư mục kết quả (một JSON mỗi trang)")
@click.option("--pdf/--no-pdf", default=True, help="ghi kèm PDF tìm kiếm được cho mỗi trang")
@click.option("--workers", type=int, default=None, help="số tiến trình (mặc định: theo cấu hình)")
@click.pass_context
def process_cmd(ctx: click.Context, paths: tuple[Path, ...], out_dir: Path, pdf: bool, workers: int | None) -> None:
    """Nhận dạng tệp/thư mục, ghi một JSON mỗi trang vào --out (không dùng cơ sở dữ liệu)."""
    from sohoa.commands.process_cmd import process

    sys.exit(process(_settings(ctx), list(paths), out_dir, pdf=pdf, workers=workers))


def main() -> None:
    cli(prog_name="sohoa")


if __name__ == "__main__":
    main()
