"""What every table shares: the constraint naming convention, the JSON type and timestamps."""

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import JSON{% if cookiecutter.soft_delete %}, Index, text{% endif %}
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import QueryableAttribute
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

# JSONB on PostgreSQL (indexable, compact), plain JSON elsewhere.
JSON_OBJECT = JSON().with_variant(JSONB(), "postgresql")


def utc_now() -> datetime:
    return datetime.now(UTC)
{%- if cookiecutter.soft_delete %}


def unique_among_live_rows(table: str, column: str) -> Index:
    """A unique index that skips soft-deleted rows, so a deleted row's value can be used again.

    A partial index, which PostgreSQL and SQLite both support.
    """
    live = text("deleted_at IS NULL")
    return Index(
        f"ix_{table}_{column}",
        column,
        unique=True,
        postgresql_where=live,
        sqlite_where=live,
    )
{%- endif %}


def relation(attribute: object) -> QueryableAttribute[Any]:
    """A relationship attribute as loader options like `joinedload` expect it.

    SQLModel types `Hero.team` as the related model, which mypy refuses there.
    """
    return cast(QueryableAttribute[Any], attribute)
