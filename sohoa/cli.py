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
@click.option("--limit", default=20, show_default=True, help="số người và số trang tối đa")
@click.option("--born", default=None, metavar="NĂM|NGÀY", help="năm sinh (1990) hoặc ngày sinh (02/07/1990)")
@click.option("--mother", default=None, help="tên mẹ (đủ hoặc một phần, có hoặc không dấu)")
@click.option("--father", default=None, help="tên cha")
@click.option("--type", "register_type", default=None, metavar="LOẠI",
              help="loại sổ: khai-sinh, ket-hon, khai-tu, hon-nhan, chung-thuc …")
@click.option("--year", type=int, default=None, help="năm đăng ký")
@click.option("--commune", default=None, help="xã/phường đăng ký")
@click.pass_context
def search_cmd(ctx: click.Context, query: tuple[str, ...], limit: int, born: str | None, mother: str | None,
               father: str | None, register_type: str | None, year: int | None, commune: str | None) -> None:
    """Tìm người theo tên (có hoặc không dấu, sai chính tả, lỗi OCR) và trang theo nội dung.

    Ví dụ: sohoa search nguyen van an --born 1990 --mother "le thi hoa"
    """
    from sohoa.commands.search_cmd import run

    with _app(ctx) as app:
        sys.exit(run(app, " ".join(query), limit, born=born, mother=mother, father=father,
                     register_type=register_type, year=year, commune=commune))


@cli.command("show")
@click.argument("document_id", type=int)
@click.pass_context
def show_cmd(ctx: click.Context, document_id: int) -> None:
    """In loại giấy tờ và các trường đã đọc của một hồ sơ (đánh dấu trường cần kiểm tra)."""
    from sohoa.commands.show_cmd import show

    with _app(ctx) as app:
        sys.exit(show(app, document_id))


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


@cli.group("user")
def user_group() -> None:
    """Tài khoản của bàn làm việc trên trình duyệt (clerk, archivist, admin)."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["clerk", "archivist", "admin"]), default="clerk", show_default=True,
              help="clerk: tiếp nhận, tra cứu; archivist: lưu trữ; admin: quản trị tài khoản và nhật ký")
@click.option("--full-name", default="", help="họ tên hiển thị")
@click.option("--password-stdin", is_flag=True, help="đọc mật khẩu từ dòng đầu của đầu vào chuẩn")
@click.pass_context
def user_add_cmd(ctx: click.Context, username: str, role: str, full_name: str, password_stdin: bool) -> None:
    """Tạo tài khoản (hỏi mật khẩu), ví dụ: sohoa user add admin --role admin."""
    from sohoa.commands import user_cmd

    with _app(ctx) as app:
        sys.exit(user_cmd.add(app, username, role, full_name, password_stdin))


@user_group.command("list")
@click.pass_context
def user_list_cmd(ctx: click.Context) -> None:
    """Liệt kê tài khoản."""
    from sohoa.commands import user_cmd

    with _app(ctx) as app:
        sys.exit(user_cmd.list_users(app))


@user_group.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="đọc mật khẩu từ dòng đầu của đầu vào chuẩn")
@click.pass_context
def user_passwd_cmd(ctx: click.Context, username: str, password_stdin: bool) -> None:
    """Đặt mật khẩu mới cho một tài khoản (kết thúc các phiên đăng nhập của họ)."""
    from sohoa.commands import user_cmd

    with _app(ctx) as app:
        sys.exit(user_cmd.passwd(app, username, password_stdin))


@user_group.command("deactivate")
@click.argument("username")
@click.pass_context
def user_deactivate_cmd(ctx: click.Context, username: str) -> None:
    """Khóa tài khoản (không xóa: nhật ký vẫn ghi tên họ)."""
    from sohoa.commands import user_cmd

    with _app(ctx) as app:
        sys.exit(user_cmd.set_active(app, username, False))


@user_group.command("activate")
@click.argument("username")
@click.pass_context
def user_activate_cmd(ctx: click.Context, username: str) -> None:
    """Mở khóa tài khoản."""
    from sohoa.commands import user_cmd

    with _app(ctx) as app:
        sys.exit(user_cmd.set_active(app, username, True))


@cli.command("web")
@click.option("--host", default=None, help="địa chỉ (mặc định: theo cấu hình, 127.0.0.1)")
@click.option("--port", type=int, default=None, help="cổng (mặc định: theo cấu hình, 8000)")
@click.pass_context
def web_cmd(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Chỉ chạy bàn làm việc trên trình duyệt (không theo dõi hộp nhận) — để phát triển."""
    from sohoa.web import desk_url
    from sohoa.web.server import serve_forever

    with _app(ctx) as app:
        s = app.settings
        click.echo(f"Bàn làm việc: {desk_url(host or s.web.host, port or s.web.port)}  (Ctrl+C để dừng)")
        serve_forever(app, host, port)


@cli.command("scanners")
@click.option("--details", is_flag=True, help="kèm nguồn giấy, chế độ màu, độ phân giải mỗi máy nhận")
@click.pass_context
def scanners_cmd(ctx: click.Context, details: bool) -> None:
    """Liệt kê máy quét (SANE) và các hồ sơ quét trong cấu hình."""
    from sohoa.commands import scan_cmd

    sys.exit(scan_cmd.scanners(_settings(ctx), details=details))


@cli.command("scan")
@click.option("--profile", "profile", default=None, help="hồ sơ quét trong cấu hình (mặc định: intake)")
@click.option("--device", default=None, help="tên máy quét theo `sohoa scanners` (mặc định: theo cấu hình, hoặc máy đầu tiên)")
@click.option("--resume", "resume", type=int, default=None, metavar="LÔ", help="quét tiếp lô bị dừng (kẹt giấy, mất kết nối...) vào cùng hồ sơ")
@click.option("--process", "process_now", is_flag=True, help="nhận dạng chữ ngay trong lúc quét, chờ đến khi xong")
@click.pass_context
def scan_cmd(ctx: click.Context, profile: str | None, device: str | None, resume: int | None, process_now: bool) -> None:
    """Quét các tờ trong khay nạp giấy (hoặc trên mặt kính) thành trang trong kho lưu trữ."""
    from sohoa.commands import scan_cmd as cmd

    with _app(ctx) as app:
        sys.exit(cmd.scan(app, profile=profile, device=device, resume=resume, process=process_now))


@cli.command("separator")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=Path("to-phan-cach-ho-so.pdf"),
              show_default=True, help="tệp PDF để in")
def separator_cmd(out: Path) -> None:
    """Tạo tờ phân cách hồ sơ (PDF có mã QR) để chia một lần quét thành nhiều hồ sơ."""
    from sohoa.commands import scan_cmd

    sys.exit(scan_cmd.separator(out))


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
