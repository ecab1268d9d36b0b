"""``sohoa search``: a readable table of the pages that match, best first."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from indexer.search import search
from sohoa.app import App


def run(app: App, query: str, limit: int) -> int:
    hits = search(app.db, query, limit=limit)
    con = Console()
    if not hits:
        con.print(f"Không tìm thấy trang nào cho “{query}”.")
        return 1
    t = Table(title=f"Kết quả cho “{query}”: {len(hits)}")
    for col in ("#", "Hồ sơ", "Trang", "Tệp", "Vì sao khớp", "Trích đoạn"):
        t.add_column(col, overflow="fold")
    for i, h in enumerate(hits, 1):
        t.add_row(str(i), str(h.document_id), str(h.page_no), h.title, h.why, h.snippet)
    con.print(t)
    return 0
