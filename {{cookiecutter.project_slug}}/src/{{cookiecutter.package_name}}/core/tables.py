"""What every table shares: the constraint naming convention, column types, indexes, CHECK
constraints and timestamps."""

import hashlib
import sys
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar, cast

from sqlalchemy import JSON, CheckConstraint, Enum, Index, Table, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import QueryableAttribute, joinedload
from sqlalchemy.orm.interfaces import LoaderOption
from sqlalchemy.types import TypeEngine
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

# JSONB on PostgreSQL (indexable, compact), plain JSON elsewhere. A None is SQL NULL, as in
# every other optional column (not the JSON value null, which `IS NULL` would not find).
JSON_VALUE = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
# The database's clock, for rows that SQL inserts without created_at and updated_at (UTC;
# SQLite writes it without an offset, and reads take it as UTC).
NOW = text("CURRENT_TIMESTAMP")
# A row's first version (see counts_versions), for rows that SQL inserts without one.
FIRST_VERSION = text("1")
# The largest finite float.
FLOAT_MAX = sys.float_info.max
# Unicode's white space, which the `\S` pattern of a required text does not count.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def counts_versions(model: Any) -> dict[str, Any]:
    """Mapper arguments for a table model with a `row_version` column: SQLAlchemy counts it up
    in every UPDATE it writes and adds `AND row_version = <the version read>` to its WHERE,
    raising StaleDataError when another request changed the row meanwhile.

    `model` is the class, which mypy takes for an instance in a `declared_attr`.
    """
    table = cast(Table, model.__table__)
    return {"version_id_col": table.c.row_version}


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


# What the API checks, held by the database too: a row written by SQL (a data migration,
# another service) obeys the same rules, so every row it holds reads back without a 500.
# Each CHECK is named `ck_<table>_<column>_<kind>` by the naming convention. A number's
# CHECKs compare it with numbers, which on SQLite also refuses text in a number column.
def in_range(
    column: str, low: int | float | None = None, high: int | float | None = None
) -> CheckConstraint:
    """A number within its bounds: declared ones, and an int's own (SQLite holds any integer)."""
    return CheckConstraint(_between(column, low, high), name=f"{column}_range")


def fits_numeric(column: str, precision: int, scale: int) -> CheckConstraint:
    """A decimal that NUMERIC(precision, scale) holds; SQLite does not enforce NUMERIC."""
    # In digits: Decimal arithmetic would round at 28 of them.
    whole = "9" * (precision - scale) or "0"
    top = f"{whole}.{'9' * scale}" if scale else whole
    return CheckConstraint(_between(column, f"-{top}", top), name=f"{column}_digits")


def finite(column: str) -> CheckConstraint:
    """A float that is a number: PostgreSQL would store NaN and the infinities."""
    return CheckConstraint(_between(column, -FLOAT_MAX, FLOAT_MAX), name=f"{column}_finite")


def max_length(column: str, length: int) -> CheckConstraint:
    """Text no longer than the API takes (SQLite does not enforce VARCHAR(N))."""
    return CheckConstraint(f'length("{column}") <= {length}', name=f"{column}_length")


def not_blank(column: str) -> CheckConstraint:
    """Required text holds something besides white space."""
    condition = f"trim(\"{column}\", '{WHITE_SPACE}') <> ''"
    return CheckConstraint(condition, name=f"{column}_not_blank")


def _between(column: str, low: object, high: object) -> str:
    sides = [f'"{column}" >= {low}'] if low is not None else []
    if high is not None:
        sides.append(f'"{column}" <= {high}')
    return " AND ".join(sides)


TypeT = TypeVar("TypeT", bound=TypeEngine[Any])


def enum_column(enum: type[StrEnum], name: str, keeps_null: bool = False) -> Enum:
    """VARCHAR with a CHECK constraint, not a native PostgreSQL enum: adding a word is an
    ordinary migration (ALTER a CHECK), where a native enum cannot drop or rename one."""
    column_type = Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        values_callable=lambda members: [member.value for member in members],
    )
    return null_kept(column_type) if keeps_null else column_type


def null_kept(column_type: TypeT) -> TypeT:
    """The type of an optional column with a default. SQLAlchemy leaves a None out of an
    INSERT when the column has a default, which would store the default over the null a
    client sent; with this type, None is written as NULL."""
    return column_type.evaluates_none()


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
