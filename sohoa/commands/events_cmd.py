"""``sohoa events [--send]``: the events waiting in the outbox and where they go; ``--send`` sends the
due ones now (``sohoa run`` does it by itself every few seconds)."""

from __future__ import annotations

import click

from indexer import outbox
from sohoa.app import App
from sohoa.events import send_due, target_of


def run(app: App, *, send: bool) -> int:
    """Exit 0; 1 when ``--send`` left events undelivered."""
    target = target_of(app.settings)
    where = {
        None: "chưa đặt nơi nhận (events.webhook_url, hoặc broker_url cho luồng Redis)",
        "webhook": f"webhook {app.settings.events.webhook_url}",
        "redis": f"luồng Redis {app.settings.events.redis_stream!r} trên broker",
    }[target.name if target else None]
    rc = 0
    try:
        if send and target is not None:
            sent, failed = send_due(app.db, app.settings, target)
            click.echo(f"Đã gửi {sent} sự kiện" + (f"; {failed} chưa gửi được (sẽ thử lại)" if failed else ""))
            rc = 1 if failed else 0
    finally:
        if target is not None:
            target.close()
    c = outbox.counts(app.db)
    click.echo(
        f"Sự kiện gửi đi — nơi nhận: {where}. Đang chờ: {c['waiting']} "
        f"(đã thử mà chưa được: {c['retrying']}); đã gửi: {c['delivered']}."
    )
    return rc
