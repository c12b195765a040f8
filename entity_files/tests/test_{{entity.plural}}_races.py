{%- set e = entity.name -%}
{%- set soft = cookiecutter.soft_delete -%}
{%- set tree = entity.tree_field -%}
{#- Required references to entities of the domain (the built-in user is never deleted here). -#}
{%- set needs = entity.entity_references | rejectattr("optional") | list -%}
"""Requests on {{ entity.plural | replace("_", " ") }} that race, as concurrent clients send them.

Each test runs RACE_ROUNDS rounds (5 unless set) of requests sent at once on connections of
their own (the `racing_client` fixture: PostgreSQL only). Whatever order the database puts
them in, every request gets an answer the API promises (never a 5xx), and the rows they
leave are consistent.
"""

import asyncio
import os
from collections import Counter
from collections.abc import Iterable

from httpx import AsyncClient, Response

{% set imports = [("factories", ["new_" ~ e])] -%}
{% for f in needs %}{% set _ = imports.append(("factories", [e ~ "_body", "new_" ~ f.target])) %}{% endfor -%}
{{ imports | import_block }}

URL = "/api/v1/{{ entity.route }}"
ROUNDS = int(os.environ.get("RACE_ROUNDS", "5"))
# Requests that carry the same If-Match at once.
CONTENDERS = 8


def statuses(responses: Iterable[Response]) -> Counter[int]:
    return Counter(response.status_code for response in responses)


{{ ("test_patches_racing_with_one_if_match_change_a_%s_once" % e) | def_line(["racing_client: AsyncClient"], "None") }}
    client = racing_client
    for _ in range(ROUNDS):
        created = await new_{{ e }}(client)
        url = f"{URL}/{created['id']}"
        etag = (await client.get(url)).headers["ETag"]
        guarded = {"If-Match": etag}
        patches = (client.patch(url, json={}, headers=guarded) for _ in range(CONTENDERS))
        seen = statuses(await asyncio.gather(*patches))
        assert seen == {200: 1, 412: CONTENDERS - 1}, seen
        assert (await client.get(url)).headers["ETag"] != etag
{%- for f in needs %}
{%- set T = plan.entity(f.target) %}


{{ ("test_deleting_the_%s_while_%s_come_to_need_it_leaves_none_live_without_it" % (f.name, entity.plural)) | def_line(["racing_client: AsyncClient"], "None") }}
    """Deleting a {{ T.label }} while {{ entity.plural | replace("_", " ") }} are created under it, moved to it{% if soft %}
    or restored under it{% endif %}: either the delete waits and then {% if f.ondelete == "CASCADE" %}takes them along{% else %}refuses (409){% endif %}, or the others
    find it deleted (422{% if soft %}, or 409 for a restore{% endif %}); never a live {{ entity.label }} without its {{ f.label }}."""
    client = racing_client
    for _ in range(ROUNDS):
        target = await new_{{ f.target }}(client)
        parent_url = f"/api/v1/{{ T.route }}/{target['id']}"
        under_it = {"{{ f.column }}": target["id"]}
        moved = await new_{{ e }}(client)
{%- if soft %}
        restored = await new_{{ e }}(client, **under_it)
        assert (await client.delete(f"{URL}/{restored['id']}")).status_code == 204
{%- endif %}
        body = await {{ e }}_body(client, **under_it)
        seen = statuses(
            await asyncio.gather(
                client.delete(parent_url),
                client.post(URL, json=body),
                client.patch(f"{URL}/{moved['id']}", json=under_it),
{%- if soft %}
                client.post(f"{URL}/{restored['id']}/restore"),
{%- endif %}
            )
        )
        assert set(seen) <= {200, 201, 204, 409, 422}, seen
        if (await client.get(parent_url)).status_code == 404:
            params = {"{{ f.column }}": target["id"], "limit": 100}
            listed = await client.get(URL, params=params)
            assert listed.status_code == 200, listed.text
            assert listed.json()["items"] == [], seen
        assert (await client.get(URL, params={"limit": 100})).status_code == 200
{%- endfor %}
{%- if tree %}


{{ ("test_moves_racing_never_make_a_cycle_of_" ~ entity.plural) | def_line(["racing_client: AsyncClient"], "None") }}
    """A under B and B under A at once: one of them is refused (422), whichever comes second."""
    client = racing_client
    for _ in range(ROUNDS):
        a, b = await new_{{ e }}(client), await new_{{ e }}(client)
        seen = statuses(
            await asyncio.gather(
                client.patch(f"{URL}/{a['id']}", json={"{{ tree.column }}": b["id"]}),
                client.patch(f"{URL}/{b['id']}", json={"{{ tree.column }}": a["id"]}),
            )
        )
        assert seen == {200: 1, 422: 1}, seen
        a_now = (await client.get(f"{URL}/{a['id']}")).json()
        b_now = (await client.get(f"{URL}/{b['id']}")).json()
        assert not (a_now["{{ tree.column }}"] == b["id"] and b_now["{{ tree.column }}"] == a["id"])
{%- endif %}
