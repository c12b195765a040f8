{%- set left, right = link.left, link.right -%}
{%- set required = link.fields | selectattr("required") | list -%}
{%- set cursor = cookiecutter.pagination == "cursor" -%}
{#- `same` compares link fields, and the values an equality filter of either side lists. -#}
{%- set equal_filters = [] -%}
{%- for side in (left, right) %}{% for f in side.fields if not f.is_reference %}{% for param, op in f.filters if op == "eq" %}{% set _ = equal_filters.append(param) %}{% endfor %}{% endfor %}{% endfor -%}
"""The {{ left.label }}-{{ right.label }} link, end to end: link, list both sides, change its fields, unlink."""

from typing import Any

from httpx import AsyncClient

{{ ([("conftest", ["MISSING_ID", "StatementCounter"]), ("factories", ["new_" ~ left.name, "new_" ~ right.name, left.name ~ "_body", right.name ~ "_body"] + ([link.package ~ "_link_body"] if link.fields else []))] + ([("samples", ["same"])] if link.fields or equal_filters else [])) | import_block }}

LEFT_URL = "/api/v1/{{ left.route }}"
RIGHT_URL = "/api/v1/{{ right.route }}"
{%- if link.fields %}
# A valid body for PUT: the link's own fields.
BODY: dict[str, Any] | None = {{ link.package }}_link_body()
{%- else %}
# The link has no fields of its own: PUT takes no body.
BODY: dict[str, Any] | None = None
{%- endif %}


async def walk(client: AsyncClient, url: str, sort: str) -> list[Any]:
    """The ids a listing shows, fetched two at a time, in the given sort."""
{%- if cursor %}
    ids: list[Any] = []
    params: dict[str, Any] = {"sort": sort, "limit": 2}
    for _ in range(100):  # a bounded loop: a cursor that never ends fails the test
        page = (await client.get(url, params=params)).json()
        ids += [row["id"] for row in page["items"]]
        params["cursor"] = page["next_cursor"]
        if params["cursor"] is None:
            return ids
    raise AssertionError(f"{url} never ended")
{%- else %}
    first = (await client.get(url, params={"sort": sort, "limit": 2})).json()
    ids = [row["id"] for row in first["items"]]
    for offset in range(2, first["total"], 2):
        params: dict[str, Any] = {"sort": sort, "limit": 2, "offset": offset}
        ids += [row["id"] for row in (await client.get(url, params=params)).json()["items"]]
    return ids
{%- endif %}


{{ ("test_%s_%s_link_idempotently_and_list_on_both_sides" % (left.name, right.plural)) | def_line(["client: AsyncClient"], "None") }}
    item, other = await new_{{ left.name }}(client), await new_{{ right.name }}(client)
    link_url = f"{LEFT_URL}/{item['id']}/{{ right.route }}/{other['id']}"
    assert (await client.put(link_url, json=BODY)).status_code == 204
    assert (await client.put(link_url, json=BODY)).status_code == 204
    mine = (await client.get(f"{LEFT_URL}/{item['id']}/{{ right.route }}")).json()
    assert [row["id"] for row in mine["items"]] == [other["id"]]
    assert mine["items"][0]["link"]["created_at"].endswith(("Z", "+00:00"))
    theirs = (await client.get(f"{RIGHT_URL}/{other['id']}/{{ left.route }}")).json()
    assert [row["id"] for row in theirs["items"]] == [item["id"]]
    assert mine["items"][0]["link"] == theirs["items"][0]["link"]
    assert (await client.delete(link_url)).status_code == 204
    assert (await client.delete(link_url)).status_code == 204
    after = (await client.get(f"{LEFT_URL}/{item['id']}/{{ right.route }}")).json()
    assert after["items"] == []
    missing = f"{LEFT_URL}/{item['id']}/{{ right.route }}/{MISSING_ID}"
    assert (await client.put(missing, json=BODY)).status_code == 404
    assert (await client.get(f"{LEFT_URL}/{MISSING_ID}/{{ right.route }}")).status_code == 404
{%- if link.fields %}


{{ ("test_%s_%s_link_fields_are_set_and_changed_by_put" % (left.name, right.name)) | def_line(["client: AsyncClient"], "None") }}
    item, other = await new_{{ left.name }}(client), await new_{{ right.name }}(client)
    link_url = f"{LEFT_URL}/{item['id']}/{{ right.route }}/{other['id']}"
    url = f"{LEFT_URL}/{item['id']}/{{ right.route }}"
{%- if not required %}
    assert (await client.put(link_url)).status_code == 204  # no body: the defaults
    shown = (await client.get(url)).json()["items"][0]["link"]
{%- for f in link.fields %}
{%- if not f.has_default %}{% set expected = "is None" %}
{%- elif f.type == "bool" %}{% set expected = "is %s" % f.default %}
{%- endif %}
{%- if expected is defined %}
    assert shown["{{ f.column }}"] {{ expected }}
{%- else %}
    assert same({{ f.default_json }}, shown["{{ f.column }}"])
{%- endif %}
{%- endfor %}
{%- endif %}
    assert BODY is not None
    assert (await client.put(link_url, json=BODY)).status_code == 204
    shown = (await client.get(url)).json()["items"][0]["link"]
    assert all(same(value, shown[field]) for field, value in BODY.items())
    refused = await client.put(link_url, json=BODY | {"no_such_field": 1})
    assert refused.status_code == 422
{%- endif %}


{{ ("test_deleting_a_%s_removes_its_%s_links" % (left.name, right.name)) | def_line(["client: AsyncClient"], "None") }}
    item, other = await new_{{ left.name }}(client), await new_{{ right.name }}(client)
    link_url = f"{LEFT_URL}/{item['id']}/{{ right.route }}/{other['id']}"
    assert (await client.put(link_url, json=BODY)).status_code == 204
    assert (await client.delete(f"{LEFT_URL}/{item['id']}")).status_code == 204
    theirs = (await client.get(f"{RIGHT_URL}/{other['id']}/{{ left.route }}")).json()
    assert theirs["items"] == []
    assert (await client.put(link_url, json=BODY)).status_code == 404

{%- for this, other in ((left, right), (right, left)) %}
{%- set THIS, OTHER = ("LEFT_URL", "RIGHT_URL") if this == left else ("RIGHT_URL", "LEFT_URL") %}
{%- set link_url = 'f"{LEFT_URL}/{%s[\'id\']}/%s/{%s[\'id\']}"' % (("item", right.route, "row") if this == left else ("row", right.route, "item")) %}
{%- set declared = other.sort_keys[1:-2] %}
{#- A sort key of the other entity's own: one of its indexed fields where it has any. #}
{%- set sort = "-" ~ (declared[0] if declared else "created_at") %}
{%- set equal = [] %}
{%- for f in other.fields if not f.is_reference %}{% for param, op in f.filters if op == "eq" %}{% set _ = equal.append((param, f.column)) %}{% endfor %}{% endfor %}


{{ ("test_%s_%s_take_their_list_filters_and_sort_keys" % (this.name, other.plural)) | def_line(["client: AsyncClient"], "None") }}
    item = await new_{{ this.name }}(client)
    others = [await new_{{ other.name }}(client) for _ in range(3)]
    for row in others:
        link_url = {{ link_url }}
        assert (await client.put(link_url, json=BODY)).status_code == 204
    url = f"{ {{- THIS }}}/{item['id']}/{{ other.route }}"
    assert (await client.get(url, params={"no_such_field": "x"})).status_code == 422
    assert (await client.get(url, params={"sort": "no_such_field"})).status_code == 422
    # Sorted as their own list sorts them, without the rows not linked to this {{ this.label }}.
    params: dict[str, Any] = {"sort": "{{ sort }}", "limit": 100}
    listed = (await client.get(url, params=params)).json()["items"]
    linked = {row["id"] for row in others}
    own = (await client.get({{ OTHER }}, params=params)).json()["items"]
    assert [row["id"] for row in listed] == [row["id"] for row in own if row["id"] in linked]
    assert await walk(client, url, params["sort"]) == [row["id"] for row in listed]
{%- if cursor %}
    # A cursor of this {{ this.label }}'s list serves no other {{ this.label }}'s.
    issued = (await client.get(url, params={"limit": 1})).json()["next_cursor"]
    assert (await client.get(url, params={"limit": 1, "cursor": issued})).status_code == 200
    stranger = await new_{{ this.name }}(client)
    elsewhere = f"{ {{- THIS }}}/{stranger['id']}/{{ other.route }}"
    assert (await client.get(elsewhere, params={"limit": 1, "cursor": issued})).status_code == 422
{%- endif %}
{%- for param, column in equal[:1] %}
    value = others[1]["{{ column }}"]
    page = await client.get(url, params={"{{ param }}": value})
    assert page.status_code == 200, page.text
    shown = page.json()["items"]
    assert others[1]["id"] in [row["id"] for row in shown]
    assert all(same(value, row["{{ column }}"]) for row in shown)
{%- endfor %}


{{ ("test_%s_%s_query_count_does_not_grow_with_page_size" % (this.name, other.plural)) | def_line(["client: AsyncClient", "statements: StatementCounter"], "None") }}
    item = await new_{{ this.name }}(client)
    bodies = [await {{ other.name }}_body(client) for _ in range(50)]
    created = await client.post(f"{ {{- OTHER }}}/bulk", json=bodies)
    assert created.status_code == 201, created.text
    for row in created.json():
        link_url = {{ link_url }}
        assert (await client.put(link_url, json=BODY)).status_code == 204
    url = f"{ {{- THIS }}}/{item['id']}/{{ other.route }}"
    counts = []
    for limit in (1, 50):
        statements.count = 0
        params: dict[str, Any] = {"limit": limit, "sort": "{{ sort }}"}
        response = await client.get(url, params=params)
        assert len(response.json()["items"]) == limit
        counts.append(statements.count)
    assert counts[0] == counts[1], counts
{%- endfor %}
