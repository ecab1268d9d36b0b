"""``sohoa status``: queue, documents, failures and quarantine with their reasons; with ``--json``
the same as one JSON document (:func:`as_json`, keys fixed, see ``jsonout``)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from indexer import outbox
from indexer.status import status
from sohoa.app import App
from sohoa.commands.jsonout import emit

STATE_VI = {
    "queued": "chờ xử lý",
    "running": "đang xử lý",
    "done": "xong",
    "failed": "lỗi",
    "captured": "đã nhận",
    "processing": "đang xử lý",
    "indexed": "đã lập chỉ mục",
    "quarantined": "cách ly",
}


def as_json(app: App) -> dict[str, Any]:
    from indexer.dispatch import activity_by_host, depth, throughput
    from sohoa.fixity import last_result
    from sohoa.intakestate import read_intake

    st = status(app.db)
    s = app.settings
    d = depth(app.db)
    intake = read_intake(s.data_dir) or {}
    workers_out: list[dict[str, Any]] | None = None
    broker: dict[str, Any] | None = None
    if s.broker_url:
        from sohoa.distributed.dispatcher import _safe
        from sohoa.distributed.monitor import workers

        ws = workers(s)
        broker = {"url": _safe(s.broker_url), "queue": s.broker_queue, "reachable": ws is not None}
        workers_out = [
            {
                "name": w.name,
                "processes": w.processes,
                "active": w.active,
                "processed": w.processed,
                "uptime_s": w.uptime_s,
            }
            for w in ws or []
        ]
    return {
        "jobs": dict(sorted(st.jobs.items())),
        "documents": dict(sorted(st.documents.items())),
        "pages_indexed": st.pages_indexed,
        "inbox_dir": s.inbox_dir,
        "quarantine_dir": s.quarantine_dir,
        "queue": {"queued": d.queued, "dispatched": d.dispatched, "running": d.running},
        "throughput": [
            {"minutes": t.minutes, "pages": t.pages, "per_minute": round(t.per_minute, 3)}
            for t in (throughput(app.db, m) for m in (10, 60))
        ],
        "broker": broker,
        "workers": workers_out,
        "hosts": [
            {"host": h.host, "running": h.running, "done_recent": h.done_recent, "last_done": h.last_done}
            for h in (activity_by_host(app.db, 10) if s.broker_url else [])
        ],
        "intake": {
            "paused": intake.get("paused") or None,
            "at": intake.get("at"),
            "problems": intake.get("problems") or [],
        },
        "fixity": last_result(s.data_dir),
        "events": outbox.counts(app.db),
        "failures": [
            {
                "document_id": f.document_id,
                "title": f.title,
                "page_no": f.page_no,
                "attempts": f.attempts,
                "kind": f.kind,
                "error": f.error,
            }
            for f in st.failures
        ],
        "quarantine_total": st.quarantine_total,
        "quarantine": [
            {
                "id": q.id,
                "at": q.at,
                "file_name": q.file_name,
                "reason": q.reason,
                "message": q.message,
                "detail": q.detail,
                "path": q.path,
            }
            for q in st.quarantine
        ],
    }


def show(app: App, *, as_json_out: bool = False) -> int:
    """Exit 0 always (the state is the answer; ``sohoa check`` judges the files)."""
    if as_json_out:
        emit(as_json(app))
        return 0
    st = status(app.db)
    con = Console()
    jobs = ", ".join(f"{STATE_VI.get(k, k)}: {v}" for k, v in sorted(st.jobs.items())) or "trống"
    docs = ", ".join(f"{STATE_VI.get(k, k)}: {v}" for k, v in sorted(st.documents.items())) or "chưa có"
    con.print(f"[bold]Hàng đợi trang:[/bold] {jobs}")
    con.print(f"[bold]Hồ sơ:[/bold] {docs}")
    con.print(f"[bold]Trang đã lập chỉ mục:[/bold] {st.pages_indexed}")
    con.print(f"[bold]Hộp nhận:[/bold] {app.settings.inbox_dir}")
    _show_throughput_and_workers(app, con)
    _show_intake_problems(app, con)
    _show_fixity(app, con)
    ev = outbox.counts(app.db)
    if ev["waiting"]:
        con.print(f"[bold]Sự kiện gửi đi đang chờ:[/bold] {ev['waiting']} (đã thử mà chưa được: {ev['retrying']})")
    if st.failures:
        t = Table(title="Trang lỗi (thử lại: sohoa retry)")
        for col in ("Hồ sơ", "Tệp", "Trang", "Số lần", "Loại lỗi", "Chi tiết"):
            t.add_column(col)
        for f in st.failures:
            t.add_row(
                str(f.document_id),
                f.title,
                str(f.page_no),
                str(f.attempts),
                f.kind or "",
                (f.error or "").splitlines()[0][:80] if f.error else "",
            )
        con.print(t)
    if st.quarantine:
        t = Table(title=f"Cách ly ({st.quarantine_total} tệp) — {app.settings.quarantine_dir}")
        for col in ("Thời điểm", "Tệp", "Lý do", "Chi tiết", "Nơi để"):
            t.add_column(col)
        for q in st.quarantine:
            t.add_row(
                q.at.strftime("%d/%m/%Y %H:%M"), q.file_name, q.message, q.detail[:60], q.path or "(để nguyên chỗ cũ)"
            )
        con.print(t)
    else:
        con.print("[bold]Cách ly:[/bold] không có tệp nào")
    return 0


def _show_throughput_and_workers(app: App, con: Console) -> None:
    """Queue depth, pages per minute from jobs.finished_at, and (with a broker) the Celery workers."""
    from indexer.dispatch import activity_by_host, depth, throughput

    d = depth(app.db)
    rates = [throughput(app.db, m) for m in (10, 60)]
    con.print(
        f"[bold]Độ sâu hàng đợi:[/bold] chờ {d.queued} | đã gửi cho máy xử lý {d.dispatched} | đang xử lý {d.running}"
    )
    con.print(
        "[bold]Tốc độ:[/bold] "
        + "; ".join(f"{t.per_minute:.1f} trang/phút trong {t.minutes:.0f} phút qua ({t.pages} trang)" for t in rates)
    )
    s = app.settings
    if not s.broker_url:
        return
    from sohoa.distributed.dispatcher import _safe
    from sohoa.distributed.monitor import workers

    ws = workers(s)
    where = f"broker {_safe(s.broker_url)}, hàng đợi {s.broker_queue!r}"
    if ws is None:
        con.print(f"[bold red]Máy xử lý:[/bold red] không kết nối được {where}")
    elif not ws:
        con.print(f"[bold]Máy xử lý:[/bold] không có máy nào đang chạy `sohoa worker` ({where})")
    else:
        t = Table(title=f"Máy xử lý (Celery workers) — {where}")
        for col in ("Tên", "Tiến trình", "Đang làm", "Đã nhận từ khi chạy", "Chạy được"):
            t.add_column(col)
        for w in ws:
            up = f"{w.uptime_s // 3600}h{w.uptime_s % 3600 // 60:02d}" if w.uptime_s is not None else "?"
            t.add_row(w.name, str(w.processes), str(w.active), str(w.processed), up)
        con.print(t)
    hosts = activity_by_host(app.db, 10)
    if hosts:
        t = Table(title="Theo máy (từ cơ sở dữ liệu, 10 phút qua)")
        for col in ("Máy", "Đang xử lý", "Xong (10 phút)", "Trang cuối lúc"):
            t.add_column(col)
        for h in hosts:
            t.add_row(
                h.host,
                str(h.running),
                str(h.done_recent),
                h.last_done.astimezone().strftime("%H:%M:%S") if h.last_done else "",
            )
        con.print(t)


def _show_intake_problems(app: App, con: Console) -> None:
    """Files the running `sohoa run` keeps failing on, and whether intake is paused."""
    from sohoa.intakestate import read_intake

    st = read_intake(app.settings.data_dir)
    if not st:
        return
    if st.get("paused"):
        con.print(f"[bold red]Hộp nhận tạm dừng:[/bold red] {st['paused']}")
    problems = st.get("problems") or []
    if not problems:
        return
    t = Table(title=f"Tệp trong hộp nhận không nhận được, đang thử lại thưa dần (lúc {st.get('at', '?')})")
    for col in ("Tệp", "Số lần lỗi", "Lỗi", "Thử lại sau"):
        t.add_column(col)
    for p in problems:
        t.add_row(p["name"], str(p["failures"]), p["error"][:80], f"{p['retry_in_s']} giây")
    con.print(t)


def _show_fixity(app: App, con: Console) -> None:
    from sohoa.fixity import last_result_line

    line = last_result_line(app.settings.data_dir)
    con.print(f"[bold]Kiểm tra toàn vẹn (sohoa check):[/bold] {line}")
