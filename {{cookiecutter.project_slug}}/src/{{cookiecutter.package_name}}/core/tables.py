"""What every table shares: the constraint naming convention, column types, indexes and timestamps."""

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar, cast

from sqlalchemy import JSON, Enum, Index, text
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

# JSONB on PostgreSQL (indexable, compact), plain JSON elsewhere.
JSON_VALUE = JSON().with_variant(JSONB(), "postgresql")


def utc_now() -> datetime:
    return datetime.now(UTC)


def index_name(table: str, columns: tuple[str, ...]) -> str:
    """`ix_book_isbn`, or `ix_book_<hash>` where the columns would make it too long."""
    name = "_".join(("ix", table, *columns))
    if len(name) <= MAX_NAME_LENGTH:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"ix_{table}_{digest}"


def unique_index(table: str, *columns: str, live_only: bool = False) -> Index:
    """A unique index; `live_only` skips soft-deleted rows, so their values can be used again.

    An index rather than a constraint, so that both kinds read the same in migrations and
    the partial one (which PostgreSQL and SQLite both support) fits the same mould.
    """
    name = index_name(table, columns)
    if live_only:
        live = text("deleted_at IS NULL")
        return Index(name, *columns, unique=True, postgresql_where=live, sqlite_where=live)
    return Index(name, *columns, unique=True)


def sort_index(table: str, column: str) -> Index:
    """An index on a sort key and the id after it, in the order a list sorts by that key: a
    page seeks to its place, even among many rows that share a value."""
    return Index(index_name(table, (column,)), column, "id")


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
