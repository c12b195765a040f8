"""What deletes and restores must respect: the rows whose foreign keys point at the row.

Read from the tables' foreign keys, so that a table added later (by hand, or by the
template's `add` command) is respected without a change here or in any entity's service.
{%- if cookiecutter.soft_delete %}

Soft delete does in the application what the database's ON DELETE does for a real one, and
does it safely against concurrent requests by locking in the database (several workers serve
one database, so a lock in the process would not do). A request that makes a live row need
another (create, update, restore) locks the row it needs FOR SHARE while it checks that it is
live (see `live_rows`); a delete writes `deleted_at` first, which locks the row, and only then
looks for live rows that need it. Whichever comes second waits for the first to commit, then
sees its work: a delete sees the new child and refuses (RESTRICT) or takes it along
(CASCADE), a create or restore finds the parent deleted and refuses. So no interleaving of
requests leaves a live row pointing at a deleted one it needs.
{%- endif %}
"""

import hashlib
{% if cookiecutter.soft_delete -%}
from collections.abc import Iterable
{% endif -%}
from functools import cache
from typing import Any, {% if cookiecutter.soft_delete %}TypeVar, {% endif %}cast

{% if cookiecutter.soft_delete -%}
from sqlalchemy import ColumnElement, ForeignKey, Table, update
{%- else -%}
from sqlalchemy import ForeignKey, Table
{%- endif %}
from sqlmodel import SQLModel, func, select
from sqlmodel.ext.asyncio.session import AsyncSession
{%- if cookiecutter.soft_delete %}
from sqlmodel.sql.expression import SelectOfScalar
{%- endif %}

{% if cookiecutter.auth == "users" -%}
from ..auth.models import Caller
{% endif -%}
from .errors import ConflictError, UnprocessableError
from .tables import metadata
{%- if cookiecutter.soft_delete %}, utc_now{% endif %}

{% if cookiecutter.soft_delete -%}
ModelT = TypeVar("ModelT", bound=SQLModel)
{% endif -%}
# Rows named in a 409: enough to find them, not a listing.
SHOWN_REFERRERS = 5


{% if cookiecutter.auth == "users" -%}
async def refuse_if_referenced(
    session: AsyncSession,
    model: type[SQLModel],
    row_id: Any,
    label: str,
    fix: str = "",
    caller: Caller | None = None,
) -> None:
    """A 409 naming the rows whose required references (ON DELETE RESTRICT) still need this
    one, and `fix`, what to do instead (by default: delete them or change their reference).
    Rows the `caller` may not see (other users' owned rows) are counted, never named."""
{%- else -%}
async def refuse_if_referenced(
    session: AsyncSession, model: type[SQLModel], row_id: Any, label: str, fix: str = ""
) -> None:
    """A 409 naming the rows whose required references (ON DELETE RESTRICT) still need this
    one, and `fix`, what to do instead (by default: delete them or change their reference)."""
{%- endif %}
{%- set BY = ", caller" if cookiecutter.auth == "users" else "" %}
{%- if cookiecutter.soft_delete %}
    # A real delete (of a user, whose table keeps no deleted_at): the database refuses it while
    # any row points at it, a soft-deleted one too (which a restore would bring back).
    table = _table(model)
    await _refuse_if_referenced(session, table, [row_id], label, fix, False{{ BY }})
{%- else %}
    await _refuse_if_referenced(session, _table(model), [row_id], label, fix{{ BY }})
{%- endif %}
{%- if cookiecutter.soft_delete %}


def live_rows(model: type[ModelT], ids: Iterable[Any]) -> SelectOfScalar[ModelT]:
    """The live rows with these ids, locked FOR SHARE until the transaction ends: a request
    that makes a row need them holds them so, and a concurrent delete waits (see above).
    SQLite has no row locks, and needs none: it runs one writing transaction at a time."""
    table = _table(model)
    statement = select(model).where(table.c.id.in_(ids), table.c.deleted_at.is_(None))
    return statement.with_for_update(read=True)


