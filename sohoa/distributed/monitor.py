"""What ``sohoa status`` says about the Celery workers: asked over the broker (Celery's inspect)."""

from __future__ import annotations

from dataclasses import dataclass

from config import Settings


@dataclass(frozen=True)
class WorkerInfo:
    name: str  # sohoa-<pid>@<host>
    processes: int  # OCR processes (prefork concurrency)
    active: int  # pages being processed now
    processed: int  # messages taken since the worker started
    uptime_s: int | None


def workers(settings: Settings, timeout: float = 1.0) -> list[WorkerInfo] | None:
    """The workers consuming this installation's queue; None when the broker cannot be reached."""
    from sohoa.distributed import TASK_NAME
    from sohoa.distributed.celery_app import make_celery

    app = make_celery(settings)
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
            queues = app.control.inspect(timeout=timeout, connection=conn).active_queues() or {}
            names = sorted(
                n for n, qs in queues.items() if any(q.get("name") == settings.broker_queue for q in qs or [])
            )
            if not names:
                return []
            insp = app.control.inspect(destination=names, timeout=timeout, limit=len(names), connection=conn)
            stats = insp.stats() or {}
            active = insp.active() or {}
    except Exception:
        return None
    finally:
        app.close()
    out = []
    for n in names:
        st = stats.get(n) or {}
        pool = st.get("pool") or {}
        out.append(
            WorkerInfo(
                name=n,
                processes=int(pool.get("max-concurrency") or 0),
                active=len(active.get(n) or []),
                processed=int((st.get("total") or {}).get(TASK_NAME, 0)),
                uptime_s=st.get("uptime"),
            )
        )
    return out
