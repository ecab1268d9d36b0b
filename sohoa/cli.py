"""The ``sohoa`` command. Each subcommand only wires the packages together."""

from __future__ import annotations

import os
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


JSON_HELP = "một tài liệu JSON trên stdout cho chương trình khác đọc (khóa cố định, NFC; xem README)"
EXIT_HELP = (
    "\b\nMã thoát (mọi lệnh): 0 xong; 1 xong nhưng không tìm thấy gì hoặc có điều cần xem;\n"
    "2 không thực hiện được (sai tham số, không có hồ sơ/sổ/mục, cấu hình hay cơ sở dữ liệu hỏng).\n"
    "--json (search, show, status, file, book show, entry show): một tài liệu JSON trên stdout."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_HELP)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """sohoa — số hóa hồ sơ hộ tịch: nhận ảnh quét, nhận dạng chữ (OCR), lập chỉ mục, tra cứu."""
    ctx.ensure_object(dict)
    os.umask(0o077)  # every file sohoa makes (database, originals, archive, keys) is the owner's alone
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
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="thư mục kết quả (một JSON mỗi trang)",
)
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
    from sohoa.distributed import make_runner

    with _app(ctx) as app:
        rc = cmd.run(app, list(paths), remove=move or app.settings.capture.remove_imported)
        if process_now:  # with a broker: the pages go to the `sohoa worker` machines, and this waits for them
            make_runner(app, watch=False).run(once=True)
        sys.exit(rc)


@cli.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", default=20, show_default=True, help="số người và số trang tối đa")
@click.option("--born", default=None, metavar="NĂM|NGÀY", help="năm sinh (1990) hoặc ngày sinh (02/07/1990)")
@click.option("--mother", default=None, help="tên mẹ (đủ hoặc một phần, có hoặc không dấu)")
@click.option("--father", default=None, help="tên cha")
@click.option(
    "--type",
    "register_type",
    default=None,
    metavar="LOẠI",
    help="loại sổ: khai-sinh, ket-hon, khai-tu, hon-nhan, chung-thuc …",
)
@click.option("--year", type=int, default=None, help="năm đăng ký")
@click.option("--commune", default=None, help="xã/phường đăng ký")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def search_cmd(
    ctx: click.Context,
    query: tuple[str, ...],
    limit: int,
    born: str | None,
    mother: str | None,
    father: str | None,
    register_type: str | None,
    year: int | None,
    commune: str | None,
    as_json: bool,
) -> None:
    """Tìm người theo tên (có hoặc không dấu, sai chính tả, lỗi OCR) và trang theo nội dung.

    Ví dụ: sohoa search nguyen van an --born 1990 --mother "le thi hoa"

    Mã thoát: 0 tìm thấy; 1 không tìm thấy ai hay trang nào; 2 không thực hiện được.
    """
    from sohoa.commands.search_cmd import run

    with _app(ctx) as app:
        sys.exit(
            run(
                app,
                " ".join(query),
                limit,
                born=born,
                mother=mother,
                father=father,
                register_type=register_type,
                year=year,
                commune=commune,
                as_json_out=as_json,
            )
        )


@cli.command("show")
@click.argument("document_id", type=int)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def show_cmd(ctx: click.Context, document_id: int, as_json: bool) -> None:
    """In loại giấy tờ và các trường đã đọc của một hồ sơ (đánh dấu trường cần kiểm tra).

    Mã thoát: 0 đã in; 1 không có hồ sơ này; 2 không thực hiện được.
    """
    from sohoa.commands.show_cmd import show

    with _app(ctx) as app:
        sys.exit(show(app, document_id, as_json_out=as_json))


@cli.command("status")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def status_cmd(ctx: click.Context, as_json: bool) -> None:
    """Hàng đợi, trang lỗi và tệp bị cách ly kèm lý do.

    Mã thoát: 0 đã in; 2 không thực hiện được (cấu hình, cơ sở dữ liệu).
    """
    from sohoa.commands.status_cmd import show

    with _app(ctx) as app:
        sys.exit(show(app, as_json_out=as_json))


