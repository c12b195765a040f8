{%- set E = entity.class_name -%}
{%- set e = entity.name -%}
{%- set refs = entity.references -%}
{%- set tree = entity.tree_field -%}
{%- set targets = refs | map(attribute="target") | unique | list -%}
{%- set ID = "UUID" if cookiecutter.primary_key == "uuid" else "int" -%}
{%- set soft = cookiecutter.soft_delete -%}
{#- What fetch_page returns besides the rows: a total, or the next page's cursor. -#}
{%- set AFTER = "str | None" if cookiecutter.pagination == "cursor" else "int" -%}
"""{{ entity.plural | replace("_", " ") | capitalize }}: every query the {{ entity.label }} endpoints need."""

{% set std = [] -%}
{% if ID == "UUID" %}{% set _ = std.append(("uuid", ["UUID"])) %}{% endif -%}
{% if refs %}{% set _ = std.append(("collections.abc", ["Sequence"])) %}{% endif -%}
{% if std -%}
{{ std | import_block }}

{% endif -%}
{{ [("sqlalchemy", ["update" if soft else "delete"]), ("sqlalchemy.exc", ["IntegrityError"])] | import_block }}
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

{% set imports = [("..core.errors", ["NotFoundError", "is_unique_violation"]), ("..core.conflicts", ["duplicate_message", "first_duplicate", "unique_columns", "unique_values"]), ("..core.filters", ["filtered"]), ("..core.pagination", ["fetch_page"]), ("..core.tables", ["utc_now"]), (".models", [E, E ~ "Create", E ~ "Query", E ~ "Update"])] -%}
{% set _ = imports.append(("..core.errors", ["ConflictError"])) -%}
{% if refs %}{% set _ = imports.append(("..core.errors", ["UnprocessableError"])) %}{% set _ = imports.append(("..core.tables", ["embedded"])) %}{% endif -%}
{% for target in targets if target != e %}{% set T = plan.entity(target) %}{% set _ = imports.append(("..%s.models" % T.plural, [T.class_name])) %}{% endfor -%}
{% set _ = imports.append(("..core.references", ["refuse_if_referenced"] + (["refuse_if_parent_deleted", "soft_delete_cascading"] if soft else []))) -%}
{{ imports | import_block }}

{% if refs -%}
# Every read shows the rows it references: loaded in the same query, as JOINs (to-one relations).
{%- if soft %}
# A soft-deleted row is not shown, though the reference to it stays for a restore.
{%- endif %}
{%- set embeds = [] %}
{%- for f in refs %}
{%- set _ = embeds.append("embedded(%s.%s%s)" % (E, f.name, ", live_only=True" if soft else "")) %}
{%- endfor %}
{{ "EMBED" | assignment(embeds) }}
{% endif -%}
# The column groups that must be unique, to name the bulk item that broke one.
{{ "UNIQUE" | assignment(entity.unique_groups | map("string_tuple") | list) }}


{{ ("get_" ~ e) | def_line(["session: AsyncSession", e ~ "_id: " ~ ID], E) }}
{%- if soft %}
{{ ("statement = select(%s).where" % E) | call_line(["col(%s.id) == %s_id" % (E, e), "col(%s.deleted_at).is_(None)" % E]) }}
    found = (await session.exec(statement{% if refs %}.options(*EMBED){% endif %})).first()
{%- else %}
    found = await session.get({{ E }}, {{ e }}_id{% if refs %}, options=EMBED{% endif %})
{%- endif %}
    if found is None:
        raise NotFoundError(f"{{ entity.label | capitalize }} { {{- e }}_id} not found")
    return found


{{ ("list_" ~ entity.plural) | def_line(["session: AsyncSession", "query: " ~ E ~ "Query"], "tuple[list[%s], %s]" % (E, AFTER)) }}
    statement = select({{ E }}){% if refs %}.options(*EMBED){% endif %}
{%- if soft %}
    statement = statement.where(col({{ E }}.deleted_at).is_(None))
{%- endif %}
    statement = filtered(statement, {{ E }}, query)
    return await fetch_page(session, statement, {{ E }}, query, query.sort)


{{ ("create_" ~ e) | def_line(["session: AsyncSession", "data: " ~ E ~ "Create"], E) }}
    item = {{ E }}.model_validate(data)
{%- for f in refs %}
{{ ("item.%s = await _find_%s" % (f.name, f.target)) | call_line(["session", "data.%s" % f.column, '"%s"' % f.column]) }}
{%- endfor %}
    session.add(item)
    await _flush(session, item)
    await session.commit()
    return item


{{ ("create_" ~ entity.plural) | def_line(["session: AsyncSession", "items: list[%sCreate]" % E], "list[%s]" % E) }}
    """Create every item in one transaction, or none; an error names the failing item's index.

    The rows go to the database in one batched INSERT, after one lookup per reference.
    """
{%- for f in refs %}
{{ ("%s = await _find_%s" % (f.name ~ "_rows", plan.entity(f.target).plural)) | call_line(["session", "[data.%s for data in items]" % f.column, '"%s"' % f.column]) }}
{%- endfor %}
    created = []
{%- if refs %}
    for index, data in enumerate(items):
{%- else %}
    for data in items:
{%- endif %}
        item = {{ E }}.model_validate(data)
{%- for f in refs %}
        item.{{ f.name }} = {{ f.name }}_rows[index]
{%- endfor %}
        created.append(item)
    session.add_all(created)
    values = [unique_values(item, UNIQUE) for item in created]
    try:
        await session.flush()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        await session.rollback()
        clash = await first_duplicate(session, {{ E }}, UNIQUE, values{% if soft %}, live_only=True{% endif %})
        if clash is None:  # a concurrent request took the values meanwhile
            message = duplicate_message("{{ entity.article }}", {}, unique_columns(error))
            raise ConflictError(message) from error
        index, columns = clash
        message = duplicate_message("{{ entity.article }}", values[index], columns, index)
        raise ConflictError(message) from error
    await session.commit()
    return created


{{ ("update_" ~ e) | def_line(["session: AsyncSession", e ~ "_id: " ~ ID, "data: " ~ E ~ "Update"], E) }}
    item = await get_{{ e }}(session, {{ e }}_id)
    changes = data.model_dump(exclude_unset=True)
{%- for f in refs %}
    if "{{ f.column }}" in changes:
{{ ("%s = await _find_%s" % (f.name, f.target)) | call_line(["session", "data.%s" % f.column, '"%s"' % f.column], indent="        ") }}
{%- if f == tree %}
        if {{ f.name }} is not None:
            await _refuse_cycle(session, {{ e }}_id, {{ f.name }}.id)
{%- endif %}
        item.{{ f.name }} = {{ f.name }}
{%- endfor %}
    item.sqlmodel_update(changes)
    item.updated_at = utc_now()
    await _flush(session, item)
    await session.commit()
    return item


{{ ("delete_" ~ e) | def_line(["session: AsyncSession", e ~ "_id: " ~ ID], "None") }}
{%- if soft %}
    # ON DELETE RESTRICT, as a real delete would: rows that need this one refuse it.
{{ "await refuse_if_referenced" | call_line(["session", E, e ~ "_id", (entity.label | capitalize | quoted), "live_only=True"]) }}
    # One conditional statement, so that of two concurrent deletes exactly one finds the row.
    deleted_at = utc_now()
{{ ("statement = update(%s).where" % E) | call_line(["col(%s.id) == %s_id" % (E, e), "col(%s.deleted_at).is_(None)" % E]) }}
    result = await session.exec(statement.values(deleted_at=deleted_at))
    if result.rowcount == 0:
        raise NotFoundError(f"{{ entity.label | capitalize }} { {{- e }}_id} not found")
    # ON DELETE CASCADE, as a real delete would: the rows that reference it go too. References
    # to it stay otherwise (a restore brings them back); reads do not show a deleted row.
{{ "await soft_delete_cascading" | call_line(["session", E, "[%s_id]" % e, "deleted_at"]) }}
    await session.commit()
{%- else %}
    # One conditional statement, so that of two concurrent deletes exactly one finds the row.
{{ ("statement = delete(%s).where" % E) | call_line(["col(%s.id) == %s_id" % (E, e)]) }}
    try:
        result = await session.exec(statement)
    except IntegrityError:
        # ON DELETE RESTRICT: rows that need this one still point at it; name them.
        await session.rollback()
{{ "await refuse_if_referenced" | call_line(["session", E, e ~ "_id", (entity.label | capitalize | quoted)], indent="        ") }}
        raise
    if result.rowcount == 0:
        raise NotFoundError(f"{{ entity.label | capitalize }} { {{- e }}_id} not found")
    await session.commit()
{%- endif %}
{%- if soft %}


{{ ("restore_" ~ e) | def_line(["session: AsyncSession", e ~ "_id: " ~ ID], E) }}
    """Bring a soft-deleted {{ entity.label }} back, unless a row it needs is deleted or its unique
    values were taken meanwhile."""
{{ "await refuse_if_parent_deleted" | call_line(["session", E, e ~ "_id", entity.label | capitalize | quoted]) }}
{{ ("statement = update(%s).where" % E) | call_line(["col(%s.id) == %s_id" % (E, e), "col(%s.deleted_at).is_not(None)" % E]) }}
    try:
        result = await session.exec(statement.values(deleted_at=None))
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        await session.rollback()
        taken = "its unique values are taken"
        message = f"{{ entity.label | capitalize }} { {{- e }}_id} cannot come back: {taken}"
        raise ConflictError(message) from error
    if result.rowcount == 0:
        # No deleted row: a live one is restored already (a restore repeated is no error), and
        # a missing one is a 404.
        return await get_{{ e }}(session, {{ e }}_id)
    await session.commit()
    return await get_{{ e }}(session, {{ e }}_id)
{%- endif %}
{%- for target in targets %}
{%- set T = plan.entity(target) %}
{%- set TT = T.class_name %}


{{ ("_find_" ~ target) | def_line(["session: AsyncSession", "%s_id: %s | None" % (target, ID), "field: str"], TT ~ " | None") }}
    """The {{ T.label }} a request names at `field`, or a 422 there when it does not exist."""
    if {{ target }}_id is None:
        return None
{%- if soft %}
{{ ("live = select(%s).where" % TT) | call_line(["col(%s.id) == %s_id" % (TT, target), "col(%s.deleted_at).is_(None)" % TT]) }}
    found = (await session.exec(live)).first()
{%- else %}
    found = await session.get({{ TT }}, {{ target }}_id)
{%- endif %}
    if found is None:
{{ "raise UnprocessableError" | call_line(['f"%s {%s_id} does not exist"' % (T.label | capitalize, target), 'loc=("body", field)'], indent="        ") }}
    return found


{{ ("_find_" ~ T.plural) | def_line(["session: AsyncSession", "ids: Sequence[%s | None]" % ID, "field: str"], "list[%s | None]" % TT) }}
    """The {{ T.plural | replace("_", " ") }} bulk items name at `field`, in one query; a 422 at the first missing one."""
    wanted = {i for i in ids if i is not None}
    statement = select({{ TT }}).where(col({{ TT }}.id).in_(wanted))
{%- if soft %}
    statement = statement.where(col({{ TT }}.deleted_at).is_(None))
{%- endif %}
    found = {row.id: row for row in (await session.exec(statement)).all()}
    for index, wanted_id in enumerate(ids):
        if wanted_id is not None and wanted_id not in found:
            message = f"{{ T.label | capitalize }} {wanted_id} does not exist"
            raise UnprocessableError(message, loc=("body", index, field))
    return [None if i is None else found[i] for i in ids]
{%- endfor %}
{%- if tree %}


{{ "_refuse_cycle" | def_line(["session: AsyncSession", e ~ "_id: " ~ ID, "parent_id: " ~ ID ~ " | None"], "None") }}
    """Refuse a parent that is the {{ entity.label }} itself or one of its descendants."""
    ids, parent_ids = col({{ E }}.id), col({{ E }}.{{ tree.column }})
    ancestors = select(ids, parent_ids).where(ids == parent_id).cte("ancestors", recursive=True)
    step = select(ids, parent_ids).join(ancestors, ids == ancestors.c.{{ tree.column }})
    # UNION, not UNION ALL: it stops even if concurrent updates ever left a cycle behind.
    ancestors = ancestors.union(step)
    cycle = select(ancestors.c.id).where(ancestors.c.id == {{ e }}_id)
    found = await session.exec(cycle)
    if found.first() is not None:
        message = f"{{ entity.label | capitalize }} { {{- e }}_id} cannot be its own ancestor"
        raise UnprocessableError(message, loc=("body", "{{ tree.column }}"))
{%- endif %}


async def _flush(session: AsyncSession, item: {{ E }}) -> None:
    """Flush, turning a duplicate into a 409 that names the values that clash."""
    values = unique_values(item, UNIQUE)
    try:
        await session.flush()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        message = duplicate_message("{{ entity.article }}", values, unique_columns(error))
        raise ConflictError(message) from error
