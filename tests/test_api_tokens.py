"""API tokens: made and revoked by an admin on the desk (shown once, stored hashed, a role no higher
than the account's, an expiry); a missing, unknown, revoked or expired token or a locked account is
refused with 401; a token cannot use the desk's cookie routes, and the desk's cookie cannot call the
API; every call is audited with ID numbers masked; each token has its own rate limit (429)."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from indexer import accounts, apitokens
from indexer.accounts import AccountError
from indexer.audit import AuditFilter, audit_page
from indexer.models import ApiToken, utcnow
from sohoa.app import App
from sohoa.web import create_app
from tests.apiutil import USERS, bearer, error_of, make_api
from tests.webdesk import PASSWORD, client, logged_in

SECRET = re.compile(r'value="(sohoa_[A-Za-z0-9_-]+)"')


def test_an_admin_makes_a_token_on_the_desk_sees_it_once_and_revokes_it(app: App) -> None:
    api = make_api(app)
    a, csrf = logged_in(api.desk, "quantri")
    page = a.post(
        "/admin/tokens",
        data={"csrf_token": csrf, "username": "tiepnhan", "name": "Một cửa tỉnh", "role": "clerk", "days": "30"},
    )
    assert page.status_code == 200 and "Mã chỉ hiện một lần" in page.text
    m = SECRET.search(page.text)
    assert m, "the new secret is on the answer"
    secret = m.group(1)
    assert secret not in a.get("/admin/tokens").text  # never again
    with app.db.read() as s:
        t = s.scalars(select(ApiToken).where(ApiToken.name == "Một cửa tỉnh")).one()
        assert t.token_hash == hashlib.sha256(secret.encode()).hexdigest() and t.role == "clerk"
        stored = [str(v) for v in s.execute(select(ApiToken.__table__)).all()]
    assert not any(secret in v for v in stored)  # only its hash is kept
    assert 25 * 86400 < (t.expires_at - t.created_at).total_seconds() <= 30 * 86400
    r = api.c.get("/api/v1/status", headers=bearer(secret))
    assert r.status_code == 200 and "jobs" in r.json()
    # The desk's CSRF rule is unchanged for cookies: a post without its token is refused.
    assert a.post(f"/admin/tokens/{t.id}/revoke").status_code == 403
    assert a.post(f"/admin/tokens/{t.id}/revoke", data={"csrf_token": csrf}).status_code == 303
    error_of(api.c.get("/api/v1/status", headers=bearer(secret)), 401, "token_revoked")
    assert "đã thu hồi" in a.get("/admin/tokens").text
    acts = [x.action for x in audit_page(app.db, AuditFilter(action="apitoken."))[0]]
    assert acts == ["apitoken.revoke"] + ["apitoken.create"] * 4  # three by make_api, one on the page
    # Only admins reach the page.
    c, ccsrf = logged_in(api.desk, "tiepnhan")
    assert c.get("/admin/tokens").status_code == 403
    assert c.post("/admin/tokens", data={"csrf_token": ccsrf, "username": "tiepnhan", "name": "x"}).status_code == 403


def test_a_token_never_acts_above_its_account(app: App) -> None:
    make_api(app)
    with pytest.raises(AccountError, match="không được có quyền cao hơn"):
        apitokens.create_token(app.db, "tiepnhan", "x", "admin", 30, actor="quantri")
    with pytest.raises(AccountError, match="Thời hạn"):
        apitokens.create_token(app.db, "tiepnhan", "x", "clerk", 0, actor="quantri")
    _, t = apitokens.create_token(app.db, "quantri", "chỉ đọc", "clerk", 30, actor="quantri")  # an admin's may be lower
    assert t.role == "clerk"


def test_missing_unknown_expired_revoked_and_locked_tokens_are_refused(app: App) -> None:
    api = make_api(app)
    error_of(api.c.get("/api/v1/status"), 401, "auth_required")
    error_of(api.c.get("/api/v1/status", headers=bearer("sohoa_khong-co-ma-nay")), 401, "token_invalid")
    error_of(api.c.get("/api/v1/status", headers={"Authorization": "Basic dGVzdDp0ZXN0"}), 401, "auth_required")
    secret, t = apitokens.create_token(app.db, "tiepnhan", "hết hạn", "clerk", 1, actor="quantri")
    assert api.c.get("/api/v1/status", headers=bearer(secret)).status_code == 200
    with app.db.write() as s:
        s.execute(update(ApiToken).where(ApiToken.id == t.id).values(expires_at=utcnow() - timedelta(seconds=1)))
    r = api.c.get("/api/v1/status", headers=bearer(secret))
    error_of(r, 401, "token_expired")
    assert r.headers["www-authenticate"] == "Bearer"
    accounts.set_active(app.db, "luutru", False, actor="quantri")
    error_of(api.c.get("/api/v1/status", headers=api.h("archivist")), 401, "token_invalid")
    assert api.c.get("/api/v1/status", headers=api.h("clerk")).status_code == 200
    refused = [x.detail["reason"] for x in audit_page(app.db, AuditFilter(action="api.refused"))[0]]
    assert refused == ["inactive", "expired", "missing", "unknown", "missing"]


def test_a_token_cannot_use_the_desks_cookie_routes_nor_a_cookie_the_api(app: App) -> None:
    api = make_api(app)
    h = api.h("admin")
    r = api.c.get("/intake", headers=h)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert api.c.get("/admin/users", headers=h).status_code == 303
    assert api.c.get("/status", headers={**h, "HX-Request": "true"}).status_code == 401
    r = api.c.post("/admin/tokens", headers=h, data={"username": "tiepnhan", "name": "lén", "role": "clerk"})
    assert r.status_code == 403  # no CSRF token, no session: refused before anything
    assert len(apitokens.list_tokens(app.db)) == 3
    # The desk's signed-in cookie (even an admin's) is no API credential.
    a, csrf = logged_in(api.desk, "quantri")
    error_of(a.get("/api/v1/status"), 401, "auth_required")
    error_of(
        a.post("/api/v1/documents", headers={"X-CSRF-Token": csrf}, files={"files": ("a.png", b"x")}),
        401,
        "auth_required",
    )


def test_every_call_is_audited_with_id_numbers_masked(app: App) -> None:
    api = make_api(app)
    r = api.c.get("/api/v1/search", params={"q": "Nguyễn Văn An 001203004567"}, headers=api.h("clerk"))
    assert r.status_code == 200
    api.c.get("/api/v1/documents/99", headers=api.h("archivist"))
    rows = audit_page(app.db, AuditFilter(action="api.call"))[0]
    assert [(x.actor, x.detail["op"], x.detail["status"]) for x in rows] == [
        ("luutru", "get_document", 404),
        ("tiepnhan", "get_search", 200),
    ]
    search = rows[1]
    assert "001203004567" not in str(search.detail) and "0012******67" in search.detail["query"]
    assert "Nguyễn Văn An" in search.detail["query"] and search.detail["results"] == 0
    assert search.object_type == "api_token" and search.object_id is not None
    assert any(t.last_used_at for t in apitokens.list_tokens(app.db) if t.username == USERS["clerk"])


def test_each_token_has_its_own_rate_limit(app: App) -> None:
    app.settings.web.api_burst = 3
    app.settings.web.api_requests_per_minute = 1
    api = make_api(app)
    for _ in range(3):
        assert api.c.get("/api/v1/status", headers=api.h("clerk")).status_code == 200
    r = api.c.get("/api/v1/status", headers=api.h("clerk"))
    error_of(r, 429, "rate_limited")
    assert 1 <= int(r.headers["retry-after"]) <= 60
    assert api.c.get("/api/v1/status", headers=api.h("archivist")).status_code == 200  # another token: its own bucket


def test_the_schema_and_its_page_are_for_admins_only(app: App) -> None:
    api = make_api(app)
    error_of(api.c.get("/api/v1/openapi.json"), 401, "auth_required")
    error_of(api.c.get("/api/v1/openapi.json", headers=api.h("clerk")), 403, "forbidden")
    schema = api.c.get("/api/v1/openapi.json", headers=api.h("admin")).json()
    assert schema["servers"] == [{"url": "/api/v1"}] and "/search" in schema["paths"]
    assert "bearer" in str(schema["components"]["securitySchemes"]).lower()
    assert (
        api.c.get("/docs").status_code == 404 and api.c.get("/openapi.json").status_code == 404
    )  # the desk's stay off
    assert api.c.get("/api/v1/docs").status_code == 303
    c, _ = logged_in(api.desk, "tiepnhan")
    assert c.get("/api/v1/docs").status_code == 403
    a, _ = logged_in(api.desk, "quantri")
    page = a.get("/api/v1/docs")
    assert (
        page.status_code == 200
        and "fields_unconfirmed" in page.text
        and "/api/v1/documents/{doc_id}/filing" in page.text
    )
    assert a.get("/api/v1/openapi.json").json() == schema
    # Nothing of this goes to the trail as an API call.
    assert audit_page(app.db, AuditFilter(action="api.call"))[0] == []


def test_a_new_desk_has_no_tokens_and_the_page_says_so(app: App) -> None:
    accounts.create_user(app.db, "quantri", PASSWORD, "admin")
    a, _ = logged_in(create_app(app), "quantri")
    assert "Chưa có mã truy cập nào." in a.get("/admin/tokens").text
    assert client(create_app(app)).get("/admin/tokens").status_code == 303