async def soft_delete(
    session: AsyncSession,
    model: type[SQLModel],
    row_id: Any,
    label: str,
    versions: list[int] | None = None,
{%- if cookiecutter.auth == "users" %}
    visible: ColumnElement[bool] | None = None,
    caller: Caller | None = None,
) -> bool:
    """Set `deleted_at` on a live row (whose `row_version` is one of `versions`, and that is
    `visible` to the caller, when given), as a real delete would: refused (409) while live
    rows still need it (RESTRICT), and the rows that reference it (CASCADE) go too, with the
    same `deleted_at`, so that a restore finds them. False when no such live row exists. The
    409 names only rows the `caller` may see.
{%- else %}
) -> bool:
    """Set `deleted_at` on a live row (whose `row_version` is one of `versions`, when given),
    as a real delete would: refused (409) while live rows still need it (RESTRICT), and the
    rows that reference it (CASCADE) go too, with the same `deleted_at`, so that a restore
    finds them. False when no such live row exists.
{%- endif %}

    References to it stay otherwise (a restore brings them back); reads do not show a
    deleted row.
    """
    table = _table(model)
    deleted_at = utc_now()
    # One conditional statement, so that of two concurrent deletes exactly one finds the row.
    matching: list[ColumnElement[bool]] = [table.c.id == row_id, table.c.deleted_at.is_(None)]
    if versions is not None:
        matching.append(table.c.row_version.in_(versions))
{%- if cookiecutter.auth == "users" %}
    if visible is not None:
        matching.append(visible)
{%- endif %}
    result = await session.exec(_deleting(table, deleted_at).where(*matching))
    if result.rowcount == 0:
        return False
    # Only now, with the row locked by that UPDATE, are the rows that need it looked for.
{%- if cookiecutter.auth == "users" %}
    await _refuse_if_referenced(session, table, [row_id], label, caller=caller)
    await _cascade(session, table, [row_id], deleted_at, caller)
{%- else %}
    await _refuse_if_referenced(session, table, [row_id], label)
    await _cascade(session, table, [row_id], deleted_at)
{%- endif %}
    return True


{% if cookiecutter.auth == "users" -%}
async def restore(
    session: AsyncSession,
    model: type[SQLModel],
    row_id: Any,
    label: str,
    visible: ColumnElement[bool] | None = None,
) -> bool:
    """Bring back a deleted row and the rows its delete cascaded to (those that share its
    `deleted_at`), and theirs in turn. False when no deleted row has this id (that is
    `visible` to the caller, when given).
{%- else -%}
async def restore(session: AsyncSession, model: type[SQLModel], row_id: Any, label: str) -> bool:
    """Bring back a deleted row and the rows its delete cascaded to (those that share its
    `deleted_at`), and theirs in turn. False when no deleted row has this id.
{%- endif %}

    Refused (409) when a row coming back needs (NOT NULL) a row that stays deleted: a live row
    must never point at a deleted one it needs, which every read would embed.
    """
    table = _table(model)
    deleted = table.c.deleted_at
    query = select(deleted).where(table.c.id == row_id, deleted.is_not(None))
{%- if cookiecutter.auth == "users" %}
    if visible is not None:
        query = query.where(visible)
{%- endif %}
    deleted_at = (await session.exec(query)).first()
    if deleted_at is None:
        return False
    return await _restore(session, table, [row_id], deleted_at, label, f"{label} {row_id}")


{% if cookiecutter.auth == "users" -%}
async def _cascade(
    session: AsyncSession, table: Table, ids: list[Any], deleted_at: Any, caller: Caller | None
) -> None:
{%- else -%}
async def _cascade(session: AsyncSession, table: Table, ids: list[Any], deleted_at: Any) -> None:
{%- endif %}
    """ON DELETE CASCADE for a soft delete; link tables keep their rows (a listing hides links
    to deleted rows)."""
    for key in _soft_cascades(table):
        referring = key.parent.table
        live = referring.c.deleted_at.is_(None)
        found = list(
            (await session.exec(select(referring.c.id).where(key.parent.in_(ids), live))).all()
        )
        if found:
            # Still live: one deleted meanwhile keeps its own deleted_at, and its own restore.
            gone = _deleting(referring, deleted_at).where(referring.c.id.in_(found), live)
            await session.exec(gone)
            # A row taken along may itself be needed by others, as in a real cascade.
{%- if cookiecutter.auth == "users" %}
            await _refuse_if_referenced(session, referring, found, referring.name, caller=caller)
            await _cascade(session, referring, found, deleted_at, caller)
{%- else %}
            await _refuse_if_referenced(session, referring, found, referring.name)
            await _cascade(session, referring, found, deleted_at)
{%- endif %}


