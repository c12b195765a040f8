{%- set E = entity.class_name -%}
{%- set e = entity.name -%}
{%- set R = entity.read_model -%}
{%- set tree = entity.tree_field -%}
{%- set parents = plan.listed_under(entity) -%}
{%- set cursor = cookiecutter.pagination == "cursor" -%}
{%- set soft = cookiecutter.soft_delete -%}
{#- Owned rows are the caller's: every route of them passes the caller on; writes of rows that
    reference owned rows pass it too (a reference accepts only rows the caller sees). -#}
{%- set owned = entity.is_owned -%}
{%- set CALLER = ["caller: CurrentUser"] if owned else [] -%}
{%- set WRITER = ["caller: CurrentUser"] if plan.needs_caller(entity) else [] -%}
{%- set BY = ["caller"] if owned else [] -%}
{%- set WRITTEN_BY = ["caller"] if plan.needs_caller(entity) else [] -%}
{#- A delete refused (409) names only the rows that need it which the caller sees. -#}
{%- set DELETER = ["caller: CurrentUser"] if cookiecutter.auth == "users" else [] -%}
{%- set DELETED_BY = ["caller"] if cookiecutter.auth == "users" else [] -%}
{#- The id in a path, with Starlette's convertor: `/heroes/bulk` is then no id, but a 405. -#}
{%- set ID = "{%s_id:%s}" % (entity.name, "uuid" if cookiecutter.primary_key == "uuid" else "int") -%}
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

from fastapi import APIRouter, Query, Response, status
from pydantic import Field

{% set imports = [("..core.database", ["SessionDep"]), ("..core.errors", ["COMMON_RESPONSES", "ErrorBody", "BODY_ERRORS"]), ("..core.etags", ["PRECONDITION_FAILED", "IfMatch", "tag"]), ("..core.ids", ["IdPath"]), ("..core.pagination", ["Page"]), (".", ["service"]), (".models", [E, E ~ "Create", E ~ "Query", E ~ "Update", R])] -%}

{% for parent, f in parents %}{% set _ = imports.append(("..%s.service" % parent.plural, ["get_" ~ parent.name])) %}{% set _ = imports.append((".models", [E ~ "QueryOf" ~ parent.class_name])) %}{% endfor -%}
{% if DELETER %}{% set _ = imports.append(("..auth.dependencies", ["CurrentUser"])) %}{% endif -%}
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
CONFLICT: dict[int | str, dict[str, object]] = {
    status.HTTP_409_CONFLICT: {"model": ErrorBody, "description": "A unique value is taken"},
}
# What a route with a body may answer besides validation errors.
WRITE_ERRORS = {**BODY_ERRORS, **CONFLICT}
# Deleting a row that others still need (their references RESTRICT): declared on every entity,
# since one added later (`add`, or by hand) may reference this one.
DELETE_ERRORS: dict[int | str, dict[str, object]] = {
    **NOT_FOUND,
    status.HTTP_409_CONFLICT: {"model": ErrorBody, "description": "Still referenced"},
}


{{ "@router.post" | call_line(['""', "status_code=status.HTTP_201_CREATED", "responses=WRITE_ERRORS", "response_model=" ~ R], indent="") }}
{{ ("create_" ~ e) | def_line(["data: %sCreate" % E, "session: SessionDep"] + WRITER + ["response: Response"], E) }}
    """Create {{ entity.article }}{% if owned %}, owned by the caller{% endif %}."""
{{ ("item = await service.create_" ~ e) | call_line(["session", "data"] + WRITTEN_BY) }}
    tag(response, item.row_version)
    return item


{{ "@router.post" | call_line(['"/bulk"', "status_code=status.HTTP_201_CREATED", "responses=WRITE_ERRORS", "response_model=list[%s]" % R], indent="") }}
{{ ("create_" ~ entity.plural) | def_line(["items: Annotated[list[%sCreate], Field(min_length=1, max_length=MAX_BULK)]" % E, "session: SessionDep"] + WRITER, "list[%s]" % E) }}
    """Create up to 100 {{ entity.plural | replace("_", " ") }} at once: all of them, or none."""
{{ ("return await service.create_" ~ entity.plural) | call_line(["session", "items"] + WRITTEN_BY) }}


{{ "@router.get" | call_line(['""', "response_model=Page[%s]" % R], indent="") }}
{{ ("list_" ~ entity.plural) | def_line(["query: Annotated[%sQuery, Query()]" % E, "session: SessionDep"] + CALLER, "Page[%s]" % E) }}
    """A page of {{ entity.plural | replace("_", " ") }}{% if owned %} (the caller's; a superuser's: all){% endif %}, filtered and sorted."""
{{ page_of(E, "service.list_" ~ entity.plural, ["session", "query"] + BY, "query") }}
{%- if soft %}


{{ "@router.get" | call_line(['"/deleted"', "response_model=Page[%s]" % R], indent="") }}
{{ ("list_deleted_" ~ entity.plural) | def_line(["query: Annotated[%sQuery, Query()]" % E, "session: SessionDep"] + CALLER, "Page[%s]" % E) }}
    """A page of deleted {{ entity.plural | replace("_", " ") }}, which `POST /{id}/restore` brings back."""
{{ page_of(E, "service.list_" ~ entity.plural, ["session", "query"] + BY + ["deleted=True"], "query") }}
{%- endif %}


{{ "@router.get" | call_line(['"/%s"' % ID, "responses=NOT_FOUND", "response_model=" ~ R], indent="") }}
{{ ("get_" ~ e) | def_line([e ~ "_id: IdPath", "session: SessionDep"] + CALLER + ["response: Response"], E) }}
    """One {{ entity.label }}{% if entity.references %}, with the rows it references{% endif %}; its ETag in the header."""
{{ ("item = await service.get_" ~ e) | call_line(["session", e ~ "_id"] + BY) }}
    tag(response, item.row_version)
    return item


{{ "@router.patch" | call_line(['"/%s"' % ID, "responses={**NOT_FOUND, **WRITE_ERRORS, **PRECONDITION_FAILED}", "response_model=" ~ R], indent="") }}
{{ ("update_" ~ e) | def_line([e ~ "_id: IdPath", "data: %sUpdate" % E, "session: SessionDep"] + WRITER + ["response: Response", "if_match: IfMatch = None"], E) }}
    """Change the fields given; the others stay as they are. With If-Match, only if the row
    still has one of the ETags it names (else 412)."""
{{ ("item = await service.update_" ~ e) | call_line(["session", e ~ "_id", "data"] + WRITTEN_BY + ["if_match"]) }}
    tag(response, item.row_version)
    return item


@router.delete(
    "/{{ ID }}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**DELETE_ERRORS, **PRECONDITION_FAILED},
)
{{ ("delete_" ~ e) | def_line([e ~ "_id: IdPath", "session: SessionDep"] + DELETER + ["if_match: IfMatch = None"], "None") }}
    """Delete {{ entity.article }}{% if soft %} (it can be restored){% endif %}; with If-Match, only if the row still has
    one of the ETags it names (else 412)."""
{{ ("await service.delete_" ~ e) | call_line(["session", e ~ "_id"] + DELETED_BY + ["if_match"]) }}
{%- if soft %}


{{ "@router.post" | call_line(['"/%s/restore"' % ID, "responses={**NOT_FOUND, **CONFLICT}", "response_model=" ~ R], indent="") }}
{{ ("restore_" ~ e) | def_line([e ~ "_id: IdPath", "session: SessionDep"] + CALLER + ["response: Response"], E) }}
    """Bring back a deleted {{ entity.label }} with the rows its delete took along (a live one is
    answered as it is); 409 if a row they need is deleted, or their unique values were taken."""
{{ ("item = await service.restore_" ~ e) | call_line(["session", e ~ "_id"] + BY) }}
    tag(response, item.row_version)
    return item
{%- endif %}
{%- if tree %}


{{ "@router.get" | call_line(['"/%s/children"' % ID, "responses=NOT_FOUND", "response_model=Page[%s]" % R], indent="") }}
{{ ("list_%s_children" % e) | def_line([e ~ "_id: IdPath", "query: Annotated[%sQuery, Query()]" % E, "session: SessionDep"] + CALLER, "Page[%s]" % E) }}
    """A page of the {{ entity.plural | replace("_", " ") }} directly below this one."""
{{ ("await service.get_" ~ e) | call_line(["session", e ~ "_id"] + BY) }}
    query = query.model_copy(update={"{{ tree.column }}": {{ e }}_id})
{{ page_of(E, "service.list_" ~ entity.plural, ["session", "query"] + BY, "query") }}
{%- endif %}
{%- if parents %}


# Lists of this entity's rows under the rows they reference: `GET /<parents>/{id}/{{ entity.route }}`.
# They live here, beside the other {{ entity.label }} routes, so that adding an entity adds them too.
nested = APIRouter(responses=COMMON_RESPONSES)
{%- endif %}
{%- for parent, f in parents %}
{%- set P = parent.class_name %}


{{ "@nested.get" | call_line(['"/%s/{%s_id:%s}/%s"' % (parent.route, parent.name, "uuid" if cookiecutter.primary_key == "uuid" else "int", entity.route), 'tags=["%s"]' % parent.route, "responses=NOT_FOUND", "response_model=Page[%s]" % R], indent="") }}
{%- set scoped = owned or parent.is_owned %}
{{ ("list_%s_%s" % (parent.name, entity.plural)) | def_line([parent.name ~ "_id: IdPath", "page: Annotated[%sQueryOf%s, Query()]" % (E, P), "session: SessionDep"] + (["caller: CurrentUser"] if scoped else []), "Page[%s]" % E) }}
    """A page of this {{ parent.label }}'s {{ entity.plural | replace("_", " ") }}, filtered and sorted as their own list."""
{{ ("await get_" ~ parent.name) | call_line(["session", parent.name ~ "_id"] + (["caller"] if parent.is_owned else [])) }}
    # Validated already, as a page of this list; the path gives the {{ f.label }}.
{{ ("query = %sQuery.model_construct" % E) | call_line(["**page.model_dump(exclude_unset=True)", "%s=%s_id" % (f.column, parent.name)]) }}
{{ page_of(E, "service.list_" ~ entity.plural, ["session", "query"] + BY, "page") }}
{%- endfor %}
