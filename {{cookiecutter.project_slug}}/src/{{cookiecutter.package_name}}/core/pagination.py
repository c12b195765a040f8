"""Offset pagination: the query parameters, the page shape, and one query helper."""

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import func, inspect
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

ItemT = TypeVar("ItemT")
ModelT = TypeVar("ModelT", bound=SQLModel)

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
# Deep offsets scan and discard every skipped row; past this, filter instead.
MAX_OFFSET = 1_000_000

SortKey = Literal[
    "id", "-id", "name", "-name", "created_at", "-created_at", "updated_at", "-updated_at"
]


class PageQuery(BaseModel):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    sort: SortKey = Field("id", description="A field to sort by; a leading '-' sorts descending")


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    total: int
    limit: int
    offset: int


async def fetch_page(
    session: AsyncSession, query: SelectOfScalar[ModelT], model: type[ModelT], page: PageQuery
) -> tuple[list[ModelT], int]:
    """One page of `query` in a stable order, and the number of rows it matches."""
    count_query = select(func.count()).select_from(query.order_by(None).subquery())
    total = (await session.exec(count_query)).one()
    table = inspect(model)
    # The primary key breaks ties, so rows never move between pages while the data stands still.
    columns = [table.columns[page.sort.removeprefix("-")], *table.primary_key]
    descending = page.sort.startswith("-")
    order = [column.desc() if descending else column.asc() for column in columns]
    rows = await session.exec(query.order_by(*order).offset(page.offset).limit(page.limit))
    return list(rows.all()), total
