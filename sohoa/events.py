"""Events out: the outbox's events (``indexer/outbox.py``) sent to other software.

Where to (``[events]`` settings, one target):

* ``webhook_url``: an HTTP POST per event, body ``{"id", "type", "at", "data"}`` (JSON, UTF-8), with
  ``X-Sohoa-Event`` (the type), ``X-Sohoa-Delivery`` (the event id, the same on every retry),
  ``X-Sohoa-Timestamp`` (Unix seconds) and ``X-Sohoa-Signature: sha256=<hex>``, the HMAC-SHA256 of
  ``"<timestamp>.<body>"`` under ``secret`` (:func:`signature`; a receiver recomputes it and
  refuses an old timestamp). Any 2xx is delivered; anything else, or no answer within
  ``timeout_s``, is tried again.
* else, with ``broker_url``: ``XADD`` to the Redis stream ``redis_stream`` on the broker, fields
  ``id``, ``type``, ``body`` (the same JSON) and, with a ``secret``, ``signature`` (of ``body``);
  the stream is trimmed to about ``stream_maxlen`` entries.
* else nothing is sent; events are kept ``keep_days`` so a target set later gets the recent ones.

Retries: after the n-th failure the next try is ``retry_base_s * 2**(n-1)`` later, at most
``retry_max_s``, for as long as it takes; a failing event does not hold back the others. Delivery
is at least once: receivers drop an ``id`` they have already seen. ``sohoa run`` sends in a thread
(:class:`EventSender`); ``sohoa events`` sends once and shows what waits.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Protocol

import httpx

from config import Settings
from indexer import outbox
from indexer.db import Database
from indexer.models import utcnow
from indexer.outbox import OutboxEvent

log = logging.getLogger(__name__)

USER_AGENT = "sohoa-events/1"


class DeliveryError(Exception):
    """The target did not take the event (the message says why; it is kept as the last error)."""


class Target(Protocol):
    name: str

    def send(self, event: OutboxEvent) -> None: ...

    def close(self) -> None: ...


def body_of(event: OutboxEvent) -> bytes:
    doc = {"id": event.event_id, "type": event.kind, "at": event.payload.get("at"), "data": event.payload}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``"<timestamp>.<body>"`` (the webhook) or of ``body`` alone
    (``timestamp=""``, the Redis stream)."""
    msg = (timestamp.encode("ascii") + b"." + body) if timestamp else body
    return "sha256=" + hmac.new(secret.encode("utf-8"), msg, hashlib.sha256).hexdigest()


class Webhook:
    def __init__(self, url: str, secret: str, timeout_s: float) -> None:
        self.name = "webhook"
        self.url = url
        self.secret = secret
        self.client = httpx.Client(timeout=timeout_s, follow_redirects=False)

    def send(self, event: OutboxEvent) -> None:
        body = body_of(event)
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Sohoa-Event": event.kind,
            "X-Sohoa-Delivery": event.event_id,
            "X-Sohoa-Timestamp": ts,
            "X-Sohoa-Signature": signature(self.secret, ts, body),
        }
        try:
            r = self.client.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
        if not 200 <= r.status_code < 300:
            raise DeliveryError(f"HTTP {r.status_code}")

    def close(self) -> None:
        self.client.close()


class RedisStream:
    def __init__(self, url: str, stream: str, maxlen: int, secret: str | None) -> None:
        import redis

        self.name = "redis"
        self.stream = stream
        self.maxlen = maxlen
        self.secret = secret
        self.client = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=10)

    def send(self, event: OutboxEvent) -> None:
        import redis

        body = body_of(event)
        fields: dict[str, bytes | str] = {"id": event.event_id, "type": event.kind, "body": body}
        if self.secret:
            fields["signature"] = signature(self.secret, "", body)
        try:
            self.client.xadd(self.stream, fields, maxlen=self.maxlen, approximate=True)  # type: ignore[arg-type]  # redis-py types fields as a dict of its own unions
        except redis.RedisError as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None

    def close(self) -> None:
        self.client.close()


def target_of(settings: Settings) -> Target | None:
    ev = settings.events
    secret = ev.secret.get_secret_value() if ev.secret else None
    if ev.webhook_url:
        assert secret is not None  # the settings model requires it
        return Webhook(ev.webhook_url, secret, ev.timeout_s)
    if settings.broker_url:
        return RedisStream(settings.broker_url, ev.redis_stream, ev.stream_maxlen, secret)
    return None


def retry_delay(settings: Settings, failures: int) -> float:
    ev = settings.events
    return float(min(ev.retry_max_s, ev.retry_base_s * 2 ** max(0, failures - 1)))


def send_due(db: Database, settings: Settings, target: Target, *, now: datetime | None = None) -> tuple[int, int]:
    """Send every event due now; returns (sent, failed)."""
    sent = failed = 0
    while True:
        batch = outbox.claim(db, limit=50, lease_s=max(60.0, 3 * settings.events.timeout_s), now=now)
        if not batch:
            return sent, failed
        for ev in batch:
            try:
                target.send(ev)
            except DeliveryError as exc:
                failed += 1
                delay = retry_delay(settings, ev.attempts + 1)
                outbox.failed(db, ev.id, str(exc), utcnow() + timedelta(seconds=delay))
                log.warning("event %s (%s) not delivered: %s; next try in %.1f s", ev.event_id, ev.kind, exc, delay)
            else:
                sent += 1
                outbox.delivered(db, ev.id)
        if failed:  # the target is failing: the others wait for the next round
            return sent, failed


class EventSender:
    """``sohoa run``'s thread: sends due events every ``poll_s`` and prunes old ones hourly."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sohoa-events", daemon=True)

    def start(self) -> EventSender:
        self._thread.start()
        return self

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        target = target_of(self.settings)
        last_prune = 0.0
        try:
            while not self._stop.is_set():
                try:
                    if target is not None:
                        send_due(self.db, self.settings, target)
                    if time.monotonic() - last_prune > 3600:
                        keep = timedelta(days=self.settings.events.keep_days)
                        outbox.prune(self.db, keep=keep, everything=target is None)
                        last_prune = time.monotonic()
                except Exception:  # the database away for a moment: try again next round
                    log.exception("events: sending failed; trying again")
                self._stop.wait(self.settings.events.poll_s)
            if target is not None:  # stopping: what the last moments made goes out now if it can
                send_due(self.db, self.settings, target)
        except Exception:
            log.exception("events: last sending before stopping failed; the next start sends them")
        finally:
            if target is not None:
                target.close()
