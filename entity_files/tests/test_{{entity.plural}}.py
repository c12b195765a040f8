{%- set e = entity.name -%}
{%- set parent = plan.parent_of(entity) -%}
{%- set attr = entity.parent_attr -%}
{%- set children = plan.children_of(entity) -%}
{%- set own_links = plan.links | selectattr("left", "equalto", entity) | list -%}
{%- set cursor = cookiecutter.pagination == "cursor" -%}
{%- set soft = cookiecutter.soft_delete -%}
"""The {{ entity.route }} endpoints, end to end through the API."""

from typing import Any
{%- if cookiecutter.primary_key == "uuid" %}
from uuid import UUID
{%- endif %}

from httpx import AsyncClient
{%- if soft %}
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select
{%- endif %}

{% set helpers = ["BAD_IDS", "MISSING_ID", "StatementCounter", "create", "detail"] -%}
{% if cursor %}{% set _ = helpers.append("encode_cursor") %}{% endif -%}
{% set imports = [("conftest", helpers)] -%}
{% if soft %}{% set _ = imports.append(("%s.%s.models" % (cookiecutter.package_name, entity.plural), [entity.class_name])) %}{% endif -%}
{{ imports | import_block }}

URL = "/api/v1/{{ entity.route }}"
{%- if parent and not entity.is_tree %}
OWNER_URL = "/api/v1/{{ parent.route }}"
{%- endif %}


async def new_item(client: AsyncClient, name: str, **fields: Any) -> dict[str, Any]:
    return await create(client, "{{ entity.route }}", name=name, **fields)
{%- if parent and not entity.is_tree %}


async def new_owner(client: AsyncClient, name: str) -> dict[str, Any]:
    return await create(client, "{{ parent.route }}", name=name)
{%- endif %}


