"""The API tested from its own OpenAPI schema (schemathesis, property-based): for every operation,
requests generated from the schema — ids out of range, odd Unicode, missing and extra parts, random
files — never make the server fail (no 5xx), and every refusal is in the documented error shape."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from indexer.registers.books import create_book
from sohoa.app import App
from tests.apiutil import make_api
from tests.registers_util import create_entry, dossier
from tests.webdesk import add_document

EXAMPLES = 40  # per operation


def test_no_request_the_schema_allows_makes_the_server_fail(app: App) -> None:
    app.settings.web.api_burst = 1_000_000
    api = make_api(app)
    b = create_book(app.db, "khai_sinh", 2024, "01", commune="Cát Thành")
    create_entry(
        app.db, b.id, {"so": "1", "nksHoTen": "Trần Thị Lan", "ngayDangKy": "10/05/2024"}, origin="legacy", actor="t"
    )
    dossier(app, "trich_luc_khai_sinh", {"child_name": "Trần Thị Lan", "child_birth_date": "05/04/2024"})
    add_document(app, "NGUYỄN VĂN AN")
    headers = api.h("admin")
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", api.desk, headers=headers)
    seen: dict[str, set[int]] = {}
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 18

    for op in operations:

        @given(case=op.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: schemathesis.Case) -> None:
            r = case.call(headers=headers)
            seen.setdefault(case.operation.label, set()).add(r.status_code)
            assert r.status_code < 500, (case.method, case.formatted_path, r.status_code, r.text[:500])
            if r.status_code >= 400:
                body = r.json()
                assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"], body

        check()
    assert set(seen) == {op.label for op in operations}
    assert any(200 <= s < 300 for codes in seen.values() for s in codes)  # not only refusals
