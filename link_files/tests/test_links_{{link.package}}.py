{%- set left, right = link.left, link.right -%}
{%- set required = link.fields | selectattr("required") | list -%}
"""The {{ left.label }}-{{ right.label }} link, end to end: link, list both sides, change its fields, unlink."""

from typing import Any

from httpx import AsyncClient

{{ ([("conftest", ["MISSING_ID"]), ("factories", ["new_" ~ left.name, "new_" ~ right.name] + ([link.package ~ "_link_body"] if link.fields else []))] + ([("samples", ["same"])] if link.fields else [])) | import_block }}

LEFT_URL = "/api/v1/{{ left.route }}"
RIGHT_URL = "/api/v1/{{ right.route }}"
{%- if link.fields %}
# A valid body for PUT: the link's own fields.
BODY: dict[str, Any] | None = {{ link.package }}_link_body()
{%- else %}
# The link has no fields of its own: PUT takes no body.
BODY: dict[str, Any] | None = None
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
