"""The keying screen's HTTP side (``sohoa.web.keying``): who may key, a refused save shown again with
exactly what was typed, the row image and its cells cut from the page by the boxes the entry keeps,
the offers."""

from __future__ import annotations

import io
import re

from PIL import Image

from bench.keying import make_book
from indexer import accounts
from indexer.registers.keying import readings_of
from sohoa.app import App
from sohoa.web import create_app
from tests.webdesk import PASSWORD, logged_in


def test_keying_over_http(app: App) -> None:
    book = make_book(app, 1)
    (e1, v1), (e2, _) = book.entries[:2]
    accounts.create_user(app.db, "luutru", PASSWORD, "archivist")
    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk")
    api = create_app(app)
    clerk, _ = logged_in(api, "tiepnhan")
    assert clerk.get(f"/books/{book.book_id}/keying").status_code == 403  # clerks do not key books
    c, csrf = logged_in(api, "luutru")
    page = c.get(f"/books/{book.book_id}/keying")
    assert page.status_code == 200 and f'data-entry="{e1}"' in page.text

    # A refused save: the same entry again, the reason, and every value as typed.
    typed = {**v1, "nksNgaySinh": "31/02/2006", "meHoTen": "Lê Thị  Hoa"}
    r = c.post(
        f"/books/{book.book_id}/keying/{e1}",
        data={**{f"f_{k}": v for k, v in typed.items()}, "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and f'data-entry="{e1}"' in r.text
    assert "ngày không hợp lệ" in r.text and 'value="31/02/2006"' in r.text and 'value="Lê Thị  Hoa"' in r.text
    assert readings_of(app.db, e1) == []
    # Saved: the next entry comes back, with the row above's values one key away.
    r = c.post(
        f"/books/{book.book_id}/keying/{e1}",
        data={**{f"f_{k}": v for k, v in v1.items()}, "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert f'data-entry="{e2}"' in r.text and "Đã lưu số" in r.text
    assert f'data-prev="{v1["chaHoTen"]}"' in r.text
    prefetch = re.search(r'data-prefetch="([^"]*)"', r.text)
    assert prefetch and f"/entries/{book.entries[2][0]}/row.jpg" in prefetch.group(1)

    # The row image: a band of the page, much wider than high.
    img = c.get(f"/books/{book.book_id}/entries/{e2}/row.jpg")
    assert img.status_code == 200 and img.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(img.content)) as im:
        assert im.width > 6 * im.height
    assert c.get(f"/books/{book.book_id}/entries/999999/row.jpg").status_code == 404
    # Its cells: each column's box, framed on the row picture and cut alone.
    cells = dict(re.findall(r'data-key="(\w+)"[^>]*data-cell="([\d.,]+)"', r.text))
    assert set(cells) >= {"so", "nksHoTen", "chaHoTen"} and "ghiChu" not in cells
    lefts = [float(cells[k].split(",")[0]) for k in ("so", "nksHoTen", "chaHoTen")]
    assert lefts == sorted(lefts) and lefts[0] < 10 < 80 < lefts[2]
    cell = c.get(f"/books/{book.book_id}/entries/{e2}/cells/nksHoTen.jpg")
    assert cell.status_code == 200
    with Image.open(io.BytesIO(cell.content)) as im:
        assert 50 < im.width < 600
    assert c.get(f"/books/{book.book_id}/entries/{e2}/cells/ghiChu.jpg").status_code == 404

    assert c.get(f"/books/{book.book_id}/keying/offers", params={"key": "meHoTen", "q": "x"}).json() == {"offers": []}
    offers = c.get(f"/books/{book.book_id}/keying/offers", params={"key": "chaHoTen", "q": v1["chaHoTen"][:4]})
    assert v1["chaHoTen"] in offers.json()["offers"]  # the book's settled entry
