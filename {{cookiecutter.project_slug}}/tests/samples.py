"""Valid values of every field type, for the factories; and how a response shows what was sent."""

import itertools
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

OFFSET = timezone(timedelta(hours=2))
_numbers = itertools.count(1)


def fresh() -> int:
    """A number no sample of this run has had yet: it makes unique values unique."""
    return next(_numbers)


def fraction(n: int, places: int) -> str:
    """A decimal with no whole digit, for decimal(P, S) with P == S: `0.0007`."""
    return f"0.{n % 10**places:0{places}d}"


def text(prefix: str, n: int, limit: int) -> str:
    """`Title 7`, cut to fit `limit` characters while staying unique."""
    value = f"{prefix} {n}"
    return value if len(value) <= limit else str(n)[-limit:]


def number(n: int, low: float | None = None, high: float | None = None) -> int:
    """A whole number from `low` up, within `high`."""
    start = 0 if low is None else int(low) + (0 if low == int(low) else 1)
    if high is None:
        return start + n
    return start + n % (int(high) - start + 1)


def day(n: int) -> str:
    return (date(2000, 1, 1) + timedelta(days=n)).isoformat()


def moment(n: int) -> str:
    # Not UTC: the service stores and shows it as UTC, which the round trip checks.
    return (datetime(2026, 1, 1, tzinfo=OFFSET) + timedelta(seconds=n)).isoformat()


def uuid(n: int) -> str:
    return str(UUID(int=n))


def same(sent: Any, shown: Any) -> bool:
    """Whether a response shows the value a request sent (decimals and times may be respelt)."""
    if isinstance(sent, str) and isinstance(shown, str) and sent != shown:
        for parse in (Decimal, datetime.fromisoformat):
            try:
                return bool(parse(sent) == parse(shown))
            except (ArithmeticError, ValueError):
                pass
    if isinstance(sent, float | int) and isinstance(shown, str):
        return Decimal(str(sent)) == Decimal(shown)
    return bool(sent == shown)
