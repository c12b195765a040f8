"""Telling a client which unique values clashed: "A book with isbn '978-0' already exists"."""

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import inspect, tuple_
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

# PostgreSQL: 'Key (isbn)=(978-0) already exists.'; SQLite: 'UNIQUE constraint failed: book.isbn'.
_POSTGRES_KEY = re.compile(r"Key \((?P<columns>.+?)\)=")
_SQLITE_KEY = re.compile(r"UNIQUE constraint failed: (?P<columns>.+)$")


def unique_columns(error: IntegrityError) -> tuple[str, ...]:
    """The columns of the unique index a duplicate broke, as the database names them."""
    # asyncpg's exception, which SQLAlchemy's adapter raised `from`, carries the detail.
    detail = getattr(getattr(error.orig, "__cause__", None), "detail", None) or ""
    if found := _POSTGRES_KEY.search(detail):
        return tuple(name.strip().strip('"') for name in found["columns"].split(","))
    if found := _SQLITE_KEY.search(str(error.orig)):
        return tuple(name.strip().rsplit(".", 1)[-1] for name in found["columns"].split(","))
    return ()


def unique_values(row: SQLModel, groups: Sequence[Sequence[str]]) -> dict[str, Any]:
    """The row's unique values, read before a flush: a failed flush expires the row's attributes."""
    return {column: getattr(row, column) for group in groups for column in group}


def duplicate_message(
    article: str, values: Mapping[str, Any], columns: Sequence[str], index: int | None = None
) -> str:
    """`A book with isbn '978-0' already exists`, prefixed by the bulk item's index."""
    prefix = "" if index is None else f"Item {index}: "
    named = " and ".join(f"{name} {_shown(values[name])}" for name in columns if name in values)
    if not named:
        return f"{prefix}{article.capitalize()} with these unique values already exists"
    return f"{prefix}{article.capitalize()} with {named} already exists"


def _shown(value: Any) -> str:
    # str() first: an enum word is shown as the word, not as the enum member.
    return repr(str(value)) if isinstance(value, str) else str(value)


async def first_duplicate(
    session: AsyncSession,
    model: type[SQLModel],
    groups: Sequence[Sequence[str]],
    rows: Sequence[Mapping[str, Any]],
    live_only: bool = False,
) -> tuple[int, tuple[str, ...]] | None:
    """Which of `rows` (the unique values of rows not stored) repeats a stored or an earlier one.

    Asked only after a batched insert failed: the database does not say which row broke it.
    """
    table = inspect(model).columns
    found: list[tuple[int, tuple[str, ...]]] = []
    for group in groups:
        keys = [tuple(row[name] for name in group) for row in rows]
        columns = [table[name] for name in group]
        if len(columns) > 1:
            matches = tuple_(*columns).in_(keys)
        else:
            matches = columns[0].in_([key[0] for key in keys])
        stored = select(*columns).where(matches)
        if live_only:
            stored = stored.where(col(table["deleted_at"]).is_(None))
        stored_keys = (await session.exec(stored)).all()
        # One column comes back as plain values, several as rows.
        taken = {tuple(key) if len(columns) > 1 else (key,) for key in stored_keys}
        seen: set[tuple[Any, ...]] = set()
        for index, key in enumerate(keys):
            if key in taken or key in seen:
                found.append((index, tuple(group)))
                break
            seen.add(key)
    return min(found) if found else None
