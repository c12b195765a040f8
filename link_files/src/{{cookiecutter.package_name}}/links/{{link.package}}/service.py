{%- set L = link.class_name -%}
{%- set left, right = link.left, link.right -%}
{%- set ID = "UUID" if cookiecutter.primary_key == "uuid" else "int" -%}
{%- set soft = cookiecutter.soft_delete -%}
{%- set AFTER = "str | None" if cookiecutter.pagination == "cursor" else "int" -%}
{#- An owned side is seen only by its owner (and superusers): each query of it goes through its
    service's `visible`, and the functions take the caller. -#}
{%- set owned = left.is_owned or right.is_owned -%}
{%- set CALLER = ["caller: Caller"] if owned else [] -%}
{%- macro get_side(side) -%}
{{ ("await %s_service.get_%s" % (side.name, side.name)) | call_line(["session", side.name ~ "_id"] + (["caller"] if side.is_owned else [])) }}
{%- endmacro -%}
"""Queries of the {{ left.label }}-{{ right.label }} link: list either side's partners, link, unlink."""

{% if ID == "UUID" -%}
from uuid import UUID

{% endif -%}
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

{% set imports = [("...core.errors", ["is_unique_violation"]), ("...core.filters", ["filtered"]), ("...core.pagination", ["fetch_page"]), (".models", [L, right.class_name ~ "Of" ~ left.class_name, left.class_name ~ "Of" ~ right.class_name])] -%}
{% if link.fields %}{% set _ = imports.append((".models", [L ~ "Data"])) %}{% endif -%}
{% if owned %}{% set _ = imports.append(("...auth.models", ["Caller"])) %}{% endif -%}
{% for side in (left, right) -%}
{% set _ = imports.append(("...%s.models" % side.plural, [side.class_name, side.class_name ~ "Query"])) -%}
{% set _ = imports.append(("...%s" % side.plural, ["service as %s_service" % side.name])) -%}
{% endfor -%}
{{ imports | import_block }}
{%- for this, other in ((left, right), (right, left)) %}
{%- set O = other.class_name %}
{%- set ITEM = other.class_name ~ "Of" ~ this.class_name %}


{{ ("list_%s_of_%s" % (other.plural, this.name)) | def_line(["session: AsyncSession", this.name ~ "_id: " ~ ID, "page: %sQuery" % O] + CALLER, "tuple[list[%s], %s]" % (ITEM, AFTER)) }}
    """A page of the {{ other.plural | replace("_", " ") }} linked to this {{ this.label }}, each with its link."""
{{ get_side(this) }}
    # The link's column, by its table: {{ other.plural | replace("_", " ") }} may have a field of the same name.
{{ "linked_to = col" | call_line([L ~ "." ~ this.name ~ "_id"]) }}
    statement = select({{ O }}).join({{ L }})
{{ "statement = statement.where" | call_line(["linked_to == %s_id" % this.name]) }}
{%- if other.references %}
    statement = statement.options(*{{ other.name }}_service.EMBED)
{%- endif %}
{%- if soft %}
    # Links stay when a side is soft-deleted (they come back if it is restored), but are hidden.
    statement = statement.where(col({{ O }}.deleted_at).is_(None))
{%- endif %}
{%- if other.is_owned %}
    statement = statement.where({{ other.name }}_service.visible(caller))
{%- endif %}
    # Their own list's filters and sort keys. Sorting by one of their fields reads this side's
    # links first (the link table's key finds them), then sorts the rows they join.
    statement = filtered(statement, {{ O }}, page)
{%- if cookiecutter.pagination == "cursor" %}
    # A cursor of this {{ this.label }}'s list serves no other.
{{ "rows, after = await fetch_page" | call_line(["session", "statement", O, "page", "page.sort", "scope=(%s, %s_id)" % (('"' ~ this.name ~ '"'), this.name)]) }}
{%- else %}
    rows, after = await fetch_page(session, statement, {{ O }}, page, page.sort)
{%- endif %}
    # The links of this page's rows: one more query, whatever the page size.
    ids = [row.id for row in rows]
{{ ("links = select(%s).where" % L) | call_line(["linked_to == %s_id" % this.name, "col(%s.%s_id).in_(ids)" % (L, other.name)]) }}
    found = (await session.exec(links)).all()
{{ ("by_id: dict[%s | None, %s] =" % (ID, L)) | wrapped("link.%s_id: link for link in found" % other.name, "{}") }}
    items = []
    for row in rows:
        # The row's attributes (with the rows it embeds) and its link, validated into one item.
{{ ("item = %s.model_validate" % ITEM) | call_line(['{**vars(row), "link": by_id[row.id]}', "from_attributes=True"], indent="        ") }}
        items.append(item)
    return items, after
{%- endfor %}


{{ ("link_%s_%s" % (left.name, right.name)) | def_line(["session: AsyncSession", left.name ~ "_id: " ~ ID, right.name ~ "_id: " ~ ID] + (["data: %sData | None" % L] if link.fields else []) + CALLER, "None") }}
    """Link the two; linking them again changes nothing{% if link.fields %} but the fields given{% endif %} (PUT is idempotent)."""
{{ get_side(left) }}
{{ get_side(right) }}
    key = ({{ left.name }}_id, {{ right.name }}_id)
    link = await session.get({{ L }}, key)
    if link is not None:
{%- if link.fields %}
        if data is not None:
            link.sqlmodel_update(data.model_dump(exclude_unset=True))
            await session.commit()
{%- endif %}
        return
{%- if link.fields %}
    fields = data.model_dump() if data is not None else {}
{{ ("link = %s" % L) | call_line(["%s_id=%s_id" % (left.name, left.name), "%s_id=%s_id" % (right.name, right.name), "**fields"]) }}
{%- else %}
{{ ("link = %s" % L) | call_line(["%s_id=%s_id" % (left.name, left.name), "%s_id=%s_id" % (right.name, right.name)]) }}
{%- endif %}
    session.add(link)
    try:
        await session.commit()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        # A concurrent request made the same link first: the outcome is the one asked for.
        await session.rollback()


{{ ("unlink_%s_%s" % (left.name, right.name)) | def_line(["session: AsyncSession", left.name ~ "_id: " ~ ID, right.name ~ "_id: " ~ ID] + CALLER, "None") }}
    """Unlink the two; unlinking them again changes nothing (DELETE is idempotent)."""
{{ get_side(left) }}
{{ get_side(right) }}
    key = ({{ left.name }}_id, {{ right.name }}_id)
    link = await session.get({{ L }}, key)
    if link is not None:
        await session.delete(link)
        await session.commit()