@cli.command("events")
@click.option("--send", is_flag=True, help="gửi ngay các sự kiện đến hạn")
@click.pass_context
def events_cmd(ctx: click.Context, send: bool) -> None:
    """Sự kiện gửi cho phần mềm khác (webhook hoặc luồng Redis): đang chờ, đã gửi; --send gửi ngay.

    Mã thoát: 0 xong; 1 còn sự kiện chưa gửi được (sẽ thử lại).
    """
    from sohoa.commands import events_cmd as cmd

    with _app(ctx) as app:
        sys.exit(cmd.run(app, send=send))


@cli.command("check")
@click.pass_context
def check_cmd(ctx: click.Context) -> None:
    """Kiểm tra toàn vẹn: băm lại bản gốc và tệp lưu trữ, kiểm tra chuỗi nhật ký (mã thoát 1 nếu có vấn đề)."""
    from sohoa.commands import check_cmd as cmd

    with _app(ctx) as app:
        sys.exit(cmd.run(app))


@cli.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def backup_cmd(ctx: click.Context, dest: Path) -> None:
    """Sao lưu cơ sở dữ liệu, bản gốc và tệp lưu trữ vào DEST (ổ USB, máy khác); lần sau chỉ chép phần mới."""
    from sohoa.commands import backup_cmd as cmd

    with _app(ctx) as app:
        sys.exit(cmd.run(app, dest))


@cli.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("data_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--database-url", default=None, help="bản sao lưu PostgreSQL: nạp vào cơ sở dữ liệu trống này")
@click.option("--snapshot", default=None, metavar="TÊN", help="bản nào (tên trong SRC/snapshots; mặc định: mới nhất)")
def restore_cmd(src: Path, data_dir: Path, database_url: str | None, snapshot: str | None) -> None:
    """Khôi phục bản sao lưu SRC vào thư mục dữ liệu DATA_DIR (trống), kiểm tra từng tệp theo mã băm."""
    from sohoa.commands import restore_cmd as cmd

    sys.exit(cmd.run(src, data_dir, database_url, snapshot))


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
@click.option(
    "--role",
    type=click.Choice(["clerk", "archivist", "admin"]),
    default="clerk",
    show_default=True,
    help="clerk: tiếp nhận, tra cứu; archivist: lưu trữ; admin: quản trị tài khoản và nhật ký",
)
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
@click.option(
    "--device", default=None, help="tên máy quét theo `sohoa scanners` (mặc định: theo cấu hình, hoặc máy đầu tiên)"
)
@click.option(
    "--resume",
    "resume",
    type=int,
    default=None,
    metavar="LÔ",
    help="quét tiếp lô bị dừng (kẹt giấy, mất kết nối...) vào cùng hồ sơ",
)
@click.option("--process", "process_now", is_flag=True, help="nhận dạng chữ ngay trong lúc quét, chờ đến khi xong")
@click.pass_context
def scan_cmd(
    ctx: click.Context, profile: str | None, device: str | None, resume: int | None, process_now: bool
) -> None:
    """Quét các tờ trong khay nạp giấy (hoặc trên mặt kính) thành trang trong kho lưu trữ."""
    from sohoa.commands import scan_cmd as cmd

    with _app(ctx) as app:
        sys.exit(cmd.scan(app, profile=profile, device=device, resume=resume, process=process_now))


@cli.command("separator")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("to-phan-cach-ho-so.pdf"),
    show_default=True,
    help="tệp PDF để in",
)
def separator_cmd(out: Path) -> None:
    """Tạo tờ phân cách hồ sơ (PDF có mã QR) để chia một lần quét thành nhiều hồ sơ."""
    from sohoa.commands import scan_cmd

    sys.exit(scan_cmd.separator(out))


@cli.command("worker")
@click.option(
    "--concurrency", "-c", type=int, default=None, help="số tiến trình OCR (mặc định: workers trong cấu hình)"
)
@click.option("--loglevel", default=None, help="DEBUG, INFO, WARNING (mặc định: log_level trong cấu hình)")
@click.pass_context
def worker_cmd(ctx: click.Context, concurrency: int | None, loglevel: str | None) -> None:
    """Chạy máy xử lý (Celery worker) nhận trang từ broker — cho nhiều máy dùng chung một CSDL."""
    from sohoa.distributed.worker import run_worker

    sys.exit(run_worker(_settings(ctx), concurrency=concurrency, loglevel=loglevel))


# -- Register books, entries, filing, legacy import, export ------------------------------------------


@cli.group("book")
def book_group() -> None:
    """Sổ hộ tịch: tạo sổ, số hóa cả quyển sổ cũ theo thứ tự trang, xem tiến độ."""