async def _restore(
    session: AsyncSession, table: Table, ids: list[Any], deleted_at: Any, label: str, whole: str
) -> bool:
    """Restore these rows, deleted at `deleted_at`, and what their delete took along; False
    when a concurrent restore brought them back first. `label` names these rows in a 409,
    `whole` the row the restore was asked for.

    The rows they need are locked before the rows themselves, in the order a delete locks
    them (a row, then the rows under it): locks taken in one order never deadlock.
    """
    await _refuse_deleted_parents(session, table, ids, label)
    still_deleted = [table.c.id.in_(ids), table.c.deleted_at == deleted_at]
    back = update(table).where(*still_deleted).values(deleted_at=None, **_counted(table))
    if (await session.exec(back)).rowcount == 0:
        return False
    for key in _soft_cascades(table):
        referring = key.parent.table
        taken_along = referring.c.deleted_at == deleted_at
        query = select(referring.c.id).where(key.parent.in_(ids), taken_along)
        found = list((await session.exec(query)).all())
        if found:
            taken = f"{whole} cannot come back: {referring.name}"
            await _restore(session, referring, found, deleted_at, taken, whole)
    return True


async def _refuse_deleted_parents(
    session: AsyncSession, table: Table, ids: list[Any], label: str
) -> None:
    """A 409 when one of these rows needs (NOT NULL) a deleted row. The rows they need are
    locked FOR SHARE, as in `live_rows`, so that they cannot be deleted before this commits."""
    for key in table.foreign_keys:
        parent = key.column.table
        if key.parent.nullable or "deleted_at" not in parent.c:
            continue
        query = (
            select(table.c.id, parent.c.id, parent.c.deleted_at)
            .join_from(table, parent, key.parent == key.column)
            .where(table.c.id.in_(ids))
            .with_for_update(read=True, of=parent)
        )
        for row_id, parent_id, parent_deleted_at in (await session.exec(query)).all():
            if parent_deleted_at is not None:
                raise ConflictError(
                    f"{label} {row_id} needs {parent.name} {parent_id} ({key.parent.name}), "
                    "which is deleted: restore that first"
                )


def _soft_cascades(table: Table) -> tuple[ForeignKey, ...]:
    """The CASCADE keys whose rows a soft delete takes along (link tables, with no
    `deleted_at`, keep their rows)."""
    cascades = _pointing_at(table, "CASCADE")
    return tuple(key for key in cascades if "deleted_at" in key.parent.table.c)


def _deleting(table: Table, deleted_at: Any) -> Any:
    return update(table).values(deleted_at=deleted_at, **_counted(table))


def _counted(table: Table) -> dict[str, Any]:
    """A change to count in the row's version (its ETag), where the table keeps one."""
    return {"row_version": table.c.row_version + 1} if "row_version" in table.c else {}
{%- endif %}


