{%- set L = link.class_name -%}
{%- set left, right = link.left, link.right -%}
{%- set ID = "UUID" if cookiecutter.primary_key == "uuid" else "int" -%}
{%- set soft = cookiecutter.soft_delete -%}
{%- set AFTER = "str | None" if cookiecutter.pagination == "cursor" else "int" -%}
"""Queries of the {{ left.label }}-{{ right.label }} link: list either side's partners, link, unlink."""

{% if ID == "UUID" -%}
from uuid import UUID

{% endif -%}
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

{% set imports = [("...core.errors", ["is_unique_violation"]), ("...core.pagination", ["SortedPage", "fetch_page"]), (".models", [L])] -%}
{% if link.fields %}{% set _ = imports.append((".models", [L ~ "Data"])) %}{% endif -%}
{% for side in (left, right) -%}
{% set _ = imports.append(("...%s.models" % side.plural, [side.class_name])) -%}
{% set _ = imports.append(("...%s" % side.plural, ["service as %s_service" % side.name])) -%}
{% endfor -%}
{{ imports | import_block }}
{%- for this, other in ((left, right), (right, left)) %}
{%- set O = other.class_name %}


{{ ("list_%s_of_%s" % (other.plural, this.name)) | def_line(["session: AsyncSession", this.name ~ "_id: " ~ ID, "page: SortedPage"], "tuple[list[tuple[%s, %s]], %s]" % (O, L, AFTER)) }}
    """A page of the {{ other.plural | replace("_", " ") }} linked to this {{ this.label }}, each with its link."""
    await {{ this.name }}_service.get_{{ this.name }}(session, {{ this.name }}_id)
    statement = select({{ O }}).join({{ L }})
    statement = statement.where(col({{ L }}.{{ this.name }}_id) == {{ this.name }}_id)
{%- if other.references %}
    statement = statement.options(*{{ other.name }}_service.EMBED)
{%- endif %}
{%- if soft %}
    # Links stay when a side is soft-deleted (they come back if it is restored), but are hidden.
    statement = statement.where(col({{ O }}.deleted_at).is_(None))
{%- endif %}
    rows, after = await fetch_page(session, statement, {{ O }}, page, page.sort)
    # The links of this page's rows: one more query, whatever the page size.
    ids = [row.id for row in rows]
{{ ("links = select(%s).where" % L) | call_line(["col(%s.%s_id) == %s_id" % (L, this.name, this.name), "col(%s.%s_id).in_(ids)" % (L, other.name)]) }}
    found = (await session.exec(links)).all()
    by_id: dict[{{ ID }} | None, {{ L }}] = {link.{{ other.name }}_id: link for link in found}
    return [(row, by_id[row.id]) for row in rows], after
{%- endfor %}


{{ ("link_%s_%s" % (left.name, right.name)) | def_line(["session: AsyncSession", left.name ~ "_id: " ~ ID, right.name ~ "_id: " ~ ID] + (["data: %sData | None" % L] if link.fields else []), "None") }}
    """Link the two; linking them again changes nothing{% if link.fields %} but the fields given{% endif %} (PUT is idempotent)."""
    await {{ left.name }}_service.get_{{ left.name }}(session, {{ left.name }}_id)
    await {{ right.name }}_service.get_{{ right.name }}(session, {{ right.name }}_id)
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
    link = {{ L }}({{ left.name }}_id={{ left.name }}_id, {{ right.name }}_id={{ right.name }}_id, **fields)
{%- else %}
    link = {{ L }}({{ left.name }}_id={{ left.name }}_id, {{ right.name }}_id={{ right.name }}_id)
{%- endif %}
    session.add(link)
    try:
        await session.commit()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        # A concurrent request made the same link first: the outcome is the one asked for.
        await session.rollback()


{{ ("unlink_%s_%s" % (left.name, right.name)) | def_line(["session: AsyncSession", left.name ~ "_id: " ~ ID, right.name ~ "_id: " ~ ID], "None") }}
    """Unlink the two; unlinking them again changes nothing (DELETE is idempotent)."""
    await {{ left.name }}_service.get_{{ left.name }}(session, {{ left.name }}_id)
    await {{ right.name }}_service.get_{{ right.name }}(session, {{ right.name }}_id)
    link = await session.get({{ L }}, ({{ left.name }}_id, {{ right.name }}_id))
    if link is not None:
        await session.delete(link)
        await session.commit()
