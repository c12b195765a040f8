{%- set e = entity.name -%}
{%- set tree = entity.tree_field -%}
{%- set cursor = cookiecutter.pagination == "cursor" -%}
{%- set soft = cookiecutter.soft_delete -%}
{%- set shown = entity.shown_fields | rejectattr("is_reference") | list -%}
{%- set first = (entity.fields | rejectattr("is_reference") | rejectattr("hidden") | list) -%}
{#- References a body may give: all but the owner, who is the caller (test_<plural>_ownership.py). -#}
{%- set body_refs = entity.references | rejectattr("is_owner") | list -%}
{#- References to entities of the domain, whose rows these tests delete (the users' are not theirs). -#}
{%- set domain_refs = entity.entity_references -%}
{#- References to users in a unique group: new_user is the caller every time, so rows that must differ there each get a user of their own. -#}
{%- set unique_users = body_refs | selectattr("builtin_user") | selectattr("column", "in", entity.body_unique_groups | sum(start=())) | map(attribute="column") | list -%}
"""The {{ entity.route }} endpoints, end to end through the API: every declared field, filter and sort key."""

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient

{% set imports = [("conftest", ["MISSING_ID", "BAD_IDS", "StatementCounter", "detail"] + (["forged_cursor"] if cursor else [])), ("factories", [e ~ "_body", "new_" ~ e]), ("samples", ["same"])] -%}
{% for f in body_refs %}{% set _ = imports.append(("factories", ["new_" ~ f.target])) %}{% endfor -%}
{% if unique_users %}{% set _ = imports.append(("factories", ["another_user"])) %}{% endif -%}
{% for parent, f in plan.listed_under(entity) %}{% set _ = imports.append(("factories", ["new_" ~ parent.name])) %}{% endfor -%}
{% for f in entity.fields if f.type == "text" %}{% set _ = imports.append(("%s.core.text" % cookiecutter.package_name, ["MAX_TEXT"])) %}{% endfor -%}
{{ imports | import_block }}

URL = "/api/v1/{{ entity.route }}"
# Fields a create must give (no default, not optional).
{{ "REQUIRED: list[str]" | assignment(entity.update_fields | selectattr("required") | map(attribute="column") | map("quoted") | list, "[]") }}
# Fields accepted but never shown.
{{ "HIDDEN: list[str]" | assignment(entity.hidden_fields | map(attribute="column") | map("quoted") | list, "[]") }}
# Column groups that must be unique{% if entity.owner_uniques %}, as bodies give them: a group over the owner
# holds per owner (the caller), so these tests make each row as one user{% endif %}.
{{ "UNIQUE: list[tuple[str, ...]]" | assignment(entity.body_unique_groups | map("string_tuple") | list, "[]") }}
{%- if unique_users %}
# References to users among them.
{{ "UNIQUE_USERS" | assignment(unique_users | map("quoted") | list) }}
{%- endif %}
# (query parameter, field, operator) for every list filter.
{%- set filters = [] %}
{%- for f in entity.fields %}{% for param, op in f.filters %}{% set _ = filters.append([param, f.column, op] | map("quoted") | list | string_tuple_raw) %}{% endfor %}{% endfor %}
{{ "FILTERS: list[tuple[str, str, str]]" | assignment(filters, "[]") }}
# Each reference's field, and the factory of the entity it points at.
{%- set references = [] %}
{%- for f in body_refs %}{% set _ = references.append('"%s": new_%s' % (f.column, f.target)) %}{% endfor %}
{{ "REFERENCES: dict[str, Any]" | assignment(references, "{}") }}
{{ "SORT_KEYS: list[str]" | assignment(entity.sort_keys | map("quoted") | list, "[]") }}
{{ "NULLABLE_SORT_KEYS: list[str]" | assignment(entity.fields | selectattr("sortable") | selectattr("optional") | map(attribute="column") | map("quoted") | list, "[]") }}
# Sort keys of text, which sorts as text even where it reads as a number ("9" before "b").
{{ "TEXT_SORT_KEYS: list[str]" | assignment(entity.fields | selectattr("sortable") | selectattr("info.textual") | map(attribute="column") | map("quoted") | list, "[]") }}
# (field, value) pairs a create must refuse with a 422 at that field.
{%- set hostile = [] %}
{%- for f in entity.update_fields %}{% for value in f.hostile %}{% set _ = hostile.append('("%s", %s)' % (f.column, value)) %}{% endfor %}{% endfor %}
{{ "HOSTILE: list[tuple[str, Any]]" | assignment(hostile, "[]") }}
# (query parameter, value) pairs a list must refuse: beyond what the column can hold.
{%- set filter_hostile = [] %}
{%- for f in entity.fields %}{% for param, value in f.filter_hostile %}{% set _ = filter_hostile.append('("%s", %s)' % (param, value)) %}{% endfor %}{% endfor %}
{{ "HOSTILE_FILTERS: list[tuple[str, Any]]" | assignment(filter_hostile, "[]") }}
# (`__in` parameter, field, a value it must refuse) for every list filter that takes several values.
{%- set in_hostile = [] %}
{%- for f in entity.fields if f.in_hostile %}{% set _ = in_hostile.append('("%s__in", "%s", %s)' % (f.column, f.column, f.in_hostile)) %}{% endfor %}
{{ "IN_FILTERS: list[tuple[str, str, str]]" | assignment(in_hostile, "[]") }}


def holds(operator: str, actual: Any, value: Any) -> bool:
    """Whether a listed item's value passes the filter it was listed by."""
    if operator == "isnull":
        return (actual is None) is bool(value)
    if actual is None:
        return False
    if operator == "contains":
        return str(value).lower() in str(actual).lower()
    if operator == "in":
        return str(actual) in str(value).split(",")
    if operator == "eq":
        return same(value, actual)
    low, high = (value, actual) if operator == "gte" else (actual, value)
    return bool(same(low, high) or _before(low, high))


def order_key(value: Any) -> Any:
    """How the database orders a shown value: numbers, decimals and times by value, text as text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    for parse in (Decimal, datetime.fromisoformat):
        try:
            return parse(value)
        except (ArithmeticError, ValueError):
            pass
    return str(value)


def _before(low: Any, high: Any) -> bool:
    try:
        return float(low) < float(high)
    except (TypeError, ValueError):
        return str(low) < str(high)


{{ ("test_create_" ~ e ~ "_round_trips_every_field") | def_line(["client: AsyncClient"], "None") }}
    body = await {{ e }}_body(client)
    response = await client.post(URL, json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    for field, value in body.items():
        if field in HIDDEN:
            assert field not in created, field
        else:
            assert same(value, created[field]), (field, value, created[field])
    assert created["created_at"].endswith(("Z", "+00:00"))
    fetched = await client.get(f"{URL}/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == created
    assert (await client.get(f"{URL}/{MISSING_ID}")).status_code == 404
    for bad_id, refused in BAD_IDS.items():
        assert (await client.get(f"{URL}/{bad_id}")).status_code == refused, bad_id


@pytest.mark.parametrize("field", REQUIRED or [None])
{{ ("test_create_" ~ e ~ "_without_a_required_field_returns_422") | def_line(["client: AsyncClient", "field: str | None"], "None") }}
    body = await {{ e }}_body(client)
    if field is None:
        return  # every field is optional or has a default
    del body[field]
    response = await client.post(URL, json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]


{{ ("test_optional_fields_of_" ~ e ~ "_may_be_omitted") | def_line(["client: AsyncClient"], "None") }}
    body = await {{ e }}_body(client)
    minimal = {field: value for field, value in body.items() if field in REQUIRED}
    response = await client.post(URL, json=minimal)
    assert response.status_code == 201, response.text
{%- for f in entity.shown_fields if not f.required %}
{%- if not f.has_default %}
    assert response.json()["{{ f.column }}"] is None
{%- elif f.type == "bool" %}
    assert response.json()["{{ f.column }}"] is {{ f.default }}
{%- else %}
    assert same({{ f.default_json }}, response.json()["{{ f.column }}"])
{%- endif %}
{%- endfor %}


@pytest.mark.parametrize(("field", "value"), HOSTILE)
{{ ("test_create_" ~ e ~ "_refuses_a_bad_value") | def_line(["client: AsyncClient", "field: str", "value: Any"], "None") }}
    # json.dumps, unlike httpx's json=, writes non-finite floats (as Python's parser reads them).
    body = json.dumps(await {{ e }}_body(client) | {field: value})
    response = await client.post(URL, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422, (field, value)
    assert response.json()["detail"][0]["loc"][:2] == ["body", field]
    assert len(response.content) < 2_000, "the error must not echo the whole input"


{{ ("test_unknown_fields_are_refused_by_" ~ e ~ "_endpoints") | def_line(["client: AsyncClient"], "None") }}
    body = await {{ e }}_body(client)
    response = await client.post(URL, json=body | {"no_such_field": 1})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "no_such_field"]
    created = await new_{{ e }}(client)
    patched = await client.patch(f"{URL}/{created['id']}", json={"no_such_field": "x"})
    assert patched.status_code == 422
    assert (await client.get(f"{URL}/{created['id']}")).json() == created
    assert (await client.get(URL, params={"no_such_field": "x"})).status_code == 422


async def unique_body(client: AsyncClient) -> dict[str, Any]:
    """A create body with a value in every unique column: NULLs never clash, so each optional
    reference among them gets a row to point at{% if unique_users %}, and each reference to users a new user{% endif %}."""
    body = await {{ e }}_body(client)
    for column in {column for columns in UNIQUE for column in columns}:
{%- if unique_users %}
        if column in UNIQUE_USERS:
            body[column] = (await another_user())["id"]
        elif body.get(column) is None and column in REFERENCES:
{%- else %}
        if body.get(column) is None and column in REFERENCES:
{%- endif %}
            body[column] = (await REFERENCES[column](client))["id"]
    return body


@pytest.mark.parametrize("columns", UNIQUE or [()])
{{ ("test_duplicate_" ~ e ~ "_returns_409_naming_the_values") | def_line(["client: AsyncClient", "columns: tuple[str, ...]"], "None") }}
    if not columns:
        return  # nothing is unique
    first = await unique_body(client)
    assert (await client.post(URL, json=first)).status_code == 201
    clash = {column: first[column] for column in columns}
    response = await client.post(URL, json=await {{ e }}_body(client) | clash)
    assert response.status_code == 409, response.text
    for column in columns:
        assert column in detail(response)
    other = await new_{{ e }}(client)
    assert (await client.patch(f"{URL}/{other['id']}", json=clash)).status_code == 409


@pytest.mark.parametrize(("parameter", "field", "operator"), FILTERS)
{{ ("test_list_" ~ entity.plural ~ "_filters") | def_line(["client: AsyncClient", "parameter: str", "field: str", "operator: str"], "None") }}
    items = [await new_{{ e }}(client) for _ in range(3)]
    if field in REFERENCES:
        target = await REFERENCES[field](client)
        items.insert(1, await new_{{ e }}(client, **{field: target["id"]}))
    if operator == "isnull":
        value: Any = True
        items.append(await new_{{ e }}(client, **{field: None}))
    else:
        value = items[1][field]
        if operator == "contains":
            value = str(value)[1:4]
        elif operator == "in":  # two of the rows' values (an optional reference may have none)
            value = ",".join(str(item[field]) for item in items[1:3] if item[field] is not None)
    params: dict[str, Any] = {parameter: value, "limit": 100}
    page = await client.get(URL, params=params)
    assert page.status_code == 200, page.text
    listed = page.json()["items"]
    assert listed, (parameter, value)
    assert all(holds(operator, item[field], value) for item in listed), (parameter, value)
    wanted = [item["id"] for item in items if holds(operator, item[field], value)]
    assert set(wanted) <= {item["id"] for item in listed}


@pytest.mark.parametrize("sort", [*SORT_KEYS, *(f"-{key}" for key in SORT_KEYS)])
{{ ("test_list_" ~ entity.plural ~ "_walks_every_sort_order") | def_line(["client: AsyncClient", "sort: str"], "None") }}
    key = sort.removeprefix("-")
    for _ in range(5):
        await new_{{ e }}(client)
    if key in NULLABLE_SORT_KEYS:  # rows without a value sort last ascending, first descending
        for _ in range(3):
            await new_{{ e }}(client, **{key: None})
    everything = (await client.get(URL, params={"sort": sort, "limit": 100})).json()["items"]
    walked: list[dict[str, Any]] = []
{%- if cursor %}
    params: dict[str, Any] = {"sort": sort, "limit": 2}
    for _ in everything:  # a bounded loop: a cursor that never ends fails the test
        page = (await client.get(URL, params=params)).json()
        walked += page["items"]
        params["cursor"] = page["next_cursor"]
        if params["cursor"] is None:
            break
{%- else %}
    for offset in range(0, len(everything), 2):
        params: dict[str, Any] = {"sort": sort, "limit": 2, "offset": offset}
        walked += (await client.get(URL, params=params)).json()["items"]
{%- endif %}
    assert walked == everything
    values = [item[key] for item in everything]
    present = [v for v in values if v is not None]
    descending = sort.startswith("-")
    as_stored = str if key in TEXT_SORT_KEYS else order_key
    assert present == sorted(present, key=as_stored, reverse=descending)
    nulls = [v is None for v in values]
    assert nulls == sorted(nulls, reverse=descending)


{{ ("test_methods_a_path_does_not_take_get_405_naming_those_it_does") | def_line(["client: AsyncClient"], "None") }}
    bulk = await client.patch(f"{URL}/bulk", json={})
    assert (bulk.status_code, bulk.headers["allow"]) == (405, "POST")
    one = await client.put(f"{URL}/{MISSING_ID}", json={})
    assert one.status_code == 405
    assert set(one.headers["allow"].split(", ")) >= {"GET", "PATCH", "DELETE"}


{{ ("test_list_" ~ entity.plural ~ "_rejects_out_of_range_queries") | def_line(["client: AsyncClient"], "None") }}
    for parameter, value in HOSTILE_FILTERS:
        response = await client.get(URL, params={parameter: value})
        assert response.status_code == 422, (parameter, value)
    for params in (
        {"limit": 0},
        {"limit": 101},
        {"limit": 10**20},
{%- if cursor %}
        {"cursor": "x" * 2049},
        {"cursor": "-1"},
        {"cursor": "\x00"},
{%- else %}
        {"offset": -1},
        {"offset": 10**20},
{%- endif %}
        {"sort": "password"},
        {"sort": "name; DROP TABLE x"},
    ):
        response = await client.get(URL, params=params)
        assert response.status_code == 422, params
{%- if cursor %}


{{ ("test_list_" ~ entity.plural ~ "_takes_only_cursors_it_issued_for_the_same_list") | def_line(["client: AsyncClient"], "None") }}
    for _ in range(2):
        await new_{{ e }}(client)
    params: dict[str, Any] = {"sort": "-created_at", "limit": 1}
    issued = (await client.get(URL, params=params)).json()["next_cursor"]
    assert issued is not None
    assert (await client.get(URL, params={**params, "cursor": issued})).status_code == 200
    middle = len(issued) // 2
    edited = issued[:middle] + ("A" if issued[middle] != "A" else "B") + issued[middle + 1 :]
    refused = [
        {**params, "cursor": edited},
        {**params, "cursor": issued[:-4]},
        {**params, "sort": "-id", "cursor": issued},
        # What unsigned cursors held and crashed on: a time past year 9999 in UTC, and
        # nesting deep enough to make a JSON parser recurse past Python's limit.
        {**params, "cursor": forged_cursor('["-created_at","9999-12-31T23:59:59-14:00",1]')},
        {**params, "cursor": forged_cursor("[" * 1100)},
        {**params, "cursor": forged_cursor("[]")},
    ]
    # Another filter makes another list: its pages would skip or repeat rows.
    for parameter, _, operator in FILTERS:
        if operator in ("isnull", "contains"):
            value = "false" if operator == "isnull" else "x"
            refused.append({**params, parameter: value, "cursor": issued})
            break
    for bad in refused:
        response = await client.get(URL, params=bad)
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["loc"] == ["query", "cursor"]
{%- endif %}


@pytest.mark.parametrize(("parameter", "field", "bad"), IN_FILTERS or [("", "", "")])
{{ ("test_list_" ~ entity.plural ~ "_in_filters_take_up_to_100_valid_values") | def_line(["client: AsyncClient", "parameter: str", "field: str", "bad: str"], "None") }}
    if not parameter:
        return  # no field takes a list of values
    fields: dict[str, Any] = {}
    if field in REFERENCES:
        fields[field] = (await REFERENCES[field](client))["id"]
    item = await new_{{ e }}(client, **fields)
    value = str(item[field])
    page = await client.get(URL, params={parameter: f"{value},{value}", "limit": 100})
    assert page.status_code == 200, page.text
    assert item["id"] in [row["id"] for row in page.json()["items"]]
    for refused in (f"{value},{bad}", ",".join([value] * 101), ""):
        response = await client.get(URL, params={parameter: refused})
        assert response.status_code == 422, (parameter, refused[:100])
        assert response.json()["detail"][0]["loc"][:2] == ["query", parameter]


{{ ("test_update_" ~ e ~ "_changes_only_given_fields") | def_line(["client: AsyncClient"], "None") }}
    created = await new_{{ e }}(client)
    fresh = await {{ e }}_body(client)
    changed = [field for field in fresh if field not in HIDDEN][:1]
    response = await client.patch(f"{URL}/{created['id']}", json={f: fresh[f] for f in changed})
    assert response.status_code == 200, response.text
    body = response.json()
    # A changed reference embeds its new row.
    embedded = {column.removesuffix("_id") for column in changed if column in REFERENCES}
    for field in created:
        if field in changed:
            assert same(fresh[field], body[field]), field
        elif field not in ("updated_at", *embedded):
            assert body[field] == created[field], field
    assert body["updated_at"] >= created["updated_at"]
    assert (await client.patch(f"{URL}/{MISSING_ID}", json={})).status_code == 404
    for field in REQUIRED[:1]:
        refused = await client.patch(f"{URL}/{created['id']}", json={field: None})
        assert refused.status_code == 422


{{ ("test_delete_" ~ e ~ "_returns_204_then_404") | def_line(["client: AsyncClient"], "None") }}
    created = await new_{{ e }}(client)
    assert (await client.delete(f"{URL}/{created['id']}")).status_code == 204
    assert (await client.get(f"{URL}/{created['id']}")).status_code == 404
    assert (await client.delete(f"{URL}/{created['id']}")).status_code == 404
    listed = (await client.get(URL, params={"limit": 100})).json()["items"]
    assert created["id"] not in [item["id"] for item in listed]


{{ ("test_" ~ e ~ "_etag_changes_with_the_row_and_guards_patch_and_delete") | def_line(["client: AsyncClient"], "None") }}
    created = await new_{{ e }}(client)
    url = f"{URL}/{created['id']}"
    etag = (await client.get(url)).headers["ETag"]
    assert (await client.get(url)).headers["ETag"] == etag
    changed = await client.patch(url, json={}, headers={"If-Match": etag})
    assert changed.status_code == 200, changed.text
    new_etag = changed.headers["ETag"]
    assert new_etag != etag
    assert (await client.get(url)).headers["ETag"] == new_etag
    # Strong comparison (RFC 9110): a weak tag, or one the service never issued, matches nothing.
    for stale in (etag, f"W/{new_etag}", '"x"', "x", f'"{2**64}"'):
        refused = await client.patch(url, json={}, headers={"If-Match": stale})
        assert refused.status_code == 412, stale
        assert (await client.delete(url, headers={"If-Match": stale})).status_code == 412
    assert (await client.get(url)).headers["ETag"] == new_etag
    either = await client.patch(url, json={}, headers={"If-Match": f"{etag}, {new_etag}"})
    assert either.status_code == 200, either.text
    current = {"If-Match": either.headers["ETag"]}
    assert (await client.delete(url, headers=current)).status_code == 204
    assert (await client.patch(url, json={}, headers={"If-Match": "*"})).status_code == 404
    assert (await client.delete(url, headers={"If-Match": "*"})).status_code == 404
{%- if soft %}


{{ ("test_deleted_" ~ e ~ "_can_be_restored") | def_line(["client: AsyncClient"], "None") }}
    body = await unique_body(client)
    created = await new_{{ e }}(client, **body)
    url = f"{URL}/{created['id']}"
    assert (await client.delete(url)).status_code == 204
    deleted = (await client.get(f"{URL}/deleted", params={"limit": 100})).json()["items"]
    assert created["id"] in [item["id"] for item in deleted]
    restored = await client.post(f"{url}/restore")
    assert restored.status_code == 200, restored.text
    assert restored.json()["id"] == created["id"]
    assert (await client.get(url)).headers["ETag"] == restored.headers["ETag"]
    deleted = (await client.get(f"{URL}/deleted", params={"limit": 100})).json()["items"]
    assert created["id"] not in [item["id"] for item in deleted]
    again = await client.post(f"{url}/restore")  # live already: the row, as a repeated call gets
    assert again.status_code == 200, again.text
    assert again.json()["id"] == created["id"]
    assert (await client.post(f"{URL}/{MISSING_ID}/restore")).status_code == 404
{%- for group in entity.unique_groups[:1] %}
    assert (await client.delete(url)).status_code == 204
    await new_{{ e }}(client, **{column: body[column] for column in UNIQUE[0]})
    assert (await client.post(f"{url}/restore")).status_code == 409
{%- endfor %}
{%- endif %}


{%- if soft %}
{%- for f in domain_refs if not f.optional %}
{%- set T = plan.entity(f.target) %}


{{ ("test_a_%s_comes_back_only_after_its_%s" % (e, f.name)) | def_line(["client: AsyncClient"], "None") }}
    target = await new_{{ f.target }}(client)
    created = await new_{{ e }}(client, {{ f.column }}=target["id"])
    url, parent_url = f"{URL}/{created['id']}", f"/api/v1/{{ T.route }}/{target['id']}"
    assert (await client.delete(url)).status_code == 204
    assert (await client.delete(parent_url)).status_code == 204
    refused = await client.post(f"{url}/restore")
    assert refused.status_code == 409
    assert "{{ f.column }}" in detail(refused)
    # The deleted rows' list shows what they need, deleted or not.
    params = {"{{ f.column }}": target["id"]}
    deleted = await client.get(f"{URL}/deleted", params=params)
    assert deleted.status_code == 200, deleted.text
    shown = [row["{{ f.name }}"]["id"] for row in deleted.json()["items"]]
    assert shown == [target["id"]]
    assert (await client.get(URL)).status_code == 200
    assert (await client.post(f"{parent_url}/restore")).status_code == 200
    assert (await client.post(f"{url}/restore")).status_code == 200
    assert (await client.get(url)).json()["{{ f.name }}"]["id"] == target["id"]
{%- endfor %}
{%- for f in domain_refs if f.ondelete == "CASCADE" %}
{%- set T = plan.entity(f.target) %}


{{ ("test_restoring_the_%s_of_%s_brings_back_those_its_delete_took" % (f.name, entity.plural)) | def_line(["client: AsyncClient"], "None") }}
    target = await new_{{ f.target }}(client)
    under_it = {"{{ f.column }}": target["id"]}
    taken = await new_{{ e }}(client, **under_it)
    # Deleted before, on its own: it stays deleted.
    earlier = await new_{{ e }}(client, **under_it)
    assert (await client.delete(f"{URL}/{earlier['id']}")).status_code == 204
    parent_url = f"/api/v1/{{ T.route }}/{target['id']}"
    assert (await client.delete(parent_url)).status_code == 204
    assert (await client.get(f"{URL}/{taken['id']}")).status_code == 404
    assert (await client.post(f"{parent_url}/restore")).status_code == 200
    assert (await client.get(f"{URL}/{taken['id']}")).status_code == 200
    assert (await client.get(f"{URL}/{earlier['id']}")).status_code == 404
{%- endfor %}
{%- endif %}


{{ ("test_bulk_create_" ~ entity.plural ~ "_is_all_or_nothing") | def_line(["client: AsyncClient"], "None") }}
    bodies = [await unique_body(client) for _ in range(3)]
    # Rows the bodies point at may be of this entity too (a tree).
    before = len((await client.get(URL, params={"limit": 100})).json()["items"])
    response = await client.post(f"{URL}/bulk", json=bodies)
    assert response.status_code == 201, response.text
    assert len(response.json()) == 3
{%- if entity.unique_groups %}
    fresh = await {{ e }}_body(client)
    clash = await {{ e }}_body(client) | {c: bodies[0][c] for c in UNIQUE[0]}
    refused = await client.post(f"{URL}/bulk", json=[fresh, clash])
    assert refused.status_code == 409
    assert detail(refused).startswith("Item 1:"), detail(refused)
{%- elif body_refs %}
    fresh = await {{ e }}_body(client)
    missing = {"{{ body_refs[0].column }}": MISSING_ID}
    refused = await client.post(f"{URL}/bulk", json=[fresh, fresh | missing])
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", 1, "{{ body_refs[0].column }}"]
{%- else %}
    fresh = await {{ e }}_body(client)
{%- endif %}
    listed = (await client.get(URL, params={"limit": 100})).json()["items"]
    assert len(listed) == before + 3
    too_many = [fresh] * 101
    assert (await client.post(f"{URL}/bulk", json=too_many)).status_code == 422
    assert (await client.post(f"{URL}/bulk", json=[])).status_code == 422
{%- for f in body_refs %}
{%- set T = plan.referenced(f) %}


{{ ("test_" ~ e ~ "_embeds_its_" ~ f.name ~ "_and_refuses_an_unknown_one") | def_line(["client: AsyncClient"], "None") }}
    target = await new_{{ f.target }}(client)
    created = await new_{{ e }}(client, {{ f.column }}=target["id"])
    assert created["{{ f.column }}"] == target["id"]
    assert created["{{ f.name }}"]["id"] == target["id"]
    fetched = (await client.get(f"{URL}/{created['id']}")).json()
    assert fetched["{{ f.name }}"]["id"] == target["id"]
    params = {"{{ f.column }}": target["id"]}
    listed = (await client.get(URL, params=params)).json()["items"]
    assert [item["{{ f.name }}"]["id"] for item in listed] == [target["id"]]
    unknown = {"{{ f.column }}": MISSING_ID}
    response = await client.post(URL, json=await {{ e }}_body(client) | unknown)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "{{ f.column }}"]
    moved = await client.patch(f"{URL}/{created['id']}", json=unknown)
    assert moved.status_code == 422
{%- if not f.builtin_user %}


{{ ("test_deleting_the_" ~ f.name ~ "_of_" ~ e) | def_line(["client: AsyncClient"], "None") }}
    target = await new_{{ f.target }}(client)
    created = await new_{{ e }}(client, {{ f.column }}=target["id"])
    response = await client.delete(f"/api/v1/{{ T.route }}/{target['id']}")
{%- if f.ondelete == "RESTRICT" %}
    # RESTRICT: the {{ entity.label }} still needs it.
    assert response.status_code == 409
    assert "referenced by {{ entity.table }}" in detail(response)
    assert (await client.get(f"{URL}/{created['id']}")).status_code == 200
{%- elif f.ondelete == "CASCADE" %}
    # CASCADE: the {{ entity.label }} goes with it.
    assert response.status_code == 204
    assert (await client.get(f"{URL}/{created['id']}")).status_code == 404
{%- else %}
    # SET NULL: the {{ entity.label }} stays{% if soft %}, keeping the reference for a restore{% endif %}.
    assert response.status_code == 204
    kept = (await client.get(f"{URL}/{created['id']}")).json()
{%- if soft %}
    assert kept["{{ f.column }}"] == target["id"]
    assert kept["{{ f.name }}"] is None
{%- else %}
    assert kept["{{ f.column }}"] is None
    assert kept["{{ f.name }}"] is None
{%- endif %}
{%- endif %}
{%- endif %}
{%- endfor %}
{%- if tree %}


{{ ("test_" ~ e ~ "_children_are_listed_and_cycles_are_refused") | def_line(["client: AsyncClient"], "None") }}
    root = await new_{{ e }}(client)
    child = await new_{{ e }}(client, {{ tree.column }}=root["id"])
    grandchild = await new_{{ e }}(client, {{ tree.column }}=child["id"])
    page = (await client.get(f"{URL}/{root['id']}/children")).json()
    assert [item["id"] for item in page["items"]] == [child["id"]]
    for new_parent in (root, grandchild):
        response = await client.patch(f"{URL}/{root['id']}", json={"{{ tree.column }}": new_parent["id"]})
        assert response.status_code == 422
    assert (await client.get(f"{URL}/{MISSING_ID}/children")).status_code == 404
    bad_page = {"{{ 'cursor' if cursor else 'offset' }}": "\x00"}
    assert (await client.get(f"{URL}/{root['id']}/children", params=bad_page)).status_code == 422
    unknown = {"no_such_field": "x"}
    assert (await client.get(f"{URL}/{root['id']}/children", params=unknown)).status_code == 422
{%- endif %}
{%- for parent, f in plan.listed_under(entity) %}


{{ ("test_%s_are_listed_under_their_%s" % (entity.plural, f.name)) | def_line(["client: AsyncClient"], "None") }}
    mine, other = await new_{{ parent.name }}(client), await new_{{ parent.name }}(client)
    kept = await new_{{ e }}(client, {{ f.column }}=mine["id"])
    await new_{{ e }}(client, {{ f.column }}=other["id"])
    url = f"/api/v1/{{ parent.route }}/{mine['id']}/{{ entity.route }}"
    page = (await client.get(url)).json()
    assert [item["id"] for item in page["items"]] == [kept["id"]]
    missing = f"/api/v1/{{ parent.route }}/{MISSING_ID}/{{ entity.route }}"
    assert (await client.get(missing)).status_code == 404
    bad_page = {"{{ 'cursor' if cursor else 'offset' }}": "\x00"}
    assert (await client.get(url, params=bad_page)).status_code == 422
    assert (await client.get(url, params={"no_such_field": "x"})).status_code == 422
    # The list's own filters and sort keys, but the one the path gives.
    given = "{{ f.column }}"
    assert (await client.get(url, params={given: other["id"]})).status_code == 422
    for parameter, field, operator in FILTERS:
        if operator in ("eq", "in") and field != given and kept[field] is not None:
            params = {parameter: kept[field], "sort": f"-{SORT_KEYS[-1]}"}
            page = (await client.get(url, params=params)).json()
            assert [item["id"] for item in page["items"]] == [kept["id"]], params
{%- endfor %}


{{ ("test_list_" ~ entity.plural ~ "_query_count_does_not_grow_with_page_size") | def_line(["client: AsyncClient", "statements: StatementCounter"], "None") }}
    # Every reference is set (the factory makes the required ones), so each is embedded; each
    # row gets rows of its own, since a unique group may allow only a few per referenced row.
    bodies = [await unique_body(client) for _ in range(50)]
{%- set optional_refs = body_refs | selectattr("optional") | rejectattr("column", "in", unique_users) | list %}
{%- if optional_refs %}
    for body in bodies:
{%- for f in optional_refs %}
        body["{{ f.column }}"] = (await new_{{ f.target }}(client))["id"]
{%- endfor %}
{%- endif %}
    assert (await client.post(f"{URL}/bulk", json=bodies)).status_code == 201
    counts = []
    for limit in (1, 50):
        statements.count = 0
        response = await client.get(URL, params={"limit": limit})
        assert len(response.json()["items"]) == limit
        counts.append(statements.count)
    assert counts[0] == counts[1], counts
