"""List filters, Django-style: `title=...`, `price__gte=...`, `title__contains=...`, `age__isnull=true`.

Each entity's query model declares the filters its fields take (and so validates them and
documents them in OpenAPI); this turns whichever were given into WHERE clauses.
"""

from typing import Any, TypeVar

from sqlalchemy import Column, ColumnElement, func, inspect
from sqlmodel import SQLModel
from sqlmodel.sql.expression import SelectOfScalar

from .pagination import PageQuery

ModelT = TypeVar("ModelT", bound=SQLModel)
# Parameters that choose the page rather than filter the rows.
PAGE_PARAMETERS = frozenset({*PageQuery.model_fields, "sort"})


def filtered(
    statement: SelectOfScalar[ModelT], model: type[SQLModel], query: PageQuery
) -> SelectOfScalar[ModelT]:
    columns = inspect(model).columns
    given = query.model_dump(exclude=set(PAGE_PARAMETERS), exclude_none=True)
    for parameter, value in given.items():
        name, _, operator = parameter.partition("__")
        statement = statement.where(_condition(columns[name], operator, value))
    return statement


def _condition(column: Column[Any], operator: str, value: Any) -> ColumnElement[bool]:
    condition: ColumnElement[bool]
    if operator == "gte":
        condition = column >= value
    elif operator == "lte":
        condition = column <= value
    elif operator == "contains":
        condition = column.icontains(value, autoescape=True)
    elif operator == "isnull":
        condition = column.is_(None) if value else column.is_not(None)
    elif column.info.get("ignore_case"):
        # Emails: equal ignoring case, as their unique index compares them.
        condition = func.lower(column) == func.lower(value)
    else:
        condition = column == value
    return condition
