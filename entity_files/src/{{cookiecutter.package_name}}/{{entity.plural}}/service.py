{%- set E = entity.class_name -%}
{%- set e = entity.name -%}
{%- set refs = entity.references -%}
{%- set tree = entity.tree_field -%}
{#- One field per entity referenced: each gets a `_find_<target>`. -#}
{%- set target_fields = refs | unique(attribute="target") | list -%}
{%- set owner = entity.owner_field -%}
{#- References to owned rows accept only those the caller sees: their lookups take the caller. -#}
{%- set scoped = plan.owned_references(entity) | map(attribute="target") | list -%}
{%- set CALLER = ["caller: Caller"] if owner else [] -%}
{%- set WRITER = ["caller: Caller"] if plan.needs_caller(entity) else [] -%}
{#- A delete refused (409) names only the rows that need it which the caller sees. -#}
{%- set DELETER = ["caller: Caller"] if cookiecutter.auth == "users" else [] -%}
{%- set ID = "UUID" if cookiecutter.primary_key == "uuid" else "int" -%}
{%- set soft = cookiecutter.soft_delete -%}
{#- What fetch_page returns besides the rows: a total, or the next page's cursor. -#}
{%- set AFTER = "str | None" if cookiecutter.pagination == "cursor" else "int" -%}
{#- Unique groups over the owner hold per owner: a 409 says "the same owner", never the caller's id. -#}
{%- set BY_OWNER = ['owner="%s"' % owner.column] if entity.owner_uniques else [] -%}
"""{{ entity.plural | replace("_", " ") | capitalize }}: every query the {{ entity.label }} endpoints need."""

{% set std = [] -%}
{% if ID == "UUID" %}{% set _ = std.append(("uuid", ["UUID"])) %}{% endif -%}
{% if refs | rejectattr("is_owner") | list %}{% set _ = std.append(("collections.abc", ["Sequence"])) %}{% endif -%}
{% if std -%}
{{ std | import_block }}

{% endif -%}
{{ (([] if soft else [("sqlalchemy", ["delete"])]) + ([("sqlalchemy", ["ColumnElement"])] if owner else []) + [("sqlalchemy.exc", ["IntegrityError"])]) | import_block }}
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

{% set imports = [("..core.errors", ["NotFoundError", "is_unique_violation"]), ("..core.etags", ["precondition_failed", "refuse_if_changed", "versions"]), ("..core.conflicts", ["duplicate_message", "first_duplicate", "flush_or_conflict", "unique_columns", "unique_values"]), ("..core.filters", ["filtered"]), ("..core.pagination", ["fetch_page"]), ("..core.tables", ["utc_now"]), (".models", [E, E ~ "Create", E ~ "Query", E ~ "Update"])] -%}
{% set _ = imports.append(("..core.errors", ["ConflictError"])) -%}
{% if refs | rejectattr("is_owner") | list %}{% set _ = imports.append(("..core.errors", ["UnprocessableError"])) %}{% endif -%}
{% if refs %}{% set _ = imports.append(("..core.tables", ["embedded"])) %}{% endif -%}
{% for f in target_fields if f.target != e %}{% set T = plan.referenced(f) %}{% set _ = imports.append(("..%s.models" % T.plural, [T.class_name])) %}{% if f.target in scoped %}{% set _ = imports.append(("..%s" % T.plural, ["service as %s_service" % T.name])) %}{% endif %}{% endfor -%}
{% if WRITER or DELETER %}{% set _ = imports.append(("..auth.models", ["Caller"])) %}{% endif -%}
{% if owner %}{% set _ = imports.append(("..users.models", ["User"])) %}{% endif -%}
{% if owner %}{% set _ = imports.append(("..core.ownership", ["visible_to"])) %}{% endif -%}
{% set _ = imports.append(("..core.references", ((["live_rows"] if entity.entity_references else []) + ["restore", "soft_delete"] if soft else ["refuse_if_referenced"]) + (["lock_tree_moves", "refuse_cycle"] if tree else []))) -%}
{{ imports | import_block }}

{% if refs -%}
# Every read shows the rows it references: loaded in the same query, as JOINs (to-one relations).
{%- if soft %}
# A soft-deleted row is not shown, though the reference to it stays for a restore.
{%- endif %}
{%- set embeds = [] %}
{%- for f in refs %}
{%- set _ = embeds.append("embedded(%s.%s%s)" % (E, f.name, ", live_only=True" if soft and not f.builtin_user else "")) %}
{%- endfor %}
{{ "EMBED" | assignment(embeds) }}
{%- if soft %}
# The deleted rows' list shows what they reference, deleted or not (a restore needs it back).
{%- set embeds = [] %}
{%- for f in refs %}{% set _ = embeds.append("embedded(%s.%s)" % (E, f.name)) %}{% endfor %}
{{ "EMBED_DELETED" | assignment(embeds) }}
{%- endif %}
{% endif -%}
# The column groups that must be unique, to name the bulk item that broke one.
{{ "UNIQUE" | assignment(entity.unique_groups | map("string_tuple") | list) }}


{% if owner -%}
def visible(caller: Caller) -> ColumnElement[bool]:
    """The {{ entity.plural | replace("_", " ") }} the caller may see and change: every query of them goes through here."""
    return visible_to(caller, col({{ E }}.{{ owner.column }}))


{% endif -%}
{{ ("get_" ~ e) | def_line(["session: AsyncSession", e ~ "_id: " ~ ID] + CALLER + ["lock: bool = False"], E) }}
    """The {{ entity.label }}{% if soft %}, unless deleted{% endif %}{% if owner %}, if the caller may see it{% endif %}; `lock` holds it (FOR UPDATE) until the transaction ends."""
{%- set matching = ["col(%s.id) == %s_id" % (E, e)] + (["col(%s.deleted_at).is_(None)" % E] if soft else []) + (["visible(caller)"] if owner else []) %}
{{ ("statement = select(%s).where" % E) | call_line(matching) }}
    if lock:
        statement = statement.with_for_update(of={{ E }})
    found = (await session.exec(statement{% if refs %}.options(*EMBED){% endif %})).first()
    if found is None:
        raise NotFoundError(f"{{ entity.label | capitalize }} { {{- e }}_id} not found")
    return found


{{ ("list_" ~ entity.plural) | def_line(["session: AsyncSession", "query: " ~ E ~ "Query"] + CALLER + (["deleted: bool = False"] if soft else []), "tuple[list[%s], %s]" % (E, AFTER)) }}
{%- if soft %}
    """A page of the live {{ entity.plural | replace("_", " ") }}, or of the deleted ones (which a restore brings back)."""
{%- endif %}
{%- if soft and refs %}
    statement = select({{ E }}).options(*(EMBED_DELETED if deleted else EMBED))
{%- else %}
    statement = select({{ E }}){% if refs %}.options(*EMBED){% endif %}
{%- endif %}
{%- if soft %}
    deleted_at = col({{ E }}.deleted_at)
    statement = statement.where(deleted_at.is_not(None) if deleted else deleted_at.is_(None))
{%- endif %}
{%- if owner %}
    statement = statement.where(visible(caller))
{%- endif %}
    statement = filtered(statement, {{ E }}, query)
{%- if soft and cookiecutter.pagination == "cursor" %}
    # A cursor of the deleted rows' list is no cursor of the live rows' list.
    scope = "deleted" if deleted else None
{{ "return await fetch_page" | call_line(["session", "statement", E, "query", "query.sort", "scope"]) }}
{%- else %}
    return await fetch_page(session, statement, {{ E }}, query, query.sort)
{%- endif %}


{{ ("create_" ~ e) | def_line(["session: AsyncSession", "data: " ~ E ~ "Create"] + WRITER, E) }}
{%- if owner %}
    # The caller owns what they create.
{{ ("item = %s.model_validate" % E) | call_line(["data", 'update={"%s": caller.id}' % owner.column]) }}
    item.{{ owner.name }} = await _load_caller(session, caller)
{%- else %}
    item = {{ E }}.model_validate(data)
{%- endif %}
{%- for f in refs if not f.is_owner %}
{{ ("item.%s = await _find_%s" % (f.name, f.target)) | call_line(["session", "data.%s" % f.column, '"%s"' % f.column] + (["caller"] if f.target in scoped else [])) }}
{%- endfor %}
    session.add(item)
{{ "await flush_or_conflict" | call_line(["session", "item", "UNIQUE", entity.article | quoted] + BY_OWNER) }}
    await session.commit()
    return item


{{ ("create_" ~ entity.plural) | def_line(["session: AsyncSession", "items: list[%sCreate]" % E] + WRITER, "list[%s]" % E) }}
    """Create every item in one transaction, or none; an error names the failing item's index.

    The rows go to the database in one batched INSERT, after one lookup per reference.
    """
{%- for f in refs if not f.is_owner %}
{{ ("%s = await _find_%s" % (f.name ~ "_rows", plan.referenced(f).plural)) | call_line(["session", "[data.%s for data in items]" % f.column, '"%s"' % f.column] + (["caller"] if f.target in scoped else [])) }}
{%- endfor %}
{%- if owner %}
    owner = await _load_caller(session, caller)
{%- endif %}
    created = []
{%- if refs | rejectattr("is_owner") | list %}
    for index, data in enumerate(items):
{%- else %}
    for data in items:
{%- endif %}
{%- if owner %}
        item = {{ E }}.model_validate(data, update={"{{ owner.column }}": owner.id})
        item.{{ owner.name }} = owner
{%- else %}
        item = {{ E }}.model_validate(data)
{%- endif %}
{%- for f in refs if not f.is_owner %}
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
{{ "message = duplicate_message" | call_line([entity.article | quoted, "values[index]", "columns", "index"] + BY_OWNER, indent="        ") }}
        raise ConflictError(message) from error
    await session.commit()
    return created


{{ ("update_" ~ e) | def_line(["session: AsyncSession", e ~ "_id: " ~ ID, "data: " ~ E ~ "Update"] + WRITER + ["if_match: str | None = None"], E) }}
    """Change the fields given; with `if_match`, only if the row's ETag is one it names (core/etags.py)."""
    changes = data.model_dump(exclude_unset=True)
{%- if tree %}
    if changes.get("{{ tree.column }}") is not None:
        await lock_tree_moves(session, {{ E }})
{%- endif %}
{%- set changeable = refs | rejectattr("is_owner") | list %}
{%- if changeable %}
    # The rows it will point at are locked before the row itself, in the order a delete locks
    # them (a row, then the rows under it): locks taken in one order never deadlock.
{%- endif %}
{%- for f in changeable %}
{{ ("%s = await _find_%s" % (f.name, f.target)) | call_line(["session", "data.%s" % f.column, '"%s"' % f.column] + (["caller"] if f.target in scoped else [])) }}
{%- endfor %}
    item = await get_{{ e }}(session, {{ e }}_id{% if owner %}, caller{% endif %}, lock=True)
    refuse_if_changed(if_match, item.row_version, f"{{ entity.label | capitalize }} { {{- e }}_id}")
{%- for f in changeable %}
    if "{{ f.column }}" in changes:
{%- if f == tree %}
        if {{ f.name }} is not None:
{{ "await refuse_cycle" | call_line(["session", E, tree.column | quoted, e ~ "_id", f.name ~ ".id", entity.label | capitalize | quoted], indent="            ") }}
{%- endif %}
        item.{{ f.name }} = {{ f.name }}
{%- endfor %}
    item.sqlmodel_update(changes)
    item.updated_at = utc_now()
{{ "await flush_or_conflict" | call_line(["session", "item", "UNIQUE", entity.article | quoted] + BY_OWNER) }}
    await session.commit()
    return item


{{ ("delete_" ~ e) | def_line(["session: AsyncSession", e ~ "_id: " ~ ID] + DELETER + ["if_match: str | None = None"], "None") }}
    """Delete the {{ entity.label }}{% if soft %} (it can be restored){% endif %}; with `if_match`, only if its ETag is one it names."""
{%- if soft %}
{{ "deleted = await soft_delete" | call_line(["session", E, e ~ "_id", entity.label | capitalize | quoted, "versions(if_match)"] + (["visible(caller)"] if owner else []) + (["caller=caller"] if DELETER else [])) }}
    if not deleted:
        # Not there at all (a 404), or there with another version.
        await get_{{ e }}(session, {{ e }}_id{% if owner %}, caller{% endif %})
        raise precondition_failed(f"{{ entity.label | capitalize }} { {{- e }}_id}")
    await session.commit()
{%- else %}
    # One conditional statement, so that of two concurrent deletes exactly one finds the row.
{{ ("statement = delete(%s).where" % E) | call_line(["col(%s.id) == %s_id" % (E, e)] + (["visible(caller)"] if owner else [])) }}
    wanted = versions(if_match)
    if wanted is not None:
        statement = statement.where(col({{ E }}.row_version).in_(wanted))
    try:
        result = await session.exec(statement)
    except IntegrityError:
        # ON DELETE RESTRICT: rows that need this one still point at it; name them.
        await session.rollback()
{{ "await refuse_if_referenced" | call_line(["session", E, e ~ "_id", (entity.label | capitalize | quoted)] + (["caller=caller"] if DELETER else []), indent="        ") }}
        raise
    if result.rowcount == 0:
        # Not there at all (a 404), or there with another version.
        await get_{{ e }}(session, {{ e }}_id{% if owner %}, caller{% endif %})
        raise precondition_failed(f"{{ entity.label | capitalize }} { {{- e }}_id}")
    await session.commit()
{%- endif %}
{%- if soft %}


{{ ("restore_" ~ e) | def_line(["session: AsyncSession", e ~ "_id: " ~ ID] + CALLER, E) }}
    """Bring a soft-deleted {{ entity.label }} back, with the rows its delete took along, unless a
    row they need is deleted or their unique values were taken meanwhile (core/references.py)."""
    try:
{{ "restored = await restore" | call_line(["session", E, e ~ "_id", entity.label | capitalize | quoted] + (["visible(caller)"] if owner else []), indent="        ") }}
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        await session.rollback()
        taken = "a unique value it or a row deleted with it had is taken"
        message = f"{{ entity.label | capitalize }} { {{- e }}_id} cannot come back: {taken}"
        raise ConflictError(message) from error
    # Read before the commit: a delete that comes right after it must not make the answer a
    # 404. A live row (restored already, maybe by a concurrent request) is answered as it is;
    # a missing one is a 404.
    item = await get_{{ e }}(session, {{ e }}_id{% if owner %}, caller{% endif %})
    if restored:
        await session.commit()
    return item
{%- endif %}
{%- for f in target_fields if not f.is_owner or (refs | selectattr("target", "equalto", f.target) | list | length) > 1 %}
{%- set target = f.target %}
{%- set T = plan.referenced(f) %}
{%- set TT = T.class_name %}
{#- Soft-deleted rows are not found; the built-in user is never soft-deleted. #}
{%- set live = soft and not f.builtin_user %}
{%- set mine = target in scoped %}
{%- set seen = ("visible(caller)" if target == e else "%s_service.visible(caller)" % target) if mine else None %}


{{ ("_find_" ~ target) | def_line(["session: AsyncSession", "%s_id: %s | None" % (target, ID), "field: str"] + (["caller: Caller"] if mine else []), TT ~ " | None") }}
    """The {{ T.label }} a request names at `field`, or a 422 there when it does not exist{% if mine %}
    or the caller may not see it{% endif %}."""
    if {{ target }}_id is None:
        return None
{%- if live and mine %}
    statement = live_rows({{ TT }}, [{{ target }}_id])
    # Its owner never changes, so the lock that keeps it live keeps it the caller's too.
    statement = statement.where({{ seen }})
    found = (await session.exec(statement)).first()
{%- elif live %}
    found = (await session.exec(live_rows({{ TT }}, [{{ target }}_id]))).first()
{%- elif mine %}
    # Its owner never changes, and its foreign key keeps it from going: no lock needed.
{{ ("statement = select(%s).where" % TT) | call_line(["col(%s.id) == %s_id" % (TT, target), seen]) }}
    found = (await session.exec(statement)).first()
{%- else %}
    found = await session.get({{ TT }}, {{ target }}_id)
{%- endif %}
    if found is None:
{{ "raise UnprocessableError" | call_line(['f"%s {%s_id} does not exist"' % (T.label | capitalize, target), 'loc=("body", field)'], indent="        ") }}
    return found


{{ ("_find_" ~ T.plural) | def_line(["session: AsyncSession", "ids: Sequence[%s | None]" % ID, "field: str"] + (["caller: Caller"] if mine else []), "list[%s | None]" % TT) }}
    """The {{ T.plural | replace("_", " ") }} bulk items name at `field`, in one query; a 422 at the first missing one."""
    wanted = {i for i in ids if i is not None}
{%- if live %}
    statement = live_rows({{ TT }}, wanted)
{%- else %}
    statement = select({{ TT }}).where(col({{ TT }}.id).in_(wanted))
{%- endif %}
{%- if mine %}
    statement = statement.where({{ seen }})
{%- endif %}
    found = {row.id: row for row in (await session.exec(statement)).all()}
    for index, wanted_id in enumerate(ids):
        if wanted_id is not None and wanted_id not in found:
            message = f"{{ T.label | capitalize }} {wanted_id} does not exist"
            raise UnprocessableError(message, loc=("body", index, field))
    return [None if i is None else found[i] for i in ids]
{%- endfor %}
{%- if owner %}


async def _load_caller(session: AsyncSession, caller: Caller) -> User:
    """Read the caller's User row, which a new row embeds as its owner: the authentication
    dependency reads only what every request needs of it (auth/dependencies.py)."""
    user = await session.get(User, caller.id)
    if user is None:  # deleted since its token was checked
        raise NotFoundError(f"User {caller.id} not found")
    return user
{%- endif %}
