{%- set plan = cookiecutter.entities | entity_plan(cookiecutter.many_to_many, cookiecutter.auth) -%}
"""Valid request bodies: one factory per entity. Add a required field here, and every test has it.

`<entity>_body` builds a create body (making the rows a required reference needs), and
`new_<entity>` posts it; keyword arguments replace any field. `n` makes unique values unique.
`python -m sqlmodel_scaffold.add` (from the template) appends the factories of what it adds.
"""

from typing import Any

from httpx import AsyncClient

import samples
from conftest import create{% if cookiecutter.auth == "users" %}, make_user{% endif %}
{%- if cookiecutter.auth == "users" %}


async def new_user(client: AsyncClient) -> dict[str, Any]:
    """A user for a reference to point at: the one signed in, whom every client has."""
    response = await client.get("/api/v1/users/me")
    assert response.status_code == 200, response.text
    user: dict[str, Any] = response.json()
    return user


async def another_user() -> dict[str, Any]:
    """A new user, who never signs in: rows that must differ in a unique reference to users
    each point at one of their own (new_user is the same user every time)."""
    user = await make_user(f"user-{samples.fresh()}@example.com")
    return {"id": {{ "str(user.id)" if cookiecutter.primary_key == "uuid" else "user.id" }}}
{%- endif %}

{%- for entity in plan.entities %}
{{ entity | entity_factory }}
{%- endfor %}
{%- for link in plan.links if link.fields %}
{{ link | link_factory }}
{%- endfor %}
