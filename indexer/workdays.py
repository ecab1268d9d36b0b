"""Working days: when an intake receipt promises the result (its "hẹn trả").

A working day is Monday to Friday and not one of the office's holidays (``[office] holidays``:
the public holidays and Tết days off, which move every year and are set by the office). A
procedure of N working days is due at closing time on the N-th working day after the day of
receipt; one of 0 days ("trong ngày") is due the same day — or the next working day when it was
received after the same-day limit (15:00) or on a day off.

Guarantees: pure functions of their arguments (no clock, no settings read here); the due moment
is never before the receipt and always falls on a working day, in the receipt's time zone.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta


def is_working_day(d: date, holidays: Collection[date] = ()) -> bool:
    return d.weekday() < 5 and d not in holidays


def next_working_day(d: date, holidays: Collection[date] = ()) -> date:
    """The first working day after ``d``."""
    d += timedelta(days=1)
    while not is_working_day(d, holidays):
        d += timedelta(days=1)
    return d


def add_working_days(d: date, n: int, holidays: Collection[date] = ()) -> date:
    """The n-th working day after ``d`` (``d`` itself for n = 0)."""
    for _ in range(n):
        d = next_working_day(d, holidays)
    return d


def due_at(
    received: datetime,
    days: int,
    holidays: Collection[date] = (),
    *,
    same_day_until: time = time(15, 0),
    closing: time = time(17, 0),
) -> datetime:
    """When the result of a dossier received at ``received`` (an aware local time) is due."""
    if days < 0:
        raise ValueError("processing days cannot be negative")
    day = received.date()
    if days == 0:
        late = received.timetz().replace(tzinfo=None) > same_day_until
        if late or not is_working_day(day, holidays):
            day = next_working_day(day, holidays)
    else:
        day = add_working_days(day, days, holidays)
    return datetime.combine(day, closing, tzinfo=received.tzinfo)
