"""Serve the desk with uvicorn: in a thread beside the runner (``sohoa run``), or on its own
(``sohoa web``). The access log is off: URLs carry citizens' names (search queries)."""

from __future__ import annotations

import logging
import threading
import time

import uvicorn

from sohoa.app import App
from sohoa.web import create_app, desk_url

log = logging.getLogger(__name__)


def uvicorn_config(app: App, host: str | None = None, port: int | None = None) -> uvicorn.Config:
    web = app.settings.web
    return uvicorn.Config(
        create_app(app),
        host=host or web.host,
        port=web.port if port is None else port,
        log_level="warning",
        access_log=False,
        server_header=False,
        lifespan="off",
        timeout_graceful_shutdown=3,
        # X-Forwarded-For is believed only from the configured proxies (uvicorn's default would
        # trust 127.0.0.1, and anyone on this PC could then pick their address for the login limits).
        proxy_headers=bool(web.trusted_proxies),
        forwarded_allow_ips=",".join(web.trusted_proxies) or None,
    )


class DeskServer:
    """uvicorn in a daemon thread; ``start`` returns once it listens (or has failed to)."""

    def __init__(self, app: App, host: str | None = None, port: int | None = None) -> None:
        self.config = uvicorn_config(app, host, port)
        self.server = uvicorn.Server(self.config)
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        for server in getattr(self.server, "servers", []) or []:
            for sock in server.sockets:
                return int(sock.getsockname()[1])
        return self.config.port

    @property
    def url(self) -> str:
        return desk_url(self.config.host, self.port)

    def start(self, timeout: float = 15.0) -> bool:
        self.thread = threading.Thread(target=self._serve, name="web-desk", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.server.started:
                return True
            if not self.thread.is_alive():
                return False
            time.sleep(0.05)
        return self.server.started

    def _serve(self) -> None:
        try:
            self.server.run()
        except SystemExit:  # uvicorn exits when it cannot listen (port taken)
            log.error("the web desk could not listen on %s:%s", self.config.host, self.config.port)

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=10)


def serve_forever(app: App, host: str | None = None, port: int | None = None) -> None:
    """``sohoa web``: the desk alone, in the foreground, until Ctrl+C."""
    uvicorn.Server(uvicorn_config(app, host, port)).run()
