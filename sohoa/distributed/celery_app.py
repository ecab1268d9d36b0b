"""The Celery application, built from sohoa's settings.

Messages are JSON ``sohoa.ocr_page(job_id)`` with the job's dispatch token as the task id. Tasks
are acknowledged late and rejected back to the queue when their worker process is lost
(kill -9, a crash, the hard time limit), one message at a time per process (prefetch 1), no
result backend: results go to the database.

``celery -A sohoa.distributed.celery_app inspect active`` works too (settings from sohoa.toml
and SOHOA_* as for every command).
"""

from __future__ import annotations

from typing import Any

from celery import Celery

from config import Settings
from sohoa.distributed import TASK_NAME, dispatch_lease_s, hard_limit_s, soft_limit_s


def make_celery(settings: Settings, *, with_tasks: bool = False) -> Celery:
    if not settings.broker_url:
        raise ValueError("broker_url is not set")
    app = Celery("sohoa", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=settings.broker_queue,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_store_errors_even_if_ignored=False,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        worker_send_task_events=False,
        task_send_sent_event=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,  # finish the page, store it in the DB
        broker_connection_retry=True,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        broker_transport_options={
            # A message unacknowledged this long (its whole worker died) is delivered again; it must
            # outlast the longest page, so a page still running is not handed out twice.
            "visibility_timeout": int(dispatch_lease_s(settings)),
            "socket_connect_timeout": 5,
            "socket_keepalive": True,
        },
    )
    if with_tasks:
        from sohoa.distributed import tasks

        app.task(
            name=TASK_NAME,
            bind=True,
            acks_late=True,
            reject_on_worker_lost=True,
            acks_on_timeout=False,  # hard time limit: back to the queue; take() counts the lost run
            soft_time_limit=soft_limit_s(settings),
            time_limit=hard_limit_s(settings),
        )(tasks.ocr_page)
    return app


def __getattr__(name: str) -> Any:  # `celery -A sohoa.distributed.celery_app …`
    if name in ("app", "celery"):
        from config import load_settings

        return make_celery(load_settings(), with_tasks=True)
    raise AttributeError(name)
