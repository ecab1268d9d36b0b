"""The clerk's web desk (issue 7): FastAPI, Jinja2 pages rendered on the server, htmx for the live
parts, no JavaScript build step. ``create_app(app)`` builds it; ``sohoa.web.server`` serves it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from sohoa.app import App


def create_app(app: App) -> FastAPI:
    from sohoa.web.desk import create_app as _create

    return _create(app)


def desk_url(host: str, port: int) -> str:
    """The address to type in a browser for a desk listening on ``host:port``."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


__all__ = ["create_app", "desk_url"]
