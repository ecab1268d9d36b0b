"""Every API call in the audit trail, like a desk action: who (the token's user; ``?`` for a
secret that names no token), which token, what (method, route, path and query — 12-digit personal
IDs masked) and how it ended (status). A route adds what it showed (``note``: the documents and
people a search returned), as the desk's search does.

Guarantees: the line is written before the answer's first byte leaves, so a call the trail does not
hold was never answered; the changes a call makes (a field corrected, a filing) are audited by the
same functions the desk uses, under the same user name.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from indexer.apitokens import Principal, touch_in
from indexer.audit import audit
from sohoa.logsetup import mask_ids

ACTION = "api.call"
REFUSED = "api.refused"


def note(request: Request, **detail: Any) -> None:
    """Add to this call's audit line."""
    request.state.api_audit = {**getattr(request.state, "api_audit", {}), **detail}


class CallAudit:
    def __init__(self, app: ASGIApp, db_of: Any) -> None:
        self.app = app
        self.db_of = db_of  # () -> Database: the app's database, opened when first needed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_after_audit(message: Message) -> None:
            if message["type"] == "http.response.start":
                await run_in_threadpool(self._write, scope, int(message["status"]))
            await send(message)

        await self.app(scope, receive, send_after_audit)

    def _write(self, scope: Scope, status: int) -> None:
        state = scope.get("state") or {}
        p: Principal | None = state.get("api_principal")
        refused = state.get("api_refused")
        if p is None and refused is None and status not in (401, 403):
            return  # the schema and docs pages (desk admins, audited as pages) and no call at all
        route = scope.get("route")
        query = unquote_plus(scope.get("query_string", b"").decode("latin-1"))
        detail: dict[str, Any] = {
            "method": scope.get("method", ""),
            "op": getattr(route, "name", "") or "",
            "path": mask_ids(scope.get("path", ""))[:300],
            "status": status,
        }
        if query:
            detail["query"] = mask_ids(query)[:300]
        detail.update(state.get("api_audit") or {})
        with self.db_of().write() as s:
            if p is not None:
                audit(s, p.username, ACTION, "api_token", p.token_id, detail)
                touch_in(s, p.token_id)
            else:
                why, token_id = refused if refused else ("missing", None)
                audit(s, "?", REFUSED, "api_token", token_id, {**detail, "reason": why})