{{ ("test_create_" ~ e ~ "_returns_201_with_its_fields") | def_line(["client: AsyncClient"], "None") }}
    response = await client.post(
        URL, json={"name": "First", "description": "d", "attributes": {"k": [1, "v"]}}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "First"
    assert body["description"] == "d"
    assert body["attributes"] == {"k": [1, "v"]}
{%- if cookiecutter.primary_key == "uuid" %}
    assert UUID(body["id"]).version == 7
{%- else %}
    assert isinstance(body["id"], int)
{%- endif %}
    assert body["created_at"].endswith(("Z", "+00:00"))
{%- if parent %}
    assert body["{{ attr }}"] is None
{%- endif %}


{{ ("test_create_" ~ e ~ "_with_duplicate_name_returns_409") | def_line(["client: AsyncClient"], "None") }}
    await new_item(client, "Twin")
    response = await client.post(URL, json={"name": "Twin"})
    assert response.status_code == 409
    assert "Twin" in detail(response)


{{ ("test_create_" ~ e ~ "_with_invalid_body_returns_422") | def_line(["client: AsyncClient"], "None") }}
    for body in ({}, {"name": ""}, {"name": "x" * 256}, {"name": "ok", "attributes": [1]}):
        response = await client.post(URL, json=body)
        assert response.status_code == 422, body


{{ ("test_get_" ~ e ~ "_returns_it_and_unknown_id_returns_404") | def_line(["client: AsyncClient"], "None") }}
    created = await new_item(client, "Seen")
    response = await client.get(f"{URL}/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created
    assert (await client.get(f"{URL}/{MISSING_ID}")).status_code == 404
    for bad_id in BAD_IDS:
        assert (await client.get(f"{URL}/{bad_id}")).status_code == 422, bad_id


{{ ("test_list_" ~ entity.plural ~ "_pages_filters_and_sorts") | def_line(["client: AsyncClient"], "None") }}
    for name in ("Alpha", "Bravo", "Charlie"):
        await new_item(client, name)
{%- if cursor %}
    page = (await client.get(URL, params={"limit": 2})).json()
    assert [item["name"] for item in page["items"]] == ["Alpha", "Bravo"]
    assert (page["limit"], "total" in page) == (2, False)
    params = {"limit": 2, "cursor": page["next_cursor"]}
    rest = (await client.get(URL, params=params)).json()
    assert [item["name"] for item in rest["items"]] == ["Charlie"]
    assert rest["next_cursor"] is None
{%- else %}
    page = (await client.get(URL, params={"limit": 2, "offset": 0})).json()
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
    assert [item["name"] for item in page["items"]] == ["Alpha", "Bravo"]
    rest = (await client.get(URL, params={"limit": 2, "offset": 2})).json()
    assert [item["name"] for item in rest["items"]] == ["Charlie"]
{%- endif %}
    newest = (await client.get(URL, params={"sort": "-name"})).json()
    assert [item["name"] for item in newest["items"]] == ["Charlie", "Bravo", "Alpha"]
    found = (await client.get(URL, params={"name": "rav"})).json()
    assert [item["name"] for item in found["items"]] == ["Bravo"]
    escaped = (await client.get(URL, params={"name": "%"})).json()
    assert escaped["items"] == []


{{ ("test_list_" ~ entity.plural ~ "_walks_every_sort_order_without_gaps_or_repeats") | def_line(["client: AsyncClient"], "None") }}
    items = [{"name": f"Item {n}"} for n in (3, 1, 4, 5, 2)]
    assert (await client.post(f"{URL}/bulk", json=items)).status_code == 201
    for sort in ("id", "-id", "name", "-name", "created_at", "-created_at", "updated_at"):
        everything = (await client.get(URL, params={"sort": sort})).json()["items"]
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
            params = {"sort": sort, "limit": 2, "offset": offset}
            walked += (await client.get(URL, params=params)).json()["items"]
{%- endif %}
        assert walked == everything, sort
        assert len(everything) == 5


{{ ("test_list_" ~ entity.plural ~ "_rejects_out_of_range_queries") | def_line(["client: AsyncClient"], "None") }}
    for params in (
        {"limit": 0},
        {"limit": 101},
        {"limit": 10**20},
{%- if cursor %}
        {"cursor": "x" * 2049},
        {"cursor": "-1"},
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


{{ ("test_list_" ~ entity.plural ~ "_refuses_a_cursor_it_did_not_issue") | def_line(["client: AsyncClient"], "None") }}
    for name in ("Alpha", "Bravo"):
        await new_item(client, name)
    issued = (await client.get(URL, params={"limit": 1, "sort": "name"})).json()["next_cursor"]
    attempts = [
        ("name", issued[:-3]),  # truncated
        ("name", issued + "!"),  # not base64
        ("-name", issued),  # issued for another sort order
        ("name", encode_cursor(["name", 1, 1])),  # a number where a name belongs
        ("name", encode_cursor(["name", "Alpha"])),  # no id
        ("name", encode_cursor({"sort": "name"})),
        ("created_at", encode_cursor(["created_at", "2026-01-01T00:00:00", MISSING_ID])),
    ]
    for sort, cursor in attempts:
        response = await client.get(URL, params={"sort": sort, "cursor": cursor})
        assert response.status_code == 422, cursor
        assert response.json()["detail"][0]["loc"] == ["query", "cursor"], cursor
{%- endif %}


{{ ("test_update_" ~ e ~ "_changes_only_given_fields") | def_line(["client: AsyncClient"], "None") }}
    created = await new_item(client, "Before", description="kept")
    response = await client.patch(f"{URL}/{created['id']}", json={"name": "After"})
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["description"]) == ("After", "kept")
    assert body["updated_at"] >= created["updated_at"]


{{ ("test_update_" ~ e ~ "_errors") | def_line(["client: AsyncClient"], "None") }}
    first = await new_item(client, "One")
    await new_item(client, "Two")
    url = f"{URL}/{first['id']}"
    assert (await client.patch(url, json={"name": "Two"})).status_code == 409
    assert (await client.patch(url, json={"name": None})).status_code == 422
    assert (await client.patch(f"{URL}/{MISSING_ID}", json={})).status_code == 404
    assert (await client.get(url)).json()["name"] == "One"


{{ ("test_delete_" ~ e ~ "_returns_204_then_404") | def_line(["client: AsyncClient"], "None") }}
    created = await new_item(client, "Doomed")
    assert (await client.delete(f"{URL}/{created['id']}")).status_code == 204
    assert (await client.get(f"{URL}/{created['id']}")).status_code == 404
    assert (await client.delete(f"{URL}/{created['id']}")).status_code == 404
    assert (await client.get(URL, params={"name": "Doomed"})).json()["items"] == []
{%- if soft %}


{{ ("test_deleted_" ~ e ~ "_frees_its_name_and_stays_in_the_table") | def_line(["client: AsyncClient", "connection: AsyncConnection"], "None") }}
    first = await new_item(client, "Reused")
    assert (await client.delete(f"{URL}/{first['id']}")).status_code == 204
    second = await new_item(client, "Reused")
    E = {{ entity.class_name }}
    rows = select(E.id, E.deleted_at).where(col(E.name) == "Reused").order_by(col(E.created_at))
    kept = [(str(row.id), row.deleted_at is None) for row in await connection.execute(rows)]
    assert kept == [(str(first["id"]), False), (str(second["id"]), True)]
{%- endif %}


{{ ("test_bulk_create_" ~ entity.plural ~ "_is_all_or_nothing") | def_line(["client: AsyncClient"], "None") }}
    response = await client.post(f"{URL}/bulk", json=[{"name": "B1"}, {"name": "B2"}])
    assert response.status_code == 201
    assert [item["name"] for item in response.json()] == ["B1", "B2"]
    clash = await client.post(f"{URL}/bulk", json=[{"name": "B3"}, {"name": "B1"}])
    assert clash.status_code == 409
    assert detail(clash).startswith("Item 1:")
    assert (await client.get(URL, params={"name": "B3"})).json()["items"] == []
    too_many = [{"name": f"N{i}"} for i in range(101)]
    assert (await client.post(f"{URL}/bulk", json=too_many)).status_code == 422
    assert (await client.post(f"{URL}/bulk", json=[])).status_code == 422
{%- if parent %}
{%- set make_parent = "new_item" if entity.is_tree else "new_owner" %}


{{ ("test_" ~ e ~ "_embeds_its_" ~ attr ~ "_and_filters_by_it") | def_line(["client: AsyncClient"], "None") }}
    owner = await {{ make_parent }}(client, "Owner")
    child = await new_item(client, "Member", {{ attr }}_id=owner["id"])
    assert child["{{ attr }}_id"] == owner["id"]
    assert child["{{ attr }}"]["name"] == "Owner"
    fetched = (await client.get(f"{URL}/{child['id']}")).json()
    assert fetched["{{ attr }}"]["id"] == owner["id"]
    listed = (await client.get(URL, params={"{{ attr }}_id": owner["id"]})).json()
    assert [item["name"] for item in listed["items"]] == ["Member"]
    assert listed["items"][0]["{{ attr }}"]["name"] == "Owner"


{{ ("test_" ~ e ~ "_with_unknown_" ~ attr ~ "_returns_422") | def_line(["client: AsyncClient"], "None") }}
    unknown = {"{{ attr }}_id": MISSING_ID}
    response = await client.post(URL, json={"name": "Orphan", **unknown})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "{{ attr }}_id"]
    created = await new_item(client, "Settled")
    moved = await client.patch(f"{URL}/{created['id']}", json=unknown)
    assert moved.status_code == 422
    bulk = await client.post(f"{URL}/bulk", json=[{"name": "Ok"}, {"name": "No", **unknown}])
    assert bulk.status_code == 422
    assert bulk.json()["detail"][0]["loc"] == ["body", 1, "{{ attr }}_id"]


{{ ("test_update_" ~ e ~ "_moves_it_to_another_" ~ attr ~ "_or_none") | def_line(["client: AsyncClient"], "None") }}
    first = await {{ make_parent }}(client, "First owner")
    second = await {{ make_parent }}(client, "Second owner")
    child = await new_item(client, "Mover", {{ attr }}_id=first["id"])
    url = f"{URL}/{child['id']}"
    moved = await client.patch(url, json={"{{ attr }}_id": second["id"]})
    assert moved.json()["{{ attr }}"]["name"] == "Second owner"
    freed = await client.patch(url, json={"{{ attr }}_id": None})
    assert freed.json()["{{ attr }}"] is None
{%- endif %}
{%- if entity.is_tree %}


{{ ("test_" ~ e ~ "_children_are_listed_and_cycles_are_refused") | def_line(["client: AsyncClient"], "None") }}
    root = await new_item(client, "Root")
    child = await new_item(client, "Child", parent_id=root["id"])
    grandchild = await new_item(client, "Grandchild", parent_id=child["id"])
    page = (await client.get(f"{URL}/{root['id']}/children")).json()
    assert [item["name"] for item in page["items"]] == ["Child"]
    for new_parent in (root, grandchild):
        response = await client.patch(f"{URL}/{root['id']}", json={"parent_id": new_parent["id"]})
        assert response.status_code == 422
    assert (await client.get(f"{URL}/{MISSING_ID}/children")).status_code == 404


{{ ("test_deleting_a_" ~ e ~ "_deletes_its_subtree") | def_line(["client: AsyncClient"], "None") }}
    root = await new_item(client, "Root")
    child = await new_item(client, "Child", parent_id=root["id"])
    grandchild = await new_item(client, "Grandchild", parent_id=child["id"])
    assert (await client.delete(f"{URL}/{root['id']}")).status_code == 204
    for gone in (root, child, grandchild):
        assert (await client.get(f"{URL}/{gone['id']}")).status_code == 404
    assert (await client.get(URL)).json()["items"] == []
{%- elif parent %}


{{ ("test_deleting_the_" ~ attr ~ "_keeps_the_" ~ e ~ "") | def_line(["client: AsyncClient"], "None") }}
    owner = await new_owner(client, "Gone")
    child = await new_item(client, "Stays", {{ attr }}_id=owner["id"])
    assert (await client.delete(f"{OWNER_URL}/{owner['id']}")).status_code == 204
    kept = (await client.get(f"{URL}/{child['id']}")).json()
    assert (kept["{{ attr }}_id"], kept["{{ attr }}"]) == (None, None)
    orphan = await client.post(URL, json={"name": "Late", "{{ attr }}_id": owner["id"]})
    assert orphan.status_code == 422
{%- endif %}
{%- for child in children %}


{{ ("test_" ~ e ~ "_lists_its_" ~ child.plural ~ "") | def_line(["client: AsyncClient"], "None") }}
    owner = await new_item(client, "Owner")
    other = await new_item(client, "Other")
    for name, owner_id in (("Mine", owner["id"]), ("Theirs", other["id"])):
        await create(client, "{{ child.route }}", name=name, {{ child.parent_attr }}_id=owner_id)
    page = (await client.get(f"{URL}/{owner['id']}/{{ child.route }}")).json()
    assert [item["name"] for item in page["items"]] == ["Mine"]
    missing = await client.get(f"{URL}/{MISSING_ID}/{{ child.route }}")
    assert missing.status_code == 404
{%- endfor %}
{%- for link in own_links %}
{%- set o = link.right %}


{{ ("test_" ~ e ~ "_" ~ o.plural ~ "_link_idempotently_and_list_on_both_sides") | def_line(["client: AsyncClient"], "None") }}
    item = await new_item(client, "Linked")
    other = await create(client, "{{ o.route }}", name="Partner")
    other_url = "/api/v1/{{ o.route }}"
    link_url = f"{URL}/{item['id']}/{{ o.route }}/{other['id']}"
    assert (await client.put(link_url)).status_code == 204
    assert (await client.put(link_url)).status_code == 204
    mine = (await client.get(f"{URL}/{item['id']}/{{ o.route }}")).json()
    assert [row["name"] for row in mine["items"]] == ["Partner"]
    theirs = (await client.get(f"{other_url}/{other['id']}/{{ entity.route }}")).json()
    assert [row["name"] for row in theirs["items"]] == ["Linked"]
    assert (await client.delete(link_url)).status_code == 204
    assert (await client.delete(link_url)).status_code == 204
    assert (await client.get(f"{URL}/{item['id']}/{{ o.route }}")).json()["items"] == []
    missing = f"{URL}/{item['id']}/{{ o.route }}/{MISSING_ID}"
    assert (await client.put(missing)).status_code == 404
    assert (await client.get(f"{URL}/{MISSING_ID}/{{ o.route }}")).status_code == 404


{{ ("test_deleting_a_" ~ e ~ "_removes_its_" ~ o.name ~ "_links") | def_line(["client: AsyncClient"], "None") }}
    item = await new_item(client, "Linked")
    other = await create(client, "{{ o.route }}", name="Partner")
    other_url = "/api/v1/{{ o.route }}"
    link_url = f"{URL}/{item['id']}/{{ o.route }}/{other['id']}"
    assert (await client.put(link_url)).status_code == 204
    assert (await client.delete(f"{URL}/{item['id']}")).status_code == 204
    theirs = (await client.get(f"{other_url}/{other['id']}/{{ entity.route }}")).json()
    assert theirs["items"] == []
    assert (await client.put(link_url)).status_code == 404
    kept = await new_item(client, "Kept")
    assert (await client.delete(f"{other_url}/{other['id']}")).status_code == 204
    kept_url = f"{URL}/{kept['id']}/{{ o.route }}/{other['id']}"
    assert (await client.put(kept_url)).status_code == 404
{%- endfor %}


{{ ("test_list_" ~ entity.plural ~ "_query_count_does_not_grow_with_page_size") | def_line(["client: AsyncClient", "statements: StatementCounter"], "None") }}
    {%- if parent and not entity.is_tree %}
    owner = await new_owner(client, "Owner")
    {%- elif entity.is_tree %}
    owner = await new_item(client, "Owner")
    {%- endif %}
    items = [{"name": f"Item {i}"{% if parent %}, "{{ attr }}_id": owner["id"]{% endif %}} for i in range(50)]
    assert (await client.post(f"{URL}/bulk", json=items)).status_code == 201
    counts = []
    for limit in (1, 50):
        statements.count = 0
        response = await client.get(URL, params={"limit": limit})
        assert len(response.json()["items"]) == limit
        counts.append(statements.count)
    assert counts[0] == counts[1], counts
