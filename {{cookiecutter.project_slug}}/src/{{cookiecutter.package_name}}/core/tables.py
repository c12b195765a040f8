"""What every table shares: the constraint naming convention, column types, indexes, CHECK
constraints and timestamps."""

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import JSON, CheckConstraint, Enum, Index, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import QueryableAttribute, joinedload
from sqlalchemy.orm.interfaces import LoaderOption
from sqlmodel import SQLModel

# Named constraints can be altered and dropped by later migrations. This module is
# imported by every models module, so the convention is set before any table exists.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# Every table's, once models.py has imported them all (Alembic and the tests read it).
metadata = SQLModel.metadata
# PostgreSQL cuts identifiers at 63 bytes; longer index names get a hash instead.
MAX_NAME_LENGTH = 63

# JSONB on PostgreSQL (indexable, compact), plain JSON elsewhere.
JSON_VALUE = JSON().with_variant(JSONB(), "postgresql")
# The database's clock, for rows that SQL inserts without created_at and updated_at (UTC;
# SQLite writes it without an offset, and reads take it as UTC).
NOW = text("CURRENT_TIMESTAMP")
# Unicode's white space, which the `\S` pattern of a required text does not count.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def index_name(table: str, columns: tuple[str, ...]) -> str:
    """`ix_book_isbn`, or `ix_book_<hash>` where the columns would make it too long."""
    name = "_".join(("ix", table, *columns))
    if len(name) <= MAX_NAME_LENGTH:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"ix_{table}_{digest}"


def unique_index(
    table: str, *columns: str, live_only: bool = False, ignore_case: tuple[str, ...] = ()
) -> Index:
    """A unique index; `live_only` skips soft-deleted rows, so their values can be used again;
    the `ignore_case` columns (emails) are compared lower-cased: `Ann@x.org` clashes with `ann@x.org`.

    An index rather than a constraint, so that both kinds read the same in migrations and
    the partial one (which PostgreSQL and SQLite both support) fits the same mould. Its
    `info` names the columns, which an index on an expression does not (core/conflicts.py
    reads them to say which values clashed).
    """
    name = index_name(table, columns)
    keys = [text(f'lower("{column}")') if column in ignore_case else column for column in columns]
    info = {"columns": columns}
    if live_only:
        live = text("deleted_at IS NULL")
        return Index(name, *keys, unique=True, info=info, postgresql_where=live, sqlite_where=live)
    return Index(name, *keys, unique=True, info=info)


def sort_index(table: str, column: str, name: str | None = None) -> Index:
    """An index on a sort key and the id after it, in the order a list sorts by that key: a
    page seeks to its place, even among many rows that share a value. `name` where the key's
    usual name is taken (a unique email's index is on its lower-cased value)."""
    return Index(name or index_name(table, (column,)), column, "id")


def _check(table: str, column: str, kind: str, condition: str) -> CheckConstraint:
    """A CHECK named `ck_<table>_<column>_<kind>` by the convention; a hash where too long."""
    name = f"{column}_{kind}"
    if len(f"ck_{table}_{name}") > MAX_NAME_LENGTH:
        name = hashlib.sha256(name.encode()).hexdigest()[:12]
    return CheckConstraint(condition, name=name)


# What the API checks, held by the database too: a row written by SQL (a data migration,
# another service) obeys the same rules, so every row it holds reads back without a 500.
def in_range(table: str, column: str, low: int | str, high: int | str) -> CheckConstraint:
    """A number within the bounds the API takes (SQLite holds any number in any column)."""
    quoted = f'"{column}"'
    return _check(table, column, "range", f"{quoted} >= {low} AND {quoted} <= {high}")


def max_length(table: str, column: str, length: int) -> CheckConstraint:
    """Text no longer than the API takes (SQLite does not enforce VARCHAR(N))."""
    return _check(table, column, "length", f'length("{column}") <= {length}')


def not_blank(table: str, column: str) -> CheckConstraint:
    """Required text holds something besides white space."""
    return _check(table, column, "not_blank", f"trim(\"{column}\", '{WHITE_SPACE}') <> ''")


def enum_column(enum: type[StrEnum], name: str) -> Enum:
    """VARCHAR with a CHECK constraint, not a native PostgreSQL enum: adding a word is an
    ordinary migration (ALTER a CHECK), where a native enum cannot drop or rename one."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        values_callable=lambda members: [member.value for member in members],
    )


def at_scale(value: Decimal | None, places: int) -> Decimal | None:
    """A decimal as a NUMERIC column with that many places stores it: `1.5` -> `1.50`."""
    return None if value is None else value.quantize(Decimal(1).scaleb(-places))


def embedded(attribute: object, live_only: bool = False) -> LoaderOption:
    """Load a to-one reference in the same query, as a JOIN; `live_only` leaves out a
    soft-deleted row (the reference to it stays, for a restore).

    SQLModel types `Hero.team` as the related model, which mypy refuses in `joinedload`.
    """
    relation = cast(QueryableAttribute[Any], attribute)
    if live_only:
        target = relation.property.mapper.class_
        relation = relation.and_(target.deleted_at.is_(None))
    return joinedload(relation)