@book_group.command("new")
@click.option(
    "--type",
    "book_type",
    required=True,
    metavar="LOẠI",
    help="khai_sinh, ket_hon, khai_tu, nhan_cha_me_con, thay_doi_cai_chinh, xac_nhan_tthn, giam_ho, "
    "chung_thuc_ban_sao, chung_thuc_chu_ky, chung_thuc_hop_dong",
)
@click.option("--year", type=int, required=True, help="năm của sổ")
@click.option("--volume", required=True, help="quyển số (01, 02 …)")
@click.option(
    "--layout",
    type=click.Choice(["entry_per_page", "ledger"]),
    default=None,
    help="mỗi trang một mục (từ 2016) hay sổ kẻ cột (mặc định: theo năm)",
)
@click.option("--commune", default=None, help="tên xã/phường (mặc định: xã duy nhất đã có)")
@click.option("--commune-code", default=None, help="mã xã")
@click.option(
    "--scheme",
    type=click.Choice(["v2025", "legacy_63"]),
    default="v2025",
    show_default=True,
    help="hệ mã đơn vị hành chính của mã xã",
)
@click.option("--opened", default=None, metavar="NGÀY", help="mở sổ ngày (dd/mm/yyyy)")
@click.option("--closed", default=None, metavar="NGÀY", help="khóa sổ ngày (dd/mm/yyyy)")
@click.option("--pages", type=int, default=None, help="số trang của quyển (để báo trang thiếu ở cuối sổ)")
@click.option("--by", default=None, help="người thực hiện (mặc định: tài khoản máy)")
@click.pass_context
def book_new_cmd(ctx: click.Context, **kw: object) -> None:
    """Tạo sổ, ví dụ: sohoa book new --type khai_sinh --year 2012 --volume 01 --layout ledger."""
    from sohoa.commands import book_cmd

    with _app(ctx) as app:
        sys.exit(book_cmd.new(app, **kw))


@book_group.command("list")
@click.option("--type", "book_type", default=None, help="chỉ loại sổ này")
@click.option("--year", type=int, default=None, help="chỉ năm này")
@click.pass_context
def book_list_cmd(ctx: click.Context, book_type: str | None, year: int | None) -> None:
    """Liệt kê các sổ với số trang, số mục, số mục đã kiểm tra."""
    from sohoa.commands import book_cmd

    with _app(ctx) as app:
        sys.exit(book_cmd.list_(app, book_type=book_type, year=year))


def _book_take_options(f):
    f = click.option("--by", default=None, help="người thực hiện")(f)
    f = click.option(
        "--process/--no-process",
        default=True,
        show_default=True,
        help="nhận dạng ngay và lập mục sổ (không: chỉ nhận tệp)",
    )(f)
    f = click.option(
        "--start-page",
        type=int,
        default=None,
        help="số trang của tệp đầu tiên (mặc định: theo tên tệp, hoặc tiếp sau trang cuối đã có)",
    )(f)
    return f


@book_group.command("import")
@click.argument("book")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@_book_take_options
@click.pass_context
def book_import_cmd(
    ctx: click.Context, book: str, paths: tuple[Path, ...], start_page: int | None, process: bool, by: str | None
) -> None:
    """Số hóa cả quyển sổ từ các tệp ảnh quét, theo thứ tự trang (chạy lại để làm tiếp)."""
    from sohoa.commands import book_cmd

    with _app(ctx) as app:
        sys.exit(book_cmd.take(app, book, list(paths), start_page=start_page, process=process, by=by))


@book_group.command("scan")
@click.argument("book")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--profile", default=None, help="hồ sơ quét (mặc định: book)")
@click.option("--device", default=None, help="máy quét")
@_book_take_options
@click.pass_context
def book_scan_cmd(
    ctx: click.Context,
    book: str,
    paths: tuple[Path, ...],
    profile: str | None,
    device: str | None,
    start_page: int | None,
    process: bool,
    by: str | None,
) -> None:
    """Quét các trang của quyển sổ bằng máy quét (hoặc nhận các tệp PATH đã quét) theo thứ tự trang."""
    from sohoa.commands import book_cmd

    with _app(ctx) as app:
        if paths:
            sys.exit(book_cmd.take(app, book, list(paths), start_page=start_page, process=process, by=by))
        sys.exit(
            book_cmd.scan(app, book, profile=profile, device=device, start_page=start_page, process=process, by=by)
        )


