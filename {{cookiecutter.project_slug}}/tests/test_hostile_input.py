{%- set plan = cookiecutter.entities | entity_plan(cookiecutter.many_to_many, cookiecutter.auth) -%}
{%- set texts = [] -%}
{%- set jsons = [] -%}
{%- for entity in plan.entities %}{% for f in entity.fields %}
{%- if f.type in ("str", "text") %}{% set _ = texts.append((entity, f)) %}{% endif %}
{%- if f.type in ("json", "object") %}{% set _ = jsons.append((entity, f)) %}{% endif %}
{%- endfor %}{% endfor -%}
{%- set first = plan.entities[0] -%}
"""Input no database can store gets a 422 that names the field, never a 500 or database text."""

import json
{%- if jsons %}
from typing import Any
{%- endif %}

from httpx import AsyncClient

{% set imports = [("%s.main" % cookiecutter.package_name, ["MAX_BODY_BYTES"]), ("factories", [first.name ~ "_body"])] -%}
{% if jsons %}{% set _ = imports.append(("%s.core.text" % cookiecutter.package_name, ["MAX_JSON_DEPTH"])) %}{% endif -%}
{% for entity, f in (texts[:1] + jsons[:1]) %}{% set _ = imports.append(("factories", [entity.name ~ "_body"])) %}{% endfor -%}
{{ imports | import_block }}

JSON = {"content-type": "application/json"}
{%- for entity, f in texts[:1] %}
TEXT_URL = "/api/v1/{{ entity.route }}"
TEXT_FIELD = "{{ f.column }}"


async def test_nul_characters_are_refused(client: AsyncClient) -> None:
    created = await client.post(TEXT_URL, json=await {{ entity.name }}_body(client))
    assert created.status_code == 201, created.text
    body = await {{ entity.name }}_body(client) | {TEXT_FIELD: "\x00"}  # fits str(1) too
    for response in (
        await client.post(TEXT_URL, json=body),
        await client.patch(f"{TEXT_URL}/{created.json()['id']}", json={TEXT_FIELD: "\x00"}),
    ):
        assert response.status_code == 422, response.request.method
        assert "NUL" in response.text
{%- if not f.hidden %}
    params = {"{{ f.name }}__contains": "\x00"}
    assert (await client.get(TEXT_URL, params=params)).status_code == 422
{%- endif %}


async def test_lone_surrogates_are_refused(client: AsyncClient) -> None:
    body = await {{ entity.name }}_body(client) | {TEXT_FIELD: "SURROGATE"}
    raw = json.dumps(body).replace('"SURROGATE"', '"\\ud800"')
    response = await client.post(TEXT_URL, content=raw, headers=JSON)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["body", TEXT_FIELD]


async def test_long_values_are_refused_without_echoing_them(client: AsyncClient) -> None:
    body = await {{ entity.name }}_body(client) | {TEXT_FIELD: "x" * 200_000}
    response = await client.post(TEXT_URL, json=body)
    assert response.status_code == 422
    assert len(response.content) < 2_000, "the error must not echo the whole input"
{%- endfor %}
{%- for entity, f in jsons[:1] %}


def nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


async def test_json_nesting_is_bounded(client: AsyncClient) -> None:
    url = "/api/v1/{{ entity.route }}"
    field = "{{ f.column }}"
    deepest = await {{ entity.name }}_body(client) | {field: nested(MAX_JSON_DEPTH)}
    created = await client.post(url, json=deepest)
    assert created.status_code == 201, created.text
{%- if not f.hidden %}
    assert created.json()[field] == deepest[field]
{%- endif %}
    too_deep = deepest | {field: nested(MAX_JSON_DEPTH + 1)}
    assert (await client.post(url, json=too_deep)).status_code == 422
    unparsable = '{"{{ f.column }}": ' + '{"a": ' * 100_000 + "1" + "}" * 100_001
    response = await client.post(url, content=unparsable, headers=JSON)
    assert response.status_code in {400, 422}
{%- endfor %}


async def test_oversized_bodies_are_refused_before_they_are_read(client: AsyncClient) -> None:
    body = await {{ first.name }}_body(client)
    padded = json.dumps(body)[:-1] + ', "padding": "' + "x" * MAX_BODY_BYTES + '"}'
    response = await client.post("/api/v1/{{ first.route }}", content=padded, headers=JSON)
    assert response.status_code == 413
