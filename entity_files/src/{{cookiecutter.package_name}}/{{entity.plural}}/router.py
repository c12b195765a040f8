{%- set E = entity.class_name -%}
{%- set e = entity.name -%}
{%- set R = entity.read_model -%}
{%- set own_links = plan.links | selectattr("left", "equalto", entity) | list -%}
{%- set other_links = plan.links | selectattr("right", "equalto", entity) | list -%}
{%- set children = plan.children_of(entity) -%}
{%- set cursor = cookiecutter.pagination == "cursor" -%}
{#- The end of every list endpoint: rows from the service, returned as a page of `table` rows. -#}
{%- macro page_of(table, call, args, query) -%}
{{ ("rows, %s = await %s" % ("next_cursor" if cursor else "total", call)) | call_line(args) }}
    return Page[{{ table }}](
        items=rows,
{%- if cursor %}
        next_cursor=next_cursor,
        limit={{ query }}.limit,
{%- else %}
        total=total,
        limit={{ query }}.limit,
        offset={{ query }}.offset,
{%- endif %}
    )
{%- endmacro -%}
"""{{ entity.plural | replace("_", " ") | capitalize }} endpoints: parse the request, call the service, return its rows.

Each route returns table rows and names its public model in `response_model`: FastAPI
validates and serialises them once, straight from their attributes, into that model.
"""

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import Field

{% set imports = [("..core.database", ["SessionDep"]), ("..core.errors", ["COMMON_RESPONSES", "ErrorBody", "BODY_ERRORS"]), ("..core.ids", ["IdPath"]), ("..core.pagination", ["Page"]), (".", ["service"]), (".models", [E, E ~ "Create", E ~ "Query", E ~ "Update", R])] -%}
{% if children or entity.is_tree or own_links or other_links %}{% set _ = imports.append(("..core.pagination", ["PageQuery"])) %}{% endif -%}
{% if entity.is_tree %}{% set _ = imports.append((".models", [E ~ "Public"])) %}{% endif -%}
{% for child in children -%}
{% set _ = imports.append(("..%s.models" % child.plural, [child.class_name, child.class_name ~ "Public", child.class_name ~ "Query"])) -%}
{% set _ = imports.append(("..%s.service" % child.plural, ["list_" ~ child.plural])) -%}
{% endfor -%}
{% for link in own_links %}{% set _ = imports.append(("..%s.models" % link.right.plural, [link.right.class_name, link.right.class_name ~ "Public"])) %}{% endfor -%}
{% for link in other_links %}{% set _ = imports.append(("..%s.models" % link.left.plural, [link.left.class_name, link.left.class_name ~ "Public"])) %}{% endfor -%}
{{ imports | import_block }}

MAX_BULK = 100

router = APIRouter(
    prefix="/{{ entity.route }}",
    tags=["{{ entity.route }}"],
    responses=COMMON_RESPONSES,
)

NOT_FOUND: dict[int | str, dict[str, object]] = {
    status.HTTP_404_NOT_FOUND: {"model": ErrorBody, "description": "Not found"},
}
# What a route with a body may answer besides validation errors.
WRITE_ERRORS: dict[int | str, dict[str, object]] = {
    **BODY_ERRORS,
    status.HTTP_409_CONFLICT: {"model": ErrorBody, "description": "Name already taken"},
}


{{ "@router.post" | call_line(['""', "status_code=status.HTTP_201_CREATED", "responses=WRITE_ERRORS", "response_model=" ~ R], indent="") }}
{{ ("create_" ~ e) | def_line(["data: %sCreate" % E, "session: SessionDep"], E) }}
    return await service.create_{{ e }}(session, data)


{{ "@router.post" | call_line(['"/bulk"', "status_code=status.HTTP_201_CREATED", "responses=WRITE_ERRORS", "response_model=list[%s]" % R], indent="") }}
{{ ("create_" ~ entity.plural) | def_line(["items: Annotated[list[%sCreate], Field(min_length=1, max_length=MAX_BULK)]" % E, "session: SessionDep"], "list[%s]" % E) }}
    return await service.create_{{ entity.plural }}(session, items)


{{ "@router.get" | call_line(['""', "response_model=Page[%s]" % R], indent="") }}
{{ ("list_" ~ entity.plural) | def_line(["query: Annotated[%sQuery, Query()]" % E, "session: SessionDep"], "Page[%s]" % E) }}
{{ page_of(E, "service.list_" ~ entity.plural, ["session", "query"], "query") }}


{{ "@router.get" | call_line(['"/{%s_id}"' % e, "responses=NOT_FOUND", "response_model=" ~ R], indent="") }}
{{ ("get_" ~ e) | def_line([e ~ "_id: IdPath", "session: SessionDep"], E) }}
    return await service.get_{{ e }}(session, {{ e }}_id)


{{ "@router.patch" | call_line(['"/{%s_id}"' % e, "responses={**NOT_FOUND, **WRITE_ERRORS}", "response_model=" ~ R], indent="") }}
{{ ("update_" ~ e) | def_line([e ~ "_id: IdPath", "data: %sUpdate" % E, "session: SessionDep"], E) }}
{{ ("return await service.update_" ~ e) | call_line(["session", e ~ "_id", "data"]) }}


@router.delete(
    "/{ {{- e }}_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=NOT_FOUND,
)
{{ ("delete_" ~ e) | def_line([e ~ "_id: IdPath", "session: SessionDep"], "None") }}
    await service.delete_{{ e }}(session, {{ e }}_id)
{%- if entity.is_tree %}


{{ "@router.get" | call_line(['"/{%s_id}/children"' % e, "responses=NOT_FOUND", "response_model=Page[%sPublic]" % E], indent="") }}
{{ ("list_%s_children" % e) | def_line([e ~ "_id: IdPath", "page: Annotated[PageQuery, Query()]", "session: SessionDep"], "Page[%s]" % E) }}
    await service.get_{{ e }}(session, {{ e }}_id)
    query = {{ E }}Query(parent_id={{ e }}_id, **page.model_dump())
{{ page_of(E, "service.list_" ~ entity.plural, ["session", "query"], "page") }}
{%- endif %}
{%- for child in children %}
{%- set C = child.class_name %}


{{ "@router.get" | call_line(['"/{%s_id}/%s"' % (e, child.route), "responses=NOT_FOUND", "response_model=Page[%sPublic]" % C], indent="") }}
{{ ("list_%s_%s" % (e, child.plural)) | def_line([e ~ "_id: IdPath", "page: Annotated[PageQuery, Query()]", "session: SessionDep"], "Page[%s]" % C) }}
    await service.get_{{ e }}(session, {{ e }}_id)
{{ ("query = %sQuery" % C) | call_line(["%s_id=%s_id" % (child.parent_attr, e), "**page.model_dump()"]) }}
{{ page_of(C, "list_" ~ child.plural, ["session", "query"], "page") }}
{%- endfor %}
{%- for link in own_links + other_links %}
{%- set other = link.right if link.left == entity else link.left %}
{%- set O = other.class_name %}


{{ "@router.get" | call_line(['"/{%s_id}/%s"' % (e, other.route), "responses=NOT_FOUND", "response_model=Page[%sPublic]" % O], indent="") }}
{{ ("list_%s_%s" % (e, other.plural)) | def_line([e ~ "_id: IdPath", "page: Annotated[PageQuery, Query()]", "session: SessionDep"], "Page[%s]" % O) }}
{{ page_of(O, "service.list_%s_%s" % (e, other.plural), ["session", e ~ "_id", "page"], "page") }}
{%- endfor %}
{%- for link in own_links %}
{%- set o = link.right.name %}


@router.put(
    "/{ {{- e }}_id}/{{ link.right.route }}/{ {{- o }}_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=NOT_FOUND,
)
{{ ("add_%s_%s" % (e, o)) | def_line([e ~ "_id: IdPath", o ~ "_id: IdPath", "session: SessionDep"], "None") }}
{{ ("await service.add_%s_%s" % (e, o)) | call_line(["session", e ~ "_id", o ~ "_id"]) }}


@router.delete(
    "/{ {{- e }}_id}/{{ link.right.route }}/{ {{- o }}_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=NOT_FOUND,
)
{{ ("remove_%s_%s" % (e, o)) | def_line([e ~ "_id: IdPath", o ~ "_id: IdPath", "session: SessionDep"], "None") }}
{{ ("await service.remove_%s_%s" % (e, o)) | call_line(["session", e ~ "_id", o ~ "_id"]) }}
{%- endfor %}