@book_group.command("build")
@click.argument("book")
@click.option("--by", default=None, help="người thực hiện")
@click.pass_context
def book_build_cmd(ctx: click.Context, book: str, by: str | None) -> None:
    """Lập mục sổ từ các trang đã nhận dạng (khi `sohoa run` đã nhận dạng xong)."""
    from sohoa.commands import book_cmd

    with _app(ctx) as app:
        sys.exit(book_cmd.build(app, book, by))


@book_group.command("show")
@click.argument("book")
@click.option("--entries", is_flag=True, help="kèm danh sách các mục")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def book_show_cmd(ctx: click.Context, book: str, entries: bool, as_json: bool) -> None:
    """Tiến độ số hóa một sổ: trang thiếu, trang trùng, số bị thiếu, mục chưa kiểm tra.

    Mã thoát: 0 không thiếu, không trùng; 1 có trang thiếu/trùng, số bị thiếu hoặc trang chưa đọc;
    2 không có sổ này.
    """
    from sohoa.commands import book_cmd, book_json

    with _app(ctx) as app:
        if as_json:
            sys.exit(book_json.show(app, book, entries=entries))
        sys.exit(book_cmd.show(app, book, entries=entries))


@book_group.command("quality")
@click.argument("book")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def book_quality_cmd(ctx: click.Context, book: str, as_json: bool) -> None:
    """Tiến độ và chất lượng số hóa một sổ: trang đã chụp, dòng đọc được, mục đã nhập một/hai lần,
    khớp, đã phân xử, đã kiểm tra; trang thiếu/trùng; số không theo thứ tự; ngày ngoài năm của sổ.

    Mã thoát: 0 sổ đã xong; 1 còn việc hoặc có chỗ cần xem; 2 không có sổ này.
    """
    from sohoa.commands import book_quality_cmd as bq

    with _app(ctx) as app:
        sys.exit(bq.quality_json(app, book) if as_json else bq.quality(app, book))


@book_group.command("close")
@click.argument("book")
@click.option("--on", default=None, metavar="NGÀY", help="ngày khóa sổ (mặc định: hôm nay)")
@click.option("--by", default=None, help="người thực hiện")
@click.pass_context
def book_close_cmd(ctx: click.Context, book: str, on: str | None, by: str | None) -> None:
    """Khóa sổ."""
    from sohoa.commands import book_cmd

    with _app(ctx) as app:
        sys.exit(book_cmd.close(app, book, on, by))


@book_group.command("print")
@click.argument("book")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="tệp PDF để in")
@click.option("--by", default=None, help="người thực hiện")
@click.pass_context
def book_print_cmd(ctx: click.Context, book: str, out: Path, by: str | None) -> None:
    """Bản in các trang sổ (PDF khổ A4) để ghi vào sổ giấy."""
    from sohoa.commands import export_cmd

    with _app(ctx) as app:
        sys.exit(export_cmd.print_book(app, book, out, by))


@cli.group("entry")
def entry_group() -> None:
    """Mục sổ hộ tịch: xem, xác nhận, sửa (có lịch sử)."""


@entry_group.command("show")
@click.argument("entry")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def entry_show_cmd(ctx: click.Context, entry: str, as_json: bool) -> None:
    """Một mục sổ (số mục, hoặc khai_sinh/2012/01#47) với ảnh, hồ sơ và lịch sử sửa.

    Mã thoát: 0 đã in; 2 không có mục này.
    """
    from sohoa.commands import book_cmd, book_json

    with _app(ctx) as app:
        if as_json:
            sys.exit(book_json.entry_show(app, entry))
        sys.exit(book_cmd.entry_show(app, entry))


@entry_group.command("verify")
@click.argument("entries", nargs=-1, required=True)
@click.option("--by", default=None, help="người đối chiếu")
@click.pass_context
def entry_verify_cmd(ctx: click.Context, entries: tuple[str, ...], by: str | None) -> None:
    """Xác nhận mục (đọc từ ảnh) đã đối chiếu đúng với sổ."""
    from sohoa.commands import book_cmd

    with _app(ctx) as app:
        sys.exit(book_cmd.entry_verify(app, list(entries), by))


