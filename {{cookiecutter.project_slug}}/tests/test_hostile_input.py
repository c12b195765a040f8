{%- set plan = cookiecutter.entities | entity_plan(cookiecutter.many_to_many) -%}
{%- set first = plan.entities[0] -%}
"""Input no database can store gets a 422 that names the field, never a 500 or database text."""

from typing import Any

from httpx import AsyncClient

from {{ cookiecutter.package_name }}.core.text import MAX_JSON_DEPTH
from {{ cookiecutter.package_name }}.main import MAX_BODY_BYTES

URL = "/api/v1/{{ first.route }}"
JSON = {"content-type": "application/json"}


def nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


async def test_nul_characters_are_refused_in_every_text_field(client: AsyncClient) -> None:
    created = await client.post(URL, json={"name": "ok"})
    assert created.status_code == 201, created.text
    for body in (
        {"name": "nul\x00"},
        {"name": "ok", "description": "\x00"},
        {"name": "ok", "attributes": {"key": ["\x00"]}},
        {"name": "ok", "attributes": {"\x00": 1}},
    ):
        for response in (
            await client.post(URL, json=body),
            await client.patch(f"{URL}/{created.json()['id']}", json=body),
        ):
            assert response.status_code == 422, (response.request.method, body)
            assert "NUL" in response.text
    assert (await client.get(URL, params={"name": "\x00"})).status_code == 422


async def test_lone_surrogates_are_refused(client: AsyncClient) -> None:
    for raw, field in (
        (b'{"name": "\\ud800"}', "name"),
        (b'{"name": "ok", "attributes": {"k": "\\udfff"}}', "attributes"),
    ):
        response = await client.post(URL, content=raw, headers=JSON)
        assert response.status_code == 422, raw
        assert response.json()["detail"][0]["loc"][:2] == ["body", field]


async def test_json_nesting_is_bounded(client: AsyncClient) -> None:
    deepest = {"name": "Deep", "attributes": nested(MAX_JSON_DEPTH)}
    created = await client.post(URL, json=deepest)
    assert created.status_code == 201, created.text
    assert created.json()["attributes"] == deepest["attributes"]
    too_deep = {"name": "Deeper", "attributes": nested(MAX_JSON_DEPTH + 1)}
    assert (await client.post(URL, json=too_deep)).status_code == 422
    unparsable = '{"name": "x", "attributes": ' + '{"a": ' * 100_000 + "1" + "}" * 100_001
    response = await client.post(URL, content=unparsable, headers=JSON)
    assert response.status_code in {400, 422}


async def test_oversized_bodies_and_values_are_refused(client: AsyncClient) -> None:
    too_large = await client.post(URL, json={"name": "x" * MAX_BODY_BYTES})
    assert too_large.status_code == 413
    for body in ({"name": "x" * 100_000}, {"name": "ok", "description": "d" * 2001}):
        response = await client.post(URL, json=body)
        assert response.status_code == 422
        assert len(response.content) < 2_000, "the error must not echo the whole input"
