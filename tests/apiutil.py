"""Helpers for the JSON API's tests: the desk app with accounts of every role and a token each,
headers that carry a token, and the error shape every refusal must have."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from indexer import accounts, apitokens
from sohoa.app import App
from sohoa.web import create_app
from tests.webdesk import PASSWORD, TestClient, client

ROLES = ("clerk", "archivist", "admin")
USERS = {"clerk": "tiepnhan", "archivist": "luutru", "admin": "quantri"}


@dataclass
class Api:
    app: App
    desk: FastAPI
    c: TestClient
    secrets: dict[str, str]  # role → a live token of the user of that role

    def h(self, role: str) -> dict[str, str]:
        return bearer(self.secrets[role])


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def make_api(app: App) -> Api:
    for role, name in USERS.items():
        accounts.create_user(app.db, name, PASSWORD, role)
    desk = create_app(app)
    secrets = {
        role: apitokens.create_token(app.db, name, f"phần mềm {role}", role, 30, actor="quantri")[0]
        for role, name in USERS.items()
    }
    return Api(app, desk, client(desk), secrets)


def error_of(r: Any, status: int, code: str) -> dict[str, Any]:
    """The response is the API's error shape with this status and code, a Vietnamese message."""
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    assert body["error"]["message"] and not body["error"]["message"].isascii()  # Vietnamese, with diacritics
    return body["error"]
