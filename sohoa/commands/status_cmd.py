"""``sohoa status``: queue, documents, failures and quarantine with their reasons."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from indexer.status import status
from sohoa.app import App

STATE_VI = {
    "queued": "chờ xử lý", "running": "đang xử lý", "done": "xong", "failed": "lỗi",
    "captured": "đã nhận", "processing": "đang xử lý", "indexed": "đã lập chỉ mục", "quarantined": "cách ly",
}


def show(app: App) -> None:
    st = status(app.db)
    con = Console()
    jobs = ", ".join(f"{STATE_VI.get(k, k)}: {v}" for k, v in sorted(st.jobs.items())) or "trống"
    docs = ", ".join(f"{STATE_VI.get(k, k)}: {v}" for k, v in sorted(st.documents.items())) or "chưa có"
    con.print(f"[bold]Hàng đợi trang:[/bold] {jobs}")
    con.print(f"[bold]Hồ sơ:[/bold] {docs}")
    con.print(f"[bold]Trang đã lập chỉ mục:[/bold] {st.pages_indexed}")
    con.print(f"[bold]Hộp nhận:[/bold] {app.settings.inbox_dir}")
    if st.failures:
        t = Table(title="Trang lỗi (thử lại: sohoa retry)")
        for col in ("Hồ sơ", "Tệp", "Trang", "Số lần", "Loại lỗi", "Chi tiết"):
            t.add_column(col)
        for f in st.failures:
            t.add_row(str(f.document_id), f.title, str(f.page_no), str(f.attempts), f.kind or "", (f.error or "").splitlines()[0][:80] if f.error else "")
        con.print(t)
    if st.quarantine:
        t = Table(title=f"Cách ly ({st.quarantine_total} tệp) — {app.settings.quarantine_dir}")
        for col in ("Thời điểm", "Tệp", "Lý do", "Chi tiết", "Nơi để"):
            t.add_column(col)
        for q in st.quarantine:
            t.add_row(q.at.strftime("%d/%m/%Y %H:%M"), q.file_name, q.message, q.detail[:60], q.path or "(để nguyên chỗ cũ)")
        con.print(t)
    else:
        con.print("[bold]Cách ly:[/bold] không có tệp nào")
