{%- set left, right = link.left, link.right -%}
{%- set L = link.class_name -%}
"""The {{ link.table }} table holds every rule the API checks on {{ left.label }}-{{ right.label }} links.

A row that SQL writes (a data migration, another service) obeys the same rules as one the
API writes, so every row the database accepts reads back through the API.
"""

{% if link.fields | selectattr("type", "equalto", "decimal") | list -%}
from decimal import Decimal
{% endif -%}
from math import isnan
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import column, insert, table
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

{% set imports = [("factories", ["new_" ~ left.name, "new_" ~ right.name]), ("samples", ["same"]), ("%s.core.tables" % cookiecutter.package_name, ["metadata"]), ("%s.links.%s.models" % (cookiecutter.package_name, link.package), [L])] -%}
{% if link.fields %}{% set _ = imports.append(("factories", [link.package ~ "_link_body"])) %}{% endif -%}
{% for f in link.fields if f.type == "text" %}{% set _ = imports.append(("%s.core.text" % cookiecutter.package_name, ["MAX_TEXT"])) %}{% endfor -%}
{{ imports | import_block }}

URL = "/api/v1/{{ left.route }}/{id}/{{ right.route }}"
DECLARED = metadata.tables["{{ link.table }}"]
# The table as SQL from elsewhere sees it: its columns and their types, none of the models' defaults.
TABLE = table(DECLARED.name, *(column(c.name, c.type) for c in DECLARED.c))
# Columns an INSERT must give: every other one has a server default or may be null.
{%- set required = [left.name ~ "_id", right.name ~ "_id"] + (link.fields | selectattr("required") | map(attribute="column") | list) %}
{{ "REQUIRED_COLUMNS: list[str]" | assignment(required | map("quoted") | list, "[]") }}
# The declared defaults, which the database fills in for a row that SQL inserts without them.
{%- set defaults = [] %}
{%- for f in link.fields if f.has_default %}{% set _ = defaults.append('"%s": %s' % (f.column, f.default_json)) %}{% endfor %}
{{ "DEFAULTS: dict[str, Any]" | assignment(defaults, "{}") }}
# (column, value) pairs the database refuses: each breaks a CHECK constraint, or the column's
# type where the database enforces it.
{%- set refused = [] %}
{%- for f in link.fields %}{% for value in f.database_hostile %}{% set _ = refused.append('("%s", %s)' % (f.column, value)) %}{% endfor %}{% endfor %}
{{ "REFUSED: list[tuple[str, Any]]" | assignment(refused, "[]") }}


async def valid_row(client: AsyncClient) -> dict[str, Any]:
    """Every column of a valid link, as the service would store it (both sides exist)."""
    item, other = await new_{{ left.name }}(client), await new_{{ right.name }}(client)
    ids = {"{{ left.name }}_id": item["id"], "{{ right.name }}_id": other["id"]}
    body = {{ (link.package ~ "_link_body() | ids") if link.fields else "ids" }}
    link = {{ L }}.model_validate(body)
    return {name: value for name, value in link.model_dump().items() if value is not None}


@pytest.mark.parametrize(("column", "value"), REFUSED)
async def test_the_database_refuses_a_link_the_api_would_refuse(
    client: AsyncClient, connection: AsyncConnection, column: str, value: Any
) -> None:
    if isinstance(value, float) and isnan(value) and connection.dialect.name == "sqlite":
        pytest.skip("SQLite stores NaN as NULL")
    row = await valid_row(client) | {column: value}
    with pytest.raises(DBAPIError) as refused:
        async with connection.begin_nested():
            await connection.execute(insert(TABLE).values(row))
    # A CHECK refuses it (an integrity error), or on PostgreSQL the column's type does first.
    sqlstate = str(getattr(refused.value.orig, "sqlstate", "") or "")
    assert isinstance(refused.value, IntegrityError) or sqlstate.startswith("22"), refused.value


async def test_a_link_inserted_by_sql_with_only_the_required_columns_reads_back(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    row = await valid_row(client)
    await connection.execute(insert(TABLE).values({name: row[name] for name in REQUIRED_COLUMNS}))
    listed = await client.get(URL.format(id=row["{{ left.name }}_id"]))
    assert listed.status_code == 200, listed.text
    (shown,) = listed.json()["items"]
    for name, value in DEFAULTS.items():
        assert same(value, shown["link"][name]), (name, shown["link"][name])
    # The database's clock, read back in UTC like every other time.
    assert shown["link"]["created_at"].endswith("Z"), shown["link"]["created_at"]
