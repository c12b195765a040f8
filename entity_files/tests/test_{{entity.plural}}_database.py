{%- set e = entity.name -%}
{%- set E = entity.class_name -%}
{%- set uuid = cookiecutter.primary_key == "uuid" -%}
{%- set emails = entity.fields | selectattr("ignore_case") | rejectattr("hidden") | list -%}
{%- set unique_emails = emails | selectattr("unique") | list -%}
"""The {{ entity.table }} table holds every rule the API checks on {{ entity.plural | replace("_", " ") }}.

A row that SQL writes (a data migration, another service) obeys the same rules as one the
API writes, so every row the database accepts reads back through the API.
"""

{% if entity.fields | selectattr("type", "equalto", "decimal") | list -%}
from decimal import Decimal
{% endif -%}
from math import isnan
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import column, insert, table
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

{% set imports = [("factories", [e ~ "_body"]), ("samples", ["same"]), ("%s.core.tables" % cookiecutter.package_name, ["metadata"]), ("%s.%s.models" % (cookiecutter.package_name, entity.plural), [E, E ~ "Create"])] -%}
{% if entity.owner_field %}{% set _ = imports.append(("factories", ["new_user"])) %}{% endif -%}
{% if emails %}{% set _ = imports.append(("factories", ["new_" ~ e])) %}{% set _ = imports.append(("conftest", ["detail"])) %}{% endif -%}
{% for f in entity.fields if f.type == "text" %}{% set _ = imports.append(("%s.core.text" % cookiecutter.package_name, ["MAX_TEXT"])) %}{% endfor -%}
{{ imports | import_block }}

URL = "/api/v1/{{ entity.route }}"
DECLARED = metadata.tables["{{ entity.table }}"]
# The table as SQL from elsewhere sees it: its columns and their types, none of the models' defaults.
TABLE = table(DECLARED.name, *(column(c.name, c.type) for c in DECLARED.c))
# Columns an INSERT must give: every other one has a server default or may be null.
{%- set required = (["id"] if uuid else []) + (entity.fields | selectattr("required") | map(attribute="column") | list) %}
{{ "REQUIRED_COLUMNS: list[str]" | assignment(required | map("quoted") | list, "[]") }}
# The declared defaults, which the database fills in for a row that SQL inserts without them.
{%- set defaults = [] %}
{%- for f in entity.shown_fields if f.has_default %}{% set _ = defaults.append('"%s": %s' % (f.column, f.default_json)) %}{% endfor %}
{{ "DEFAULTS: dict[str, Any]" | assignment(defaults, "{}") }}
# (column, value) pairs the database refuses: each breaks a CHECK constraint, or the column's
# type where the database enforces it.
{%- set refused = [] %}
{%- for f in entity.fields %}{% for value in f.database_hostile %}{% set _ = refused.append('("%s", %s)' % (f.column, value)) %}{% endfor %}{% endfor %}
{{ "REFUSED: list[tuple[str, Any]]" | assignment(refused, "[]") }}
{%- if emails %}
# Email fields: unique and equal ignoring case, and shown as they were given.
{{ "EMAILS: list[str]" | assignment(emails | map(attribute="column") | map("quoted") | list, "[]") }}
{{ "UNIQUE_EMAILS: list[str]" | assignment(unique_emails | map(attribute="column") | map("quoted") | list, "[]") }}
{%- endif %}


async def valid_row(client: AsyncClient) -> dict[str, Any]:
    """Every column of a valid row, as the service would store it (referenced rows exist)."""
    body = await {{ e }}_body(client)
{%- if entity.owner_field %}
    # No body names the owner: the service makes it the caller.
    owner = {"{{ entity.owner_field.column }}": (await new_user(client))["id"]}
{{ ("item = %s.model_validate" % E) | call_line(["%sCreate.model_validate(body)" % E, "update=owner"]) }}
{%- else %}
    item = {{ E }}.model_validate({{ E }}Create.model_validate(body))
{%- endif %}
    return {name: value for name, value in item.model_dump().items() if value is not None}


