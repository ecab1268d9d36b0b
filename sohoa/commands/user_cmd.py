"""``sohoa user``: accounts of the web desk — the first admin is made here, on the server."""

from __future__ import annotations

import sys

import click

from indexer import accounts
from indexer.accounts import ROLE_VI, AccountError, Role
from sohoa.app import App
from sohoa.web import desk_url

ACTOR = "cli"


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return click.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu")


def add(app: App, username: str, role: str, full_name: str, password_stdin: bool) -> int:
    password = _read_password(password_stdin)
    try:
        u = accounts.create_user(app.db, username, password, role, full_name, actor=ACTOR)
    except AccountError as exc:
        click.echo(f"Không tạo được tài khoản: {exc}", err=True)
        return 1
    web = app.settings.web
    click.echo(
        f"Đã tạo tài khoản “{u.username}” ({ROLE_VI[u.role]}). Đăng nhập tại bàn làm việc: "
        f"{desk_url(web.host, web.port)}"
    )
    return 0


def list_users(app: App) -> int:
    users = accounts.list_users(app.db)
    if not users:
        click.echo("Chưa có tài khoản nào. Tạo quản trị viên: sohoa user add TÊN --role admin")
        return 0
    for u in users:
        state = "đang dùng" if u.active else "đã khóa"
        last = u.last_login_at.strftime("%d/%m/%Y %H:%M") if u.last_login_at else "chưa đăng nhập"
        click.echo(f"{u.username:<20} {ROLE_VI[u.role]:<18} {state:<10} {last:<18} {u.full_name}")
    return 0


def passwd(app: App, username: str, password_stdin: bool) -> int:
    password = _read_password(password_stdin)
    try:
        accounts.set_password(app.db, username, password, actor=ACTOR)
    except AccountError as exc:
        click.echo(f"Không đổi được mật khẩu: {exc}", err=True)
        return 1
    click.echo(
        f"Đã đặt mật khẩu mới cho “{accounts.normalize_username(username)}”; các phiên đăng nhập cũ đã kết thúc."
    )
    return 0


def set_active(app: App, username: str, active: bool) -> int:
    try:
        accounts.set_active(app.db, username, active, actor=ACTOR)
    except AccountError as exc:
        click.echo(str(exc), err=True)
        return 1
    click.echo(f"Đã {'mở khóa' if active else 'khóa'} tài khoản “{accounts.normalize_username(username)}”.")
    return 0


ROLES = [r.value for r in Role]
