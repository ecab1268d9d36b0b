"""The intake list names what each document is and whom, shows how many fields are left to check
and whether it is filed, with a thumbnail; filters keep what needs the clerk."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from indexer import accounts
from indexer.models import FieldValue
from indexer.registers import filing
from indexer.registers.books import create_book
from sohoa.app import App
from sohoa.web import create_app
from tests.registers_util import dossier
from tests.webdesk import PASSWORD, add_document, logged_in


def test_rows_are_titled_counted_filed_and_filtered(app: App) -> None:
    accounts.create_user(app.db, "tiepnhan", PASSWORD, "clerk")
    desk = create_app(app)
    create_book(app.db, "khai_sinh", date.today().year, "01", commune="Phú Lộc")
    kim = dossier(app, "to_khai_dang_ky_khai_sinh", {"child_name": "TRẦN THỊ KIM TƯƠI", "mother_name": "VÕ THỊ TUYẾT"})
    with app.db.write() as s:  # one doubtful field
        s.execute(
            update(FieldValue)
            .where(FieldValue.document_id == kim, FieldValue.field_id == "mother_name")
            .values(needs_review=True)
        )
    done = dossier(app, "to_khai_dang_ky_khai_sinh", {"child_name": "LÊ VĂN AN", "mother_name": "Hà Thị Bé"})
    with app.db.write() as s:
        s.execute(update(FieldValue).where(FieldValue.document_id == done).values(confirmed_by="tiepnhan"))
    filing.create_from_document(app.db, done, actor="tiepnhan")
    plain = add_document(app, "Ảnh chụp khác", file="Scan_20261203_142530.jpg")
    c, _ = logged_in(desk, "tiepnhan")
    page = c.get("/intake").text
    assert ">Tờ khai đăng ký khai sinh — TRẦN THỊ KIM TƯƠI</a>" in page
    assert ">Tờ khai đăng ký khai sinh — LÊ VĂN AN</a>" in page
    assert ">Scan_20261203_142530.jpg</a>" in page  # nothing read: the file name
    row = page.split(f'data-document="{kim}"')[1].split("</tr>")[0]
    assert "1 trường cần kiểm tra" in row and "chưa vào sổ" in row
    assert f'src="/documents/{kim}/pages/1/image?w=' in row
    row = page.split(f'data-document="{done}"')[1].split("</tr>")[0]
    assert "đã xác nhận" in row and "đã vào sổ" in row
    check = c.get("/intake", params={"show": "can-kiem-tra"}).text
    assert f'data-document="{kim}"' in check and f'data-document="{done}"' not in check
    assert 'hx-get="/intake/list?show=can-kiem-tra"' in check  # the live refresh keeps the filter
    unfiled = c.get("/intake/list", params={"show": "chua-vao-so"}).text
    assert f'data-document="{kim}"' in unfiled and f'data-document="{done}"' not in unfiled
    assert f'data-document="{plain}"' not in unfiled
    typed = c.get("/intake/list", params={"type": "to_khai_dang_ky_khai_sinh"}).text
    assert f'data-document="{plain}"' not in typed and f'data-document="{kim}"' in typed
    assert "Không có hồ sơ nào khớp bộ lọc" in c.get("/intake/list", params={"type": "giay_khai_sinh"}).text
    # The thumbnail may be cached a little (the list refreshes itself); full pages never are.
    thumb = c.get(f"/documents/{kim}/pages/1/image", params={"w": 240, "v": "a"})
    assert thumb.status_code == 200 and thumb.headers["cache-control"] == "private, max-age=300"


def test_my_work_by_role(app: App) -> None:
    for u, role in (("tiepnhan", "clerk"), ("luutru", "archivist")):
        accounts.create_user(app.db, u, PASSWORD, role)
    desk = create_app(app)
    create_book(app.db, "khai_sinh", date.today().year, "01", commune="Phú Lộc")
    kim = dossier(app, "to_khai_dang_ky_khai_sinh", {"child_name": "TRẦN THỊ KIM TƯƠI", "mother_name": "VÕ THỊ TUYẾT"})
    done = dossier(app, "to_khai_dang_ky_khai_sinh", {"child_name": "LÊ VĂN AN", "mother_name": "Hà Thị Bé"})
    with app.db.write() as s:
        s.execute(update(FieldValue).where(FieldValue.document_id == done).values(confirmed_by="tiepnhan"))
    filing.create_from_document(app.db, done, actor="tiepnhan")
    c, _ = logged_in(desk, "tiepnhan")
    page = c.get("/work").text
    assert 'href="/work" aria-current="page">Việc của tôi</a>' in page
    assert f'data-document="{kim}"' in page and f'data-document="{done}"' not in page
    assert ">Tờ khai đăng ký khai sinh — TRẦN THỊ KIM TƯƠI</a>" in page
    assert "Sổ còn mục chưa đối chiếu" not in page  # a clerk does not verify books
    a, _ = logged_in(desk, "luutru")
    page = a.get("/work").text
    assert "Hồ sơ cần kiểm tra" not in page
    assert f"Sổ khai sinh {date.today().year}, quyển 01</a>" not in page  # its one entry was verified at filing
    assert "Mọi mục sổ đã được đối chiếu." in page
