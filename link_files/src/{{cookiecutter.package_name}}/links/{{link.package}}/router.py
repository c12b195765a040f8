{%- set L = link.class_name -%}
{%- set left, right = link.left, link.right -%}
{%- set cursor = cookiecutter.pagination == "cursor" -%}
{#- Ids in paths, with Starlette's convertor (see the entity routers). -#}
{%- set CONVERTOR = "uuid" if cookiecutter.primary_key == "uuid" else "int" -%}
{%- set body_required = link.fields | selectattr("required") | list -%}
{#- An owned side answers only its owner (and superusers): the routes pass the caller on. -#}
{%- set owned = left.is_owned or right.is_owned -%}
{%- set CALLER = ["caller: CurrentUser"] if owned else [] -%}
{%- set BY = ["caller"] if owned else [] -%}
"""Endpoints of the {{ left.label }}-{{ right.label }} link: each side's partners, link and unlink."""

from typing import Annotated

from fastapi import APIRouter, Query, status

{% set imports = [("...core.database", ["SessionDep"]), ("...core.errors", ["COMMON_RESPONSES", "ErrorBody"]), ("...core.ids", ["IdPath"]), ("...core.pagination", ["Page"]), (".", ["service"]), (".models", [right.class_name ~ "Of" ~ left.class_name, left.class_name ~ "Of" ~ right.class_name])] -%}
{% for side in (left, right) %}{% set _ = imports.append(("...%s.models" % side.plural, [side.class_name ~ "Query"])) %}{% endfor -%}
{% if link.fields %}{% set _ = imports.append((".models", [L ~ "Data"])) %}{% set _ = imports.append(("...core.errors", ["BODY_ERRORS"])) %}{% endif -%}
{% if owned %}{% set _ = imports.append(("...auth.dependencies", ["CurrentUser"])) %}{% endif -%}
{{ imports | import_block }}

router = APIRouter(responses=COMMON_RESPONSES)

NOT_FOUND: dict[int | str, dict[str, object]] = {
    status.HTTP_404_NOT_FOUND: {"model": ErrorBody, "description": "Not found"},
}
{%- for this, other in ((left, right), (right, left)) %}
{%- set ITEM = other.class_name ~ "Of" ~ this.class_name %}


{{ "@router.get" | call_line(['"/%s/{%s_id:%s}/%s"' % (this.route, this.name, CONVERTOR, other.route), 'tags=["%s"]' % this.route, "responses=NOT_FOUND", "response_model=Page[%s]" % ITEM], indent="") }}
{{ ("list_%s_%s" % (this.name, other.plural)) | def_line([this.name ~ "_id: IdPath", "page: Annotated[%sQuery, Query()]" % other.class_name, "session: SessionDep"] + CALLER, "Page[%s]" % ITEM) }}
    """A page of the {{ other.plural | replace("_", " ") }} linked to this {{ this.label }}, each with its link."""
{{ ("items, %s = await service.list_%s_of_%s" % ("next_cursor" if cursor else "total", other.plural, this.name)) | call_line(["session", this.name ~ "_id", "page"] + BY) }}
    return Page[{{ ITEM }}](
        items=items,
{%- if cursor %}
        next_cursor=next_cursor,
        limit=page.limit,
{%- else %}
        total=total,
        limit=page.limit,
        offset=page.offset,
{%- endif %}
    )
{%- endfor %}
{%- set path = '"/%s/{%s_id:%s}/%s/{%s_id:%s}"' % (left.route, left.name, CONVERTOR, right.route, right.name, CONVERTOR) %}
{%- set params = [left.name ~ "_id: IdPath", right.name ~ "_id: IdPath"] %}
{%- set args = ["session", left.name ~ "_id", right.name ~ "_id"] %}
{%- set tail = (["data"] if link.fields else []) + BY %}


{{ "@router.put" | call_line([path, 'tags=["%s"]' % left.route, "status_code=status.HTTP_204_NO_CONTENT", "responses={**NOT_FOUND, **BODY_ERRORS}" if link.fields else "responses=NOT_FOUND"], indent="") }}
{%- if not link.fields %}{% set put_params = params + ["session: SessionDep"] + CALLER %}
{%- elif body_required %}{% set put_params = params + ["data: %sData" % L, "session: SessionDep"] + CALLER %}
{%- else %}{% set put_params = params + ["session: SessionDep"] + CALLER + ["data: %sData | None = None" % L] %}{% endif %}
{{ ("link_%s_%s" % (left.name, right.name)) | def_line(put_params, "None") }}
    """Link the two (again: nothing changes{% if link.fields %} but the fields given{% endif %})."""
{{ ("await service.link_%s_%s" % (left.name, right.name)) | call_line(args + tail) }}


{{ "@router.delete" | call_line([path, 'tags=["%s"]' % left.route, "status_code=status.HTTP_204_NO_CONTENT", "responses=NOT_FOUND"], indent="") }}
{{ ("unlink_%s_%s" % (left.name, right.name)) | def_line(params + ["session: SessionDep"] + CALLER, "None") }}
    """Unlink the two (again: nothing changes)."""
{{ ("await service.unlink_%s_%s" % (left.name, right.name)) | call_line(args + BY) }}