{% set users = cookiecutter.auth == "users" %}{% set soft = cookiecutter.soft_delete -%}
async def _refuse_if_referenced(
    session: AsyncSession,
    table: Table,
    ids: list[Any],
    label: str,
    fix: str = "",
{%- if soft %}
    live_only: bool = True,
{%- endif %}
{%- if users %}
    caller: Caller | None = None,
{%- endif %}
) -> None:
    for key in _pointing_at(table, "RESTRICT"):
        referring = key.parent.table
        column = key.parent.name
        matching = [key.parent.in_(ids)]
{%- if soft %}
        if live_only and "deleted_at" in referring.c:
            matching.append(referring.c.deleted_at.is_(None))
{%- endif %}
{%- if users %}
        # Another user's row must look as if it did not exist: a caller who is not a
        # superuser learns how many of theirs need the row (the refusal says so), not which.
        owner = _owner_column(referring)
        theirs: list[Any] | None = None
        if caller is not None and not caller.is_superuser and owner is not None:
            theirs = [*matching, owner != caller.id]
            matching.append(owner == caller.id)
{%- endif %}
        query = select(referring.c.id, key.parent).where(*matching).order_by(referring.c.id)
        rows = (await session.exec(query.limit(SHOWN_REFERRERS))).all()
{%- if users %}
        needed, others = (rows[0][1], 0) if rows else (None, 0)
        if theirs is not None:
            counted = select(key.parent, func.count()).where(*theirs).group_by(key.parent)
            if rows:
                counted = counted.where(key.parent == needed)
            found = (await session.exec(counted.limit(1))).first()
            if found is not None:
                needed, others = found
        if not rows and not others:
            continue
        shown = ", ".join(str(referrer) for referrer, parent in rows if parent == needed)
        by = f"{referring.name} {shown}"
        if others:
            rows_of = "row of another user" if others == 1 else "rows of other users"
            by = f"{by} and {others} {rows_of}" if shown else f"{others} {referring.name} {rows_of}"
            fix = fix or "it cannot be deleted while they need it"
        fix = fix or f"delete them or change their {column} first"
        what = await _named(session, table, needed, label, caller)
        raise ConflictError(f"{what} is still referenced by {by} ({column}); {fix}")
{%- else %}
        if rows:
            needed = rows[0][1]
            shown = ", ".join(str(referrer) for referrer, parent in rows if parent == needed)
            fix = fix or f"delete them or change their {column} first"
            raise ConflictError(
                f"{label} {needed} is still referenced by {referring.name} {shown} "
                f"({column}); {fix}"
            )
{%- endif %}
{%- if users %}


async def _named(
    session: AsyncSession, table: Table, row_id: Any, label: str, caller: Caller | None
) -> str:
    """`label` and the row's id, or, for a row of another user (a cascade of a soft delete
    reaches rows of every user), words that do not tell which."""
    owner = _owner_column(table)
    if caller is None or caller.is_superuser or owner is None:
        return f"{label} {row_id}"
    found = await session.exec(select(owner).where(table.c.id == row_id))
    return f"{label} {row_id}" if found.first() == caller.id else f"a {label} row of another user"


def _owner_column(table: Table) -> Any:
    """The column naming the user who owns each row (models mark it), if the table has one."""
    return next((column for column in table.c if column.info.get("owner")), None)
{%- endif %}


async def lock_tree_moves(session: AsyncSession, model: type[SQLModel]) -> None:
    """Hold the table's move lock until the transaction ends: moves in one tree run one at a
    time. Each move checks that the new parent is not below the row it moves, but two moves
    at once (A under B, B under A) would each pass that check before the other commits, and
    together make a cycle. PostgreSQL's advisory lock serves every worker; SQLite runs one
    writing transaction at a time already. Taken before any row lock, so it adds no deadlock.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    name = _table(model).name.encode()
    key = int.from_bytes(hashlib.sha256(name).digest()[:8], "big", signed=True)
    await session.exec(select(func.pg_advisory_xact_lock(key)))


async def refuse_cycle(
    session: AsyncSession,
    model: type[SQLModel],
    column: str,
    row_id: Any,
    parent_id: Any,
    label: str,
) -> None:
    """A 422 at `column` when the new parent is the row itself or one of its descendants."""
    table = _table(model)
    ids, parent_ids = table.c.id, table.c[column]
    ancestors = select(ids, parent_ids).where(ids == parent_id).cte("ancestors", recursive=True)
    step = select(ids, parent_ids).join(ancestors, ids == ancestors.c[column])
    # UNION, not UNION ALL: it ends even on a cycle that SQL from elsewhere wrote.
    ancestors = ancestors.union(step)
    found = await session.exec(select(ancestors.c.id).where(ancestors.c.id == row_id))
    if found.first() is not None:
        message = f"{label} {row_id} cannot be its own ancestor"
        raise UnprocessableError(message, loc=("body", column))


def _table(model: type[SQLModel]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


@cache
def _pointing_at(table: Table, ondelete: str) -> tuple[ForeignKey, ...]:
    return tuple(
        key
        for other in metadata.tables.values()
        for key in other.foreign_keys
        if key.column.table is table and (key.ondelete or "").upper() == ondelete
    )
