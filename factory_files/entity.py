

{{ (entity.name ~ "_body") | def_line(["client: AsyncClient", "n: int | None = None", "**fields: Any"], "dict[str, Any]") }}
    """A valid body to create {{ entity.article }}."""
    n = samples.fresh() if n is None else n
{%- set scalars = entity.fields | rejectattr("is_reference") | list %}
{%- if scalars %}
    body: dict[str, Any] = {
{%- for f in scalars %}
{{ f.column | dict_item(f.sample) }}
{%- endfor %}
    }
{%- else %}
    body: dict[str, Any] = {}
{%- endif %}
{#- The owner is the caller, never in a body. #}
{#- new_user is the caller every time: a unique reference to users gets a new user instead. #}
{%- set unique_columns = entity.body_unique_groups | sum(start=()) %}
{%- for f in entity.fields if f.is_reference and not f.optional and not f.is_owner %}
    if "{{ f.column }}" not in fields:
{%- if f.builtin_user and f.column in unique_columns %}
        body["{{ f.column }}"] = (await another_user())["id"]
{%- else %}
        body["{{ f.column }}"] = (await new_{{ f.target }}(client))["id"]
{%- endif %}
{%- endfor %}
    return body | fields


async def new_{{ entity.name }}(client: AsyncClient, **fields: Any) -> dict[str, Any]:
    """Create {{ entity.article }} through the API and return it."""
    body = await {{ entity.name }}_body(client, **fields)
    return await create(client, "{{ entity.route }}", **body)