@pytest.mark.parametrize(("column", "value"), REFUSED)
async def test_the_database_refuses_a_row_the_api_would_refuse(
    client: AsyncClient, connection: AsyncConnection, column: str, value: Any
) -> None:
    if isinstance(value, float) and isnan(value) and connection.dialect.name == "sqlite":
        pytest.skip("SQLite stores NaN as NULL")
    row = await valid_row(client) | {column: value}
    with pytest.raises(DBAPIError) as refused:
        async with connection.begin_nested():
            await connection.execute(insert(TABLE).values(row))
    # A CHECK refuses it (an integrity error), or on PostgreSQL the column's type does first
    # (a data exception: NUMERIC(P, S), VARCHAR(N) and int4 hold their own ranges).
    sqlstate = str(getattr(refused.value.orig, "sqlstate", "") or "")
    assert isinstance(refused.value, IntegrityError) or sqlstate.startswith("22"), refused.value


async def test_a_row_inserted_by_sql_with_only_the_required_columns_reads_back(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    row = await valid_row(client)
    given = {name: row[name] for name in REQUIRED_COLUMNS}
    result = await connection.execute(insert(TABLE).values(given).returning(TABLE.c.id))
    item_id = result.scalar_one()
    response = await client.get(f"{URL}/{item_id}")
    assert response.status_code == 200, response.text
    shown = response.json()
    for name, value in DEFAULTS.items():
        assert same(value, shown[name]), (name, shown[name])
    # The database's clock, read back in UTC like every other time.
    assert shown["created_at"].endswith("Z"), shown["created_at"]
    assert shown["updated_at"].endswith("Z"), shown["updated_at"]
    listed = await client.get(URL, params={"limit": 100})
    assert listed.status_code == 200, listed.text
    assert [item["id"] for item in listed.json()["items"]] == [shown["id"]]
    for sort in ("created_at", "-updated_at"):
        assert (await client.get(URL, params={"sort": sort})).status_code == 200
{%- if emails %}


def _mixed_case(email: str) -> str:
    """`READER1@Example.COM`: capitals where an address had none."""
    local, _, domain = email.partition("@")
    name, _, top = domain.rpartition(".")
    return f"{local.upper()}@{name.capitalize()}.{top.upper()}"


@pytest.mark.parametrize("column", EMAILS)
async def test_an_email_is_shown_as_given_and_filters_ignoring_its_case(
    client: AsyncClient, column: str
) -> None:
    given = _mixed_case((await {{ e }}_body(client))[column])
    fields: dict[str, Any] = {column: given}
    created = await new_{{ e }}(client, **fields)
    assert created[column] == given
    shown = (await client.get(f"{URL}/{created['id']}")).json()
    assert shown[column] == given
    listed = await client.get(URL, params={column: given.lower()})
    assert listed.status_code == 200, listed.text
    assert [item["id"] for item in listed.json()["items"]] == [created["id"]]


@pytest.mark.parametrize("column", UNIQUE_EMAILS)
async def test_emails_that_differ_only_in_case_clash(client: AsyncClient, column: str) -> None:
    first = await new_{{ e }}(client)
    clash = _mixed_case(first[column])
    fields: dict[str, Any] = {column: clash}
    response = await client.post(URL, json=await {{ e }}_body(client, **fields))
    assert response.status_code == 409, response.text
    assert column in detail(response) and clash in detail(response), detail(response)
    fresh = await {{ e }}_body(client)
    bulk = [fresh, await {{ e }}_body(client, **fields)]
    refused = await client.post(f"{URL}/bulk", json=bulk)
    assert refused.status_code == 409, refused.text
    assert detail(refused).startswith("Item 1:"), detail(refused)
    assert column in detail(refused)
{%- endif %}
