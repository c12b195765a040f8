{%- set cursor = cookiecutter.pagination == "cursor" -%}
{%- set int_ids = cookiecutter.primary_key == "int" -%}
{%- if cursor -%}
"""Keyset (cursor) pagination: the query parameters, the page shape, and one query helper.

A page ends with the sort key of its last row, and the next page starts strictly after
it. Unlike an offset, that position stays put while rows are added or removed before it,
and the database seeks to it instead of reading and discarding every row it skips.

A cursor is signed together with the list it belongs to (the entity, the sort, every filter
value, and the parent of a nested list), with HMAC-SHA256 and a key from CURSOR_SECRET (see
core/settings.py). Anything the service did not issue, or issued for another list, fails the
signature check and is answered 422 before a byte of it is parsed; a client that changes its
filters or sort mid-way is told so, instead of getting a page that skips or repeats rows.
It is signed, not encrypted: it holds the last row's sort values, which that client was just
shown; hiding them would take a cipher, which the standard library does not have.
"""

import base64
import hashlib
import hmac
import json
from functools import cache
from typing import Annotated, Any, Generic, TypeVar
{%- if not int_ids %}
from uuid import UUID
{%- endif %}

from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from pydantic_core import to_jsonable_python
from sqlalchemy import Column, ColumnElement, UnaryExpression, and_, inspect, tuple_
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from .errors import UnprocessableError
{%- if int_ids %}
from .ids import MAX_ID
{%- endif %}
from .settings import get_settings
{%- else -%}
"""Offset pagination: the query parameters, the page shape, and one query helper."""

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import Column, UnaryExpression, func, inspect
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar
{%- endif %}

ItemT = TypeVar("ItemT")
ModelT = TypeVar("ModelT", bound=SQLModel)

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
{%- if cursor %}
# Room for the longest sort key (a long text value) once encoded.
MAX_CURSOR_LENGTH = 2048
TAG_BYTES = 16
INVALID_CURSOR = (
    "Invalid cursor: pass the next_cursor of the previous page unchanged, "
    "with the same sort and filters"
)
{%- else %}
# Deep offsets scan and discard every skipped row; past this, filter instead.
MAX_OFFSET = 1_000_000
{%- endif %}

# Every list sorts by id, created_at, updated_at and its entity's indexed fields (its query's Sort).
SORT_DESCRIPTION = "A field to sort by; a leading '-' sorts descending"
{%- if cursor %}
{%- if int_ids %}
ID_TYPE: TypeAdapter[Any] = TypeAdapter(Annotated[int, Field(ge=1, le=MAX_ID)])
{%- else %}
ID_TYPE: TypeAdapter[Any] = TypeAdapter(UUID)
{%- endif %}
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
    session: AsyncSession,
    query: SelectOfScalar[ModelT],
    model: type[ModelT],
    page: PageQuery,
    sort: str,
{%- if cursor %}
    scope: object = None,
{%- endif %}
) -> tuple[list[ModelT], {{ "str | None" if cursor else "int" }}]:
{%- if cursor %}
    """One page of `query` after `page.cursor`, and the cursor of the next page (None at the end).

    `scope` is what else chooses the rows besides `page`'s filters (a path's parent id):
    a cursor is valid only in the list it came from.
    """
    columns = _sort_columns(model, sort)
    descending = sort.startswith("-")
    context = _context(model, sort, page, scope)
    seeks: list[ColumnElement[bool] | None] = [None]
    if page.cursor is not None:
        seeks = _after(columns, _decode(page.cursor, context, model, columns), descending)
    order = _order(columns, descending)
    rows: list[ModelT] = []
    for seek in seeks:
        # One row more than asked tells whether another page follows, without counting.
        wanted = page.limit + 1 - len(rows)
        sought = query if seek is None else query.where(seek)
        rows += (await session.exec(sought.order_by(*order).limit(wanted))).all()
        if len(rows) > page.limit:
            break
    if len(rows) <= page.limit:
        return rows, None
    rows = rows[: page.limit]
    return rows, _encode(context, [getattr(rows[-1], column.key) for column in columns])
{%- else %}
    """One page of `query` in a stable order, and the number of rows it matches."""
    count_query = select(func.count()).select_from(query.order_by(None).subquery())
    total = (await session.exec(count_query)).one()
    order = _order(_sort_columns(model, sort), sort.startswith("-"))
    rows = await session.exec(query.order_by(*order).offset(page.offset).limit(page.limit))
    return list(rows.all()), total
{%- endif %}


def _sort_columns(model: type[SQLModel], sort: str) -> list[Column[Any]]:
    table = inspect(model)
    key = sort.removeprefix("-")
    # The id breaks ties, so every row has its own position and none is skipped or repeated.
    keys = [key] if key == "id" else [key, "id"]
    return [table.columns[name] for name in keys]


