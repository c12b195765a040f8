{%- set int_ids = cookiecutter.primary_key == "int" -%}
"""List filters, Django-style: `title=...`, `price__gte=...`, `title__contains=...`, `age__isnull=true`,
`status__in=draft,in_print`.

Each entity's query model declares the filters its fields take (and so validates them and
documents them in OpenAPI); this turns whichever were given into WHERE clauses.
"""

from typing import Annotated, Any, TypeVar
{%- if not int_ids %}
from uuid import UUID
{%- endif %}

from pydantic import BeforeValidator, Field, WithJsonSchema
from sqlalchemy import Column, ColumnElement, func, inspect
from sqlmodel import SQLModel
from sqlmodel.sql.expression import SelectOfScalar

{% if int_ids -%}
from .ids import MAX_ID
{% endif -%}
from .pagination import PageQuery

ModelT = TypeVar("ModelT", bound=SQLModel)
ItemT = TypeVar("ItemT")
# Parameters that choose the page rather than filter the rows.
PAGE_PARAMETERS = frozenset({*PageQuery.model_fields, "sort"})
# Values a `field__in` filter takes at most: an IN list stays short, and so does the URL.
MAX_IN = 100
IN_DESCRIPTION = f"Comma-separated values, at most {MAX_IN}: the rows that match any of them"


def _split(value: Any) -> Any:
    """`a,b,c` as the list of its values (the parameter given several times adds to it)."""
    parts = value if isinstance(value, list) else [value]
    if not all(isinstance(part, str) for part in parts):
        return value  # not from a query string: the list type refuses it
    items = [item.strip() for part in parts for item in part.split(",")]
    if items == [""]:
        raise ValueError("Give at least one value")
    if len(items) > MAX_IN:
        raise ValueError(f"Give at most {MAX_IN} comma-separated values")
    return items


# A `field__in` parameter: one string in the query (and in OpenAPI), a list of checked values
# in the model. An invalid value is a 422 at the parameter and its position, never a 500.
InList = Annotated[list[ItemT], BeforeValidator(_split), WithJsonSchema({"type": "string"})]
# The values of `__in` lists whose columns hold less than Python's int: a larger one would
# overflow the driver.
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
{%- if int_ids %}
IdValue = Annotated[int, Field(ge=1, le=MAX_ID)]
{%- else %}
IdValue = UUID
{%- endif %}


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
    elif operator == "in":
        condition = column.in_(value)
    elif column.info.get("ignore_case"):
        # Emails: equal ignoring case, as their unique index compares them.
        condition = func.lower(column) == func.lower(value)
    else:
        condition = column == value
    return condition