@entry_group.command("edit")
@click.argument("entry")
@click.argument("changes", nargs=-1, required=True)
@click.option("--reason", required=True, help="lý do sửa (ghi vào lịch sử)")
@click.option("--amend", is_flag=True, help="thay đổi, cải chính theo quyết định (không phải sửa lỗi nhập)")
@click.option("--by", default=None, help="người sửa")
@click.pass_context
def entry_edit_cmd(
    ctx: click.Context, entry: str, changes: tuple[str, ...], reason: str, amend: bool, by: str | None
) -> None:
    """Sửa trường của mục: sohoa entry edit 812 nksHoTen="Nguyễn Văn An" --reason "đọc sai"."""
    from sohoa.commands import book_cmd

    with _app(ctx) as app:
        sys.exit(book_cmd.entry_edit(app, entry, list(changes), reason=reason, amend=amend, by=by))


@cli.command("file")
@click.argument("document_id", type=int)
@click.option("--confirm", default=None, metavar="MỤC", help="vào sổ: hồ sơ thuộc mục này")
@click.option("--reject", default=None, metavar="MỤC", help="hồ sơ không thuộc mục này")
@click.option("--create", is_flag=True, help="đăng ký mới: lập mục sổ từ các trường đã xác nhận")
@click.option("--book", default=None, help="với --create: sổ (mặc định: sổ đang mở của năm)")
@click.option("--so", default=None, help="với --create: số (mặc định: số tiếp theo trong năm)")
@click.option("--date", "registration_date", default=None, help="với --create: ngày đăng ký (mặc định: hôm nay)")
@click.option("--refile", is_flag=True, help="tìm lại các mục sổ phù hợp")
@click.option("--by", default=None, help="người thực hiện")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def file_cmd(ctx: click.Context, document_id: int, as_json: bool, **kw: object) -> None:
    """Hồ sơ thuộc mục sổ nào: xem đề xuất, xác nhận, từ chối, hoặc lập mục mới.

    Mã thoát: 0 xong; 2 không thực hiện được (không có hồ sơ hay mục này, yêu cầu sai).
    """
    from sohoa.commands import file_cmd as cmd

    with _app(ctx) as app:
        sys.exit(cmd.run(app, document_id, as_json_out=as_json, **kw))


@cli.group("legacy")
def legacy_group() -> None:
    """Dữ liệu từ phần mềm hộ tịch cũ (CSV, XLSX; UTF-8, Windows-1258, TCVN3, VNI)."""


@legacy_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--book", required=True, help="sổ nhận dữ liệu (số sổ hoặc khai_sinh/2012/01)")
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="tệp YAML/JSON {tên cột: trường} (nksHoTen, meHoTen, so, quyenSo, ngayDangKy …)",
)
@click.option("--map", "pairs", multiple=True, metavar="CỘT=TRƯỜNG", help="ánh xạ một cột (lặp lại được)")
@click.option(
    "--encoding",
    type=click.Choice(["utf-8", "windows-1258", "tcvn3", "vni"]),
    default=None,
    help="bảng mã (mặc định: tự nhận biết)",
)
@click.option("--sheet", default=None, help="trang tính của tệp Excel (mặc định: trang đầu)")
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="tệp CSV ghi các dòng bị từ chối (mặc định: cạnh tệp nhập)",
)
@click.option("--dry-run", is_flag=True, help="chỉ kiểm tra, không ghi")
@click.option("--verified", is_flag=True, help="coi dữ liệu cũ là đã kiểm tra")
@click.option("--by", default=None, help="người thực hiện")
@click.pass_context
def legacy_import_cmd(
    ctx: click.Context,
    path: Path,
    book: str,
    mapping: Path | None,
    pairs: tuple[str, ...],
    encoding: str | None,
    sheet: str | None,
    report: Path | None,
    dry_run: bool,
    verified: bool,
    by: str | None,
) -> None:
    """Nhập sổ từ tệp CSV/XLSX; dòng bị từ chối được liệt kê kèm lý do; nhập lại không đổi gì."""
    from sohoa.commands import export_cmd

    with _app(ctx) as app:
        sys.exit(
            export_cmd.legacy(
                app,
                path,
                book=book,
                mapping=mapping,
                pairs=list(pairs),
                encoding=encoding,
                sheet=sheet,
                report=report,
                dry_run=dry_run,
                verified=verified,
                by=by,
            )
        )


