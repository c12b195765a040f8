{%- set E = entity.class_name -%}
{%- set e = entity.name -%}
{%- set parent = plan.parent_of(entity) -%}
{%- set attr = entity.parent_attr -%}
{%- set P = parent.class_name if parent else "" -%}
{%- set own_links = plan.links | selectattr("left", "equalto", entity) | list -%}
{%- set other_links = plan.links | selectattr("right", "equalto", entity) | list -%}
{%- set ID = "UUID" if cookiecutter.primary_key == "uuid" else "int" -%}
{%- set soft = cookiecutter.soft_delete -%}
{%- set children = plan.children_of(entity) -%}
{#- What fetch_page returns besides the rows: a total, or the next page's cursor. -#}
{%- set AFTER = "str | None" if cookiecutter.pagination == "cursor" else "int" -%}
"""{{ entity.plural | replace("_", " ") | capitalize }}: every query the {{ entity.label }} endpoints need."""

{% if ID == "UUID" -%}
from uuid import UUID

{% endif -%}
{% if soft -%}
from sqlalchemy import update
{% else -%}
from sqlalchemy import delete
{% endif -%}
from sqlalchemy.exc import IntegrityError
{%- if parent %}
from sqlalchemy.orm import joinedload
{%- endif %}
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

{% set errors = ["ConflictError", "NotFoundError", "is_unique_violation"] -%}
{% if parent %}{% set _ = errors.append("UnprocessableError") %}{% endif -%}
{% set imports = [("..core.errors", errors), ("..core.pagination", ["fetch_page"]), ("..core.tables", ["utc_now"]), (".models", [E, E ~ "Create", E ~ "Query", E ~ "Update"])] -%}
{% if parent %}{% set _ = imports.append(("..core.tables", ["relation"])) %}{% endif -%}
{% if parent and not entity.is_tree %}{% set _ = imports.append(("..%s.models" % parent.plural, [P])) %}{% endif -%}
{% if own_links or other_links %}{% set _ = imports.append(("..core.pagination", ["PageQuery"])) %}{% endif -%}
{% if soft %}{% for child in children %}{% set _ = imports.append(("..%s.models" % child.plural, [child.class_name])) %}{% endfor %}{% endif -%}
{% for link in own_links -%}
{% set _ = imports.append((".models", [link.class_name])) -%}
{% set _ = imports.append(("..%s.models" % link.right.plural, [link.right.class_name])) -%}
{% set _ = imports.append(("..%s.service" % link.right.plural, ["get_" ~ link.right.name])) -%}
{% endfor -%}
{% for link in other_links -%}
{% set _ = imports.append(("..%s.models" % link.left.plural, [link.left.class_name, link.class_name])) -%}
{% endfor -%}
{{ imports | import_block }}
{%- if parent %}

# Every read shows the {{ parent.label }}: load it in the same query, as a JOIN (a to-one relation).
WITH_PARENT = joinedload(relation({{ E }}.{{ attr }}))
{%- endif %}


{{ ("get_" ~ e) | def_line(["session: AsyncSession", e ~ "_id: " ~ ID], E) }}
{%- if soft %}
{{ ("statement = select(%s).where" % E) | call_line(["col(%s.id) == %s_id" % (E, e), "col(%s.deleted_at).is_(None)" % E]) }}
    found = (await session.exec(statement{% if parent %}.options(WITH_PARENT){% endif %})).first()
{%- else %}
    found = await session.get({{ E }}, {{ e }}_id{% if parent %}, options=[WITH_PARENT]{% endif %})
{%- endif %}
    if found is None:
        raise NotFoundError(f"{{ entity.label | capitalize }} { {{- e }}_id} not found")
    return found


{{ ("list_" ~ entity.plural) | def_line(["session: AsyncSession", "query: " ~ E ~ "Query"], "tuple[list[%s], %s]" % (E, AFTER)) }}
    statement = select({{ E }}){% if parent %}.options(WITH_PARENT){% endif %}
{%- if soft %}
    statement = statement.where(col({{ E }}.deleted_at).is_(None))
{%- endif %}
    if query.name is not None:
        name_matches = col({{ E }}.name).icontains(query.name, autoescape=True)
        statement = statement.where(name_matches)
{%- if parent %}
    if query.{{ attr }}_id is not None:
        statement = statement.where(
            col({{ E }}.{{ attr }}_id) == query.{{ attr }}_id,
        )
{%- endif %}
    return await fetch_page(session, statement, {{ E }}, query)


{{ ("create_" ~ e) | def_line(["session: AsyncSession", "data: " ~ E ~ "Create"], E) }}
    item = {{ E }}.model_validate(data)
{%- if parent %}
    item.{{ attr }} = await _find_parent(session, data.{{ attr }}_id)
{%- endif %}
    session.add(item)
    await _flush_unique(session, data.name)
    await session.commit()
    return item


{{ ("create_" ~ entity.plural) | def_line(["session: AsyncSession", "items: list[%sCreate]" % E], "list[%s]" % E) }}
    """Create every item in one transaction, or none; an error names the failing item's index."""
{%- if parent %}
    wanted = {data.{{ attr }}_id for data in items} - {None}
    statement = select({{ P }}).where(col({{ P }}.id).in_(wanted))
{%- if soft %}
    statement = statement.where(col({{ P }}.deleted_at).is_(None))
{%- endif %}
    parents = {row.id: row for row in (await session.exec(statement)).all()}
{%- endif %}
    created = []
    for index, data in enumerate(items):
        item = {{ E }}.model_validate(data)
{%- if parent %}
        parent_id = data.{{ attr }}_id
        if parent_id is not None and parent_id not in parents:
            message = f"{{ parent.label | capitalize }} {parent_id} does not exist"
            raise UnprocessableError(message, loc=("body", index, "{{ attr }}_id"))
        item.{{ attr }} = None if parent_id is None else parents[parent_id]
{%- endif %}
        session.add(item)
        # Flushing item by item tells which one broke a constraint; nothing is committed yet.
        await _flush_unique(session, data.name, index)
        created.append(item)
    await session.commit()
    return created


{{ ("update_" ~ e) | def_line(["session: AsyncSession", e ~ "_id: " ~ ID, "data: " ~ E ~ "Update"], E) }}
    item = await get_{{ e }}(session, {{ e }}_id)
    changes = data.model_dump(exclude_unset=True)
{%- if parent %}
    if "{{ attr }}_id" in changes:
        parent = await _find_parent(session, data.{{ attr }}_id)
{%- if entity.is_tree %}
        if parent is not None:
            await _refuse_cycle(session, {{ e }}_id, parent.id)
{%- endif %}
        item.{{ attr }} = parent
{%- endif %}
    item.sqlmodel_update(changes)
    item.updated_at = utc_now()
    await _flush_unique(session, item.name)
    await session.commit()
    return item


{{ ("delete_" ~ e) | def_line(["session: AsyncSession", e ~ "_id: " ~ ID], "None") }}
    # One conditional statement, so that of two concurrent deletes exactly one finds the row.
{%- if soft %}
    deleted_at = utc_now()
{{ ("statement = update(%s).where" % E) | call_line(["col(%s.id) == %s_id" % (E, e), "col(%s.deleted_at).is_(None)" % E]) }}
    result = await session.exec(statement.values(deleted_at=deleted_at))
{%- else %}
{{ ("statement = delete(%s).where" % E) | call_line(["col(%s.id) == %s_id" % (E, e)]) }}
    result = await session.exec(statement)
{%- endif %}
    if result.rowcount == 0:
        raise NotFoundError(f"{{ entity.label | capitalize }} { {{- e }}_id} not found")
{%- if soft %}
{%- if entity.is_tree or children or own_links or other_links %}
    # What the foreign keys do on a real delete, a soft delete does here.
{%- endif %}
{%- if entity.is_tree %}
    # The subtree goes too:
    ids, parent_ids = col({{ E }}.id), col({{ E }}.parent_id)
    children = select(ids).where(parent_ids == {{ e }}_id)
    subtree = children.cte("subtree", recursive=True)
    subtree = subtree.union(select(ids).join(subtree, parent_ids == subtree.c.id))
    in_subtree = ids.in_(select(subtree.c.id))
{{ ("descendants = update(%s).where" % E) | call_line(["in_subtree", "col(%s.deleted_at).is_(None)" % E]) }}
    await session.exec(descendants.values(deleted_at=deleted_at))
{%- endif %}
{%- for child in children %}
{%- set C = child.class_name %}
    # Its {{ child.plural | replace("_", " ") }} let go of it:
{{ ("let_go = update(%s).where" % C) | call_line(["col(%s.%s_id) == %s_id" % (C, child.parent_attr, e)]) }}
    await session.exec(let_go.values({{ child.parent_attr }}_id=None))
{%- endfor %}
{%- if own_links or other_links %}
    # Its links stay (a real delete drops them) and come back if it is restored; listings
    # skip deleted rows.
{%- endif %}
{%- endif %}
    await session.commit()
{%- for link in own_links + other_links %}
{%- set other = link.right if link.left == entity else link.left %}
{%- set O = other.class_name %}
{%- set L = link.class_name %}


{{ ("list_%s_%s" % (e, other.plural)) | def_line(["session: AsyncSession", e ~ "_id: " ~ ID, "page: PageQuery"], "tuple[list[%s], %s]" % (O, AFTER)) }}
    await get_{{ e }}(session, {{ e }}_id)
    statement = select({{ O }}).join({{ L }})
{%- if soft %}
    # Links stay when a side is soft-deleted (they come back if it is restored), but are hidden.
    statement = statement.where(col({{ O }}.deleted_at).is_(None))
{%- endif %}
    # filter_by applies to the entity joined last: the link.
    statement = statement.filter_by({{ e }}_id={{ e }}_id)
    return await fetch_page(session, statement, {{ O }}, page)
{%- endfor %}
{%- for link in own_links %}
{%- set o = link.right.name %}
{%- set L = link.class_name %}


{{ ("add_%s_%s" % (e, o)) | def_line(["session: AsyncSession", e ~ "_id: " ~ ID, o ~ "_id: " ~ ID], "None") }}
    """Link the two; linking them again changes nothing (PUT is idempotent)."""
    await get_{{ e }}(session, {{ e }}_id)
    await get_{{ o }}(session, {{ o }}_id)
    key = ({{ e }}_id, {{ o }}_id)
    if await session.get({{ L }}, key) is not None:
        return
    link = {{ L }}(
        {{ e }}_id={{ e }}_id,
        {{ o }}_id={{ o }}_id,
    )
    session.add(link)
    try:
        await session.commit()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        # A concurrent request made the same link first: the outcome is the one asked for.
        await session.rollback()


{{ ("remove_%s_%s" % (e, o)) | def_line(["session: AsyncSession", e ~ "_id: " ~ ID, o ~ "_id: " ~ ID], "None") }}
    """Unlink the two; unlinking them again changes nothing (DELETE is idempotent)."""
    await get_{{ e }}(session, {{ e }}_id)
    await get_{{ o }}(session, {{ o }}_id)
    key = ({{ e }}_id, {{ o }}_id)
    link = await session.get({{ L }}, key)
    if link is not None:
        await session.delete(link)
        await session.commit()
{%- endfor %}
{%- if parent %}


{{ "_find_parent" | def_line(["session: AsyncSession", "parent_id: " ~ ID ~ " | None"], P ~ " | None") }}
    """The {{ parent.label }} a request names, or a 422 when it does not exist."""
    if parent_id is None:
        return None
{%- if soft %}
{{ ("live = select(%s).where" % P) | call_line(["col(%s.id) == parent_id" % P, "col(%s.deleted_at).is_(None)" % P]) }}
    found = (await session.exec(live)).first()
{%- else %}
    found = await session.get({{ P }}, parent_id)
{%- endif %}
    if found is None:
        message = f"{{ parent.label | capitalize }} {parent_id} does not exist"
        raise UnprocessableError(message, loc=("body", "{{ attr }}_id"))
    return found
{%- endif %}
{%- if entity.is_tree %}


{{ "_refuse_cycle" | def_line(["session: AsyncSession", e ~ "_id: " ~ ID, "parent_id: " ~ ID ~ " | None"], "None") }}
    """Refuse a parent that is the {{ entity.label }} itself or one of its descendants."""
    ids, parent_ids = col({{ E }}.id), col({{ E }}.parent_id)
    ancestors = select(ids, parent_ids).where(ids == parent_id).cte("ancestors", recursive=True)
    step = select(ids, parent_ids).join(ancestors, ids == ancestors.c.parent_id)
    # UNION, not UNION ALL: it stops even if concurrent updates ever left a cycle behind.
    ancestors = ancestors.union(step)
    cycle = select(ancestors.c.id).where(ancestors.c.id == {{ e }}_id)
    found = await session.exec(cycle)
    if found.first() is not None:
        message = f"{{ entity.label | capitalize }} { {{- e }}_id} cannot be its own ancestor"
        raise UnprocessableError(message, loc=("body", "parent_id"))
{%- endif %}


async def _flush_unique(session: AsyncSession, name: str, index: int | None = None) -> None:
    """Flush, turning a duplicate name into a 409 that names it (and the bulk item's index)."""
    try:
        await session.flush()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        prefix = "" if index is None else f"Item {index}: "
        message = f"{prefix}A {{ entity.label }} named {name!r} already exists"
        raise ConflictError(message) from error
