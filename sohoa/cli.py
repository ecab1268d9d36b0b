"""The ``sohoa`` command. Each subcommand only wires the packages together."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from config import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from sohoa.app import App


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


@cli.command("run")
@click.option("--samples", is_flag=True, help="lần đầu: đặt vài ảnh quét mẫu vào hộp nhận")
@click.option("--once", is_flag=True, help="xử lý hết những gì đang có rồi dừng")
@click.pass_context
def run_cmd(ctx: click.Context, samples: bool, once: bool) -> None:
    """Theo dõi hộp nhận, nhận dạng và lập chỉ mục (chạy đến khi Ctrl+C)."""
    from sohoa.commands.run_cmd import run

    with _app(ctx) as app:
        sys.exit(run(app, samples=samples, once=once))


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--move", is_flag=True, help="xóa tệp gốc sau khi đã lưu an toàn")
@click.option("--process", "process_now", is_flag=True, help="nhận dạng ngay, chờ đến khi xong")
@click.pass_context
def import_cmd(ctx: click.Context, paths: tuple[Path, ...], move: bool, process_now: bool) -> None:
    """Nhận tệp và thư mục như hộp nhận (có thanh tiến độ)."""
    from sohoa.commands import import_cmd as cmd
    from sohoa.runner import Runner

    with _app(ctx) as app:
        rc = cmd.run(app, list(paths), remove=move or app.settings.capture.remove_imported)
        if process_now:
            Runner(app, watch=False).run(once=True)
        sys.exit(rc)


@cli.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", default=20, show_default=True)
@click.pass_context
def search_cmd(ctx: click.Context, query: tuple[str, ...], limit: int) -> None:
    """Tìm trang theo nội dung, ví dụ tên công dân, có hoặc không dấu."""
    from sohoa.commands.search_cmd import run

    with _app(ctx) as app:
        sys.exit(run(app, " ".join(query), limit))


@cli.command("status")
@click.pass_context
def status_cmd(ctx: click.Context) -> None:
    """Hàng đợi, trang lỗi và tệp bị cách ly kèm lý do."""
    from sohoa.commands.status_cmd import show

    with _app(ctx) as app:
        show(app)


@cli.command("retry")
@click.option("--document", "document_id", type=int, default=None, help="chỉ hồ sơ này")
@click.pass_context
def retry_cmd(ctx: click.Context, document_id: int | None) -> None:
    """Đưa các trang lỗi trở lại hàng đợi."""
    from indexer.results import retry_failed

    with _app(ctx) as app:
        n = retry_failed(app.db, document_id)
        click.echo(f"Đã đưa {n} trang trở lại hàng đợi; chạy `sohoa run` để xử lý.")


@contextmanager
def _app(ctx: click.Context) -> Iterator["App"]:
    from sohoa.app import App

    app = App(_settings(ctx))
    try:
        yield app
    finally:
        app.close()


def main() -> None:
    cli(prog_name="sohoa")


if __name__ == "__main__":
    main()
