"""Valid values of every field type, for the factories; and how a response shows what was sent."""

import itertools
import math
import string
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

OFFSET = timezone(timedelta(hours=2))
ALPHABET = string.digits + string.ascii_lowercase
# How many distinct numbers a sample range spans at least, where the bounds leave it open.
SPREAD = 1000
_numbers = itertools.count(1)


def fresh() -> int:
    """A number no sample of this run has had yet: it makes unique values unique."""
    return next(_numbers)


def text(prefix: str, n: int, limit: int) -> str:
    """`Title 7`, or where that is too long `n` in digits and lowercase letters (36 values a
    character, in the same order under any collation), cut to fit `limit` characters."""
    value = f"{prefix} {n}"
    if len(value) <= limit:
        return value
    digits = ""
    while True:
        n, digit = divmod(n, len(ALPHABET))
        digits = ALPHABET[digit] + digits
        if n == 0:
            return digits[-limit:]


def number(n: int, low: float | None = None, high: float | None = None) -> int:
    """A whole number within the bounds (either may be open); consecutive `n` give distinct
    numbers for as long as the range has them."""
    if low is None:
        low = 0 if high is None or high >= SPREAD else math.floor(high) - SPREAD
    start = math.ceil(low)
    if high is None:
        return start + n
    return start + n % (math.floor(high) - start + 1)


def real(n: int, low: float | None = None, high: float | None = None) -> float:
    """A float within the bounds; between two of them, steps of a thousandth of the range, so
    that a narrow one still holds many distinct values."""
    if low is None or high is None:
        return float(number(n, low, high))
    return min(high, low + (high - low) * (n % (SPREAD + 1)) / SPREAD)  # no rounding past `high`


def decimal(n: int, places: int, low: str, high: str) -> str:
    """A decimal with `places` places from `low` to `high` (both at that scale), stepping by its
    smallest unit from 0, or from `low` where 0 is out of range."""
    step = Decimal(1).scaleb(-places)
    first, last = Decimal(low), Decimal(high)
    start = Decimal(0) if first <= 0 <= last else first
    count = int((last - start) / step) + 1
    return str((start + n % count * step).quantize(step))


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
