{%- set cursor = cookiecutter.pagination == "cursor" -%}
{%- set int_ids = cookiecutter.primary_key == "int" -%}
{%- if cursor -%}
"""Keyset (cursor) pagination: the query parameters, the page shape, and one query helper.

A page ends with the sort key of its last row, and the next page starts strictly after
it. Unlike an offset, that position stays put while rows are added or removed before it,
and the database seeks to it instead of reading and discarding every row it skips.
"""

import base64
import json
from typing import {% if int_ids %}Annotated, {% endif %}Any, Generic, Literal, TypeVar
{%- if not int_ids %}
from uuid import UUID
{%- endif %}

from pydantic import AwareDatetime, BaseModel, Field, TypeAdapter, ValidationError
from pydantic_core import to_jsonable_python
from sqlalchemy import Column, inspect, tuple_
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from .errors import UnprocessableError
{%- if int_ids %}
from .ids import MAX_ID
{%- endif %}
{%- else -%}
"""Offset pagination: the query parameters, the page shape, and one query helper."""

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import Column, func, inspect
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar
{%- endif %}

ItemT = TypeVar("ItemT")
ModelT = TypeVar("ModelT", bound=SQLModel)

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
{%- if cursor %}
# Room for the longest sort key (a 255-character name) once encoded.
MAX_CURSOR_LENGTH = 2048
{%- else %}
# Deep offsets scan and discard every skipped row; past this, filter instead.
MAX_OFFSET = 1_000_000
{%- endif %}

SortKey = Literal[
    "id", "-id", "name", "-name", "created_at", "-created_at", "updated_at", "-updated_at"
]
{%- if cursor %}
# What a cursor may hold for each sort column (every table has them all). Timestamps
# are stored with their time zone, so a cursor's must carry one too.
KEY_TYPES: dict[str, TypeAdapter[Any]] = {
{%- if int_ids %}
    "id": TypeAdapter(Annotated[int, Field(ge=1, le=MAX_ID)]),
{%- else %}
    "id": TypeAdapter(UUID),
{%- endif %}
    "name": TypeAdapter(str),
    "created_at": TypeAdapter(AwareDatetime),
    "updated_at": TypeAdapter(AwareDatetime),
}
{%- endif %}


class PageQuery(BaseModel):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
{%- if cursor %}
    cursor: str | None = Field(
        None,
        max_length=MAX_CURSOR_LENGTH,
        description="The next_cursor of the previous page, with the same sort; omit for the first page",
    )
{%- else %}
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
{%- endif %}
    sort: SortKey = Field("id", description="A field to sort by; a leading '-' sorts descending")


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
{%- if cursor %}
    # null on the last page. There is no total: counting every match would cost a
    # scan of all of them on every page, which is what keyset pagination avoids.
    next_cursor: str | None
    limit: int
{%- else %}
    total: int
    limit: int
    offset: int
{%- endif %}


async def fetch_page(
    session: AsyncSession, query: SelectOfScalar[ModelT], model: type[ModelT], page: PageQuery
) -> tuple[list[ModelT], {{ "str | None" if cursor else "int" }}]:
{%- if cursor %}
    """One page of `query` after `page.cursor`, and the cursor of the next page (None at the end)."""
    columns = _sort_columns(model, page.sort)
    descending = page.sort.startswith("-")
    if page.cursor is not None:
        after = tuple_(*_decode(page.cursor, page.sort, columns), types=[c.type for c in columns])
        position = tuple_(*columns)
        query = query.where(position < after if descending else position > after)
    order = [column.desc() if descending else column.asc() for column in columns]
    # One row more than asked tells whether another page follows, without counting.
    rows = list((await session.exec(query.order_by(*order).limit(page.limit + 1))).all())
    if len(rows) <= page.limit:
        return rows, None
    rows = rows[: page.limit]
    return rows, _encode(page.sort, [getattr(rows[-1], column.key) for column in columns])
{%- else %}
    """One page of `query` in a stable order, and the number of rows it matches."""
    count_query = select(func.count()).select_from(query.order_by(None).subquery())
    total = (await session.exec(count_query)).one()
    columns = _sort_columns(model, page.sort)
    descending = page.sort.startswith("-")
    order = [column.desc() if descending else column.asc() for column in columns]
    rows = await session.exec(query.order_by(*order).offset(page.offset).limit(page.limit))
    return list(rows.all()), total
{%- endif %}


def _sort_columns(model: type[SQLModel], sort: str) -> list[Column[Any]]:
    table = inspect(model)
    key = sort.removeprefix("-")
    # The id breaks ties, so every row has its own position and none is skipped or repeated.
    keys = [key] if key == "id" else [key, "id"]
    return [table.columns[name] for name in keys]
{%- if cursor %}


def _encode(sort: str, values: list[Any]) -> str:
    data = json.dumps([sort, *to_jsonable_python(values)], separators=(",", ":"))
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def _decode(cursor: str, sort: str, columns: list[Column[Any]]) -> list[Any]:
    """The sort key a cursor holds, checked against the columns it must fit; 422 otherwise."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.b64decode(padded, altchars=b"-_", validate=True))
        if not isinstance(data, list) or data[:1] != [sort] or len(data) != len(columns) + 1:
            raise ValueError("the cursor belongs to another sort order")
        return [KEY_TYPES[c.key].validate_python(v) for c, v in zip(columns, data[1:], strict=True)]
    except (ValueError, ValidationError) as error:
        # Never a 500: a cursor is client input, whether truncated, edited or made up.
        message = "Invalid cursor: pass the next_cursor of the previous page unchanged, with the same sort"
        raise UnprocessableError(message, loc=("query", "cursor")) from error
{%- endif %}
