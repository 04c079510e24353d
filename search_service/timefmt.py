"""Times as people here read them: Beijing time (UTC+8, no daylight saving), labelled.

Everything is stored in UTC; pages and exports convert at the last moment.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8))
LABEL = "北京时间"


def to_beijing(value: datetime | str | None) -> datetime | None:
    """A UTC datetime or ISO text (``...Z`` or with an offset) in Beijing time."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.removesuffix("Z"))
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(BEIJING)


def beijing(value: datetime | str | None, seconds: bool = True) -> str:
    """``2026-03-02 10:00:00`` in Beijing time; empty for no value."""
    moment = to_beijing(value)
    if moment is None:
        return ""
    return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def beijing_date(value: datetime | str | None) -> str:
    """``2026-03-02``: the Beijing date of a moment; empty for no value."""
    moment = to_beijing(value)
    return moment.strftime("%Y-%m-%d") if moment is not None else ""