def _order(columns: list[Column[Any]], descending: bool) -> list[UnaryExpression[Any]]:
    # NULLs come last in ascending order and first in descending order, on both databases
    # (PostgreSQL's own default, which its indexes serve).
    order = []
    for column in columns:
        if not column.nullable:
            order.append(column.desc() if descending else column.asc())
        else:
            order.append(column.desc().nulls_first() if descending else column.asc().nulls_last())
    return order
{%- if cursor %}


def _context(model: type[SQLModel], sort: str, page: PageQuery, scope: object) -> bytes:
    """What a cursor is bound to: its list (entity and scope), its sort and its filter values."""
    chooser = {*PageQuery.model_fields, "sort"}
    filters = page.model_dump(mode="json", exclude=chooser, exclude_none=True)
    bound = [inspect(model).local_table.name, str(scope), sort, filters]
    return hashlib.sha256(json.dumps(bound, sort_keys=True).encode()).digest()


@cache
def _key() -> bytes:
    """The signing key: CURSOR_SECRET, else one derived from DATABASE_URL, which every worker
    and replica shares (a random key per process would refuse the others' cursors)."""
    settings = get_settings()
    given = settings.cursor_secret
    secret = given.get_secret_value() if given else settings.database_url
    return hashlib.sha256(b"cursor secret:" + secret.encode()).digest()


def _tag(context: bytes, data: bytes) -> bytes:
    return hmac.digest(_key(), context + data, "sha256")[:TAG_BYTES]


def _encode(context: bytes, values: list[Any]) -> str:
    data = json.dumps(to_jsonable_python(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data + _tag(context, data)).decode().rstrip("=")


def _open(cursor: str, context: bytes) -> Any:
    """The values a cursor holds, if the service made it for this list; ValueError otherwise."""
    padded = cursor + "=" * (-len(cursor) % 4)
    token = base64.b64decode(padded, altchars=b"-_", validate=True)
    data, tag = token[:-TAG_BYTES], token[-TAG_BYTES:]
    # Checked before anything is parsed: what was not signed here is never read.
    if len(token) <= TAG_BYTES or not hmac.compare_digest(tag, _tag(context, data)):
        raise ValueError("not a cursor of this list")
    return json.loads(data)


def _after(
    columns: list[Column[Any]], values: list[Any], descending: bool
) -> list[ColumnElement[bool] | None]:
    """The rows after the cursor's position, in the order `_order` gives, as index seeks.

    A nullable sort key gives two seeks, taken in turn until the page is full: an OR of the
    two would make the database filter the whole table instead of seeking in its index.
    """
    if len(columns) == 1:  # by id alone
        by_id = columns[0] < values[0] if descending else columns[0] > values[0]
        return [by_id]
    key, tie = columns
    value, last_id = values
    position, after = tuple_(key, tie), tuple_(value, last_id, types=[key.type, tie.type])
    beyond = position < after if descending else position > after
    if not key.nullable:
        return [beyond]
    # NULLs sort last ascending and first descending; a NULL compares as unknown, so the
    # rows that sort as NULLs are sought on their own.
    later_nulls = and_(key.is_(None), tie < last_id if descending else tie > last_id)
    if value is None:
        return [later_nulls, key.is_not(None)] if descending else [later_nulls]
    return [beyond] if descending else [beyond, key.is_(None)]


@cache
def _key_type(model: type[SQLModel], key: str) -> TypeAdapter[Any]:
    """What a cursor may hold for a sort column: the model field's own type and constraints."""
    if key == "id":
        return ID_TYPE
    field = model.model_fields[key]
    key_type: Any = field.annotation
    if field.metadata:  # Annotated needs some: a uuid field has none
        key_type = Annotated[key_type, *field.metadata]
    return TypeAdapter(key_type)


def _decode(
    cursor: str, context: bytes, model: type[SQLModel], columns: list[Column[Any]]
) -> list[Any]:
    """The sort key a cursor holds, checked against the columns it must fit; 422 otherwise."""
    try:
        values = _open(cursor, context)
        # Signed by this service, yet checked as strictly as input: a cursor issued by an
        # older version, or under a secret that leaked, must not reach the database unchecked.
        if not isinstance(values, list) or len(values) != len(columns):
            raise ValueError("the cursor does not fit this sort order")
        pairs = zip(columns, values, strict=True)
        return [_key_type(model, column.key).validate_python(value) for column, value in pairs]
    except (ValueError, ValidationError, OverflowError, RecursionError) as error:
        # Never a 500: a cursor is client input, whether truncated, edited or made up.
        raise UnprocessableError(INVALID_CURSOR, loc=("query", "cursor")) from error
{%- endif %}
