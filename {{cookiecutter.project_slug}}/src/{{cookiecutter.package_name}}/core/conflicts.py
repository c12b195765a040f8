"""Telling a client which unique values clashed: "A book with isbn '978-0' already exists"."""

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, inspect, tuple_
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from .errors import ConflictError, is_unique_violation
from .tables import metadata

# PostgreSQL: 'Key (isbn)=(978-0) already exists.'; SQLite: 'UNIQUE constraint failed: book.isbn'.
_POSTGRES_KEY = re.compile(r"Key \((?P<columns>.+?)\)=")
_SQLITE_KEY = re.compile(r"UNIQUE constraint failed: (?P<columns>.+)$")
# An index on an expression (`lower(email)`): 'UNIQUE constraint failed: index 'ix_member_email''.
_SQLITE_INDEX = re.compile(r"UNIQUE constraint failed: index '(?P<name>[^']+)'")


def unique_columns(error: IntegrityError) -> tuple[str, ...]:
    """The columns of the unique index a duplicate broke, as the database names them."""
    # asyncpg's exception, which SQLAlchemy's adapter raised `from`, carries the detail.
    cause = getattr(error.orig, "__cause__", None)
    if columns := _index_columns(getattr(cause, "constraint_name", None) or _sqlite_index(error)):
        return columns
    detail = getattr(cause, "detail", None) or ""
    if found := _POSTGRES_KEY.search(detail):
        return tuple(name.strip().strip('"') for name in found["columns"].split(","))
    if found := _SQLITE_KEY.search(str(error.orig)):
        return tuple(name.strip().rsplit(".", 1)[-1] for name in found["columns"].split(","))
    return ()


def _sqlite_index(error: IntegrityError) -> str | None:
    found = _SQLITE_INDEX.search(str(error.orig))
    return found["name"] if found else None


def _index_columns(name: str | None) -> tuple[str, ...]:
    """The columns of a unique index, by its name: what an index on `lower(email)` does not
    show in the database's message (core/tables.py's unique_index records them)."""
    if name is None:
        return ()
    for table in metadata.tables.values():
        for index in table.indexes:
            if index.name == name and "columns" in index.info:
                return tuple(index.info["columns"])
    return ()


def unique_values(row: SQLModel, groups: Sequence[Sequence[str]]) -> dict[str, Any]:
    """The row's unique values, read before a flush: a failed flush expires the row's attributes."""
    return {column: getattr(row, column) for group in groups for column in group}


def duplicate_message(
    article: str,
    values: Mapping[str, Any],
    columns: Sequence[str],
    index: int | None = None,
    owner: str | None = None,
) -> str:
    """`A book with isbn '978-0' already exists`, prefixed by the bulk item's index.

    `owner` is the owner's column of an owned table: a group over it is unique per owner,
    whom no body names (it is the caller on create), so the message says "the same owner"
    rather than show an id.
    """
    prefix = "" if index is None else f"Item {index}: "
    shown = [name for name in columns if name in values and name != owner]
    if not shown:
        return f"{prefix}{article.capitalize()} with these unique values already exists"
    named = [f"{name} {_shown(values[name])}" for name in shown]
    if owner is not None and owner in columns:
        named.append("the same owner")
    return f"{prefix}{article.capitalize()} with {' and '.join(named)} already exists"


async def flush_or_conflict(
    session: AsyncSession,
    item: SQLModel,
    groups: Sequence[Sequence[str]],
    article: str,
    owner: str | None = None,
) -> None:
    """Flush, turning a duplicate into a 409 that names the values that clash (`owner` as
    duplicate_message takes it)."""
    values = unique_values(item, groups)
    try:
        await session.flush()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        message = duplicate_message(article, values, unique_columns(error), owner=owner)
        raise ConflictError(message) from error


def _fold(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


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
        # Emails compare lower-cased, as their unique index does.
        folded = [bool(table[name].info.get("ignore_case")) for name in group]
        keys = [
            tuple(
                _fold(row[name]) if fold else row[name]
                for name, fold in zip(group, folded, strict=True)
            )
            for row in rows
        ]
        columns: list[ColumnElement[Any]] = [
            func.lower(table[name]) if fold else table[name]
            for name, fold in zip(group, folded, strict=True)
        ]
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
