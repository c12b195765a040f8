{%- set plan = cookiecutter.entities | entity_plan(cookiecutter.many_to_many) -%}
{%- set types = [] -%}
{%- for f in plan.all_fields %}{% set _ = types.append(f.type) %}{% endfor -%}
"""Valid request bodies: one factory per entity. Add a required field here, and every test has it.

`<entity>_body` builds a create body (making the rows a required reference needs), and
`new_<entity>` posts it; keyword arguments replace any field. `n` makes unique values unique.
"""

import itertools
{%- set std = [("typing", ["Any"]), ("decimal", ["Decimal"])] %}
{%- if "date" in types or "datetime" in types %}{% set _ = std.append(("datetime", ["UTC", "date", "datetime", "timedelta"])) %}{% endif %}
{%- if "uuid" in types %}{% set _ = std.append(("uuid", ["UUID"])) %}{% endif %}
{{ std | import_block }}

from httpx import AsyncClient

from conftest import create

_numbers = itertools.count(1)


def text(prefix: str, n: int, limit: int) -> str:
    """`Title 7`, cut to fit `limit` characters while staying unique."""
    value = f"{prefix} {n}"
    return value if len(value) <= limit else str(n)[-limit:]


def number(n: int, low: float | None = None, high: float | None = None) -> int:
    """A whole number from `low` up, within `high`."""
    start = 0 if low is None else int(low) + (0 if low == int(low) else 1)
    if high is None:
        return start + n
    return start + n % (int(high) - start + 1)


def same(sent: Any, shown: Any) -> bool:
    """Whether a response shows the value a request sent (decimals and times may be respelt)."""
    if isinstance(sent, str) and isinstance(shown, str) and sent != shown:
        try:
            return Decimal(sent) == Decimal(shown)
        except ArithmeticError:
            pass
{%- if "datetime" in types %}
        try:
            return datetime.fromisoformat(sent) == datetime.fromisoformat(shown)
        except ValueError:
            pass
{%- endif %}
    if isinstance(sent, float | int) and isinstance(shown, str):
        return Decimal(str(sent)) == Decimal(shown)
    return bool(sent == shown)
{%- for entity in plan.entities %}


{{ (entity.name ~ "_body") | def_line(["client: AsyncClient", "n: int | None = None", "**fields: Any"], "dict[str, Any]") }}
    """A valid body to create {{ entity.article }}."""
    n = next(_numbers) if n is None else n
{%- set scalars = entity.fields | rejectattr("is_reference") | list %}
{%- if scalars %}
    body: dict[str, Any] = {
{%- for f in scalars %}
        "{{ f.column }}": {{ f.sample }},
{%- endfor %}
    }
{%- else %}
    body: dict[str, Any] = {}
{%- endif %}
{%- for f in entity.fields if f.is_reference and not f.optional %}
    if "{{ f.column }}" not in fields:
        body["{{ f.column }}"] = (await new_{{ f.target }}(client))["id"]
{%- endfor %}
    return body | fields


async def new_{{ entity.name }}(client: AsyncClient, **fields: Any) -> dict[str, Any]:
    """Create {{ entity.article }} through the API and return it."""
    body = await {{ entity.name }}_body(client, **fields)
    return await create(client, "{{ entity.route }}", **body)
{%- endfor %}


{%- for link in plan.links if link.fields %}


{{ (link.package ~ "_link_body") | def_line(["n: int | None = None", "**fields: Any"], "dict[str, Any]", False) }}
    """A valid body for PUT on a {{ link.left.label }}-{{ link.right.label }} link: its own fields."""
    n = next(_numbers) if n is None else n
    body: dict[str, Any] = {
{%- for f in link.fields %}
        "{{ f.column }}": {{ f.sample }},
{%- endfor %}
    }
    return body | fields
{%- endfor %}


# Each entity's factory by its route, for tests that make the rows a reference points at.
NEW = {
{%- for entity in plan.entities %}
    "{{ entity.route }}": new_{{ entity.name }},
{%- endfor %}
}