@cli.command("export")
@click.argument("target", metavar="BOOK|all")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="thư mục (một sổ) hoặc tệp (all)")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True, help="với all: định dạng"
)
@click.option("--by", default=None, help="người thực hiện")
@click.pass_context
def export_cmd(ctx: click.Context, target: str, out: Path | None, fmt: str, by: str | None) -> None:
    """Xuất một sổ (XLSX + ZIP các PDF theo mẫu số hóa quốc gia + bản in) hoặc tất cả (CSV/JSON)."""
    from sohoa.commands import export_cmd as cmd

    with _app(ctx) as app:
        if target == "all":
            sys.exit(cmd.export_all(app, fmt, out, by))
        sys.exit(cmd.export_book(app, target, out or Path("."), by))


@cli.group("keying")
def keying_group() -> None:
    """Nhập sổ viết tay từ sổ giấy: nhập hai lần, chỗ khác nhau chờ phân xử, tỉ lệ khớp của người nhập."""


@keying_group.command("double")
@click.argument("book")
@click.option("--off", is_flag=True, help="thôi nhập hai lần (mỗi mục nhập một lần)")
@click.option("--by", default=None, help="người thực hiện")
@click.pass_context
def keying_double_cmd(ctx: click.Context, book: str, off: bool, by: str | None) -> None:
    """Đặt sổ «nhập hai lần»: hai người nhập mỗi mục, không thấy giá trị của nhau (--off: trở lại nhập một lần).

    Mã thoát: 0 đã đặt (hoặc đã như vậy); 2 không có sổ này.
    """
    from sohoa.commands import keying_cmd

    with _app(ctx) as app:
        sys.exit(keying_cmd.double(app, book, not off, by))


@keying_group.command("disagreements")
@click.argument("book")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def keying_disagreements_cmd(ctx: click.Context, book: str, as_json: bool) -> None:
    """Các mục hai lần nhập khác nhau, chờ phân xử: trang, dòng, cột khác nhau và giá trị của từng người.

    Mã thoát: 0 không có mục nào chờ; 1 có mục chờ phân xử; 2 không có sổ này.
    """
    from sohoa.commands import keying_cmd

    with _app(ctx) as app:
        sys.exit(keying_cmd.disagreements_json(app, book) if as_json else keying_cmd.show_disagreements(app, book))


@keying_group.command("rates")
@click.option("--book", default=None, help="chỉ sổ này (mặc định: mọi sổ)")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
def keying_rates_cmd(ctx: click.Context, book: str | None, as_json: bool) -> None:
    """Tỉ lệ khớp của từng người nhập: ô khớp với người kia, ô đúng với giá trị đã chốt, mục đã phân xử.

    Mã thoát: 0 đã in; 1 chưa có ai nhập; 2 không có sổ này.
    """
    from sohoa.commands import keying_cmd

    with _app(ctx) as app:
        sys.exit(keying_cmd.rates_json(app, book) if as_json else keying_cmd.show_rates(app, book))


@cli.group("exchange")
def exchange_group() -> None:
    """Trao đổi sổ giữa các máy sohoa: nhập lại tệp sohoa export (XLSX một sổ, JSON toàn bộ)."""


@exchange_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", default=None, help="người thực hiện")
@click.pass_context
def exchange_import_cmd(ctx: click.Context, path: Path, by: str | None) -> None:
    """Nhập sổ từ tệp của sohoa export BOOK (.xlsx) hoặc sohoa export all --format json (.json): mọi mục,
    giá trị và dòng lịch sử như cũ. Sổ đã có mục thì để nguyên.

    Mã thoát: 0 đã nhập mọi sổ; 1 có sổ để nguyên (đã có); 2 tệp không đọc được.
    """
    from sohoa.commands import export_cmd

    with _app(ctx) as app:
        sys.exit(export_cmd.exchange_import(app, path, by))


@contextmanager
def _app(ctx: click.Context) -> Iterator[App]:
    from sohoa.app import App
    from sohoa.atrest import DatabaseUnusable

    app = App(_settings(ctx))
    try:
        yield app
    except DatabaseUnusable as exc:
        click.echo(str(exc), err=True)
        if ctx.params.get("as_json"):
            from sohoa.commands.jsonout import emit, error_doc

            emit(error_doc("database_unusable", str(exc)))
        sys.exit(2)
    finally:
        app.close()


def main() -> None:
    cli(prog_name="sohoa")


if __name__ == "__main__":
    main()
