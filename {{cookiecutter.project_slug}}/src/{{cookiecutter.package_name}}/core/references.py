"""What a delete must respect: the rows whose foreign keys point at the row deleted.

Read from the tables' foreign keys, so that a table added later (by hand, or by the
template's `add` command) is respected without a change here or in any entity's service.
"""

from functools import cache
from typing import Any, cast

from sqlalchemy import ForeignKey, Table, update
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from .errors import ConflictError
from .tables import metadata

# Rows named in a 409: enough to find them, not a listing.
SHOWN_REFERRERS = 5


async def refuse_if_referenced(
    session: AsyncSession, model: type[SQLModel], row_id: Any, label: str, live_only: bool = False
) -> None:
    """A 409 naming the rows whose required references (ON DELETE RESTRICT) still need this one."""
    for key in _pointing_at(_table(model), "RESTRICT"):
        referring = key.parent.table
        query = select(referring.c.id).where(key.parent == row_id)
        if live_only:
            query = query.where(referring.c.deleted_at.is_(None))
        ids = (await session.exec(query.limit(SHOWN_REFERRERS))).all()
        if ids:
            shown = ", ".join(str(i) for i in ids)
            raise ConflictError(
                f"{label} {row_id} is still referenced by {referring.name} {shown} "
                f"({key.parent.name}); delete them or change their {key.parent.name} first"
            )


async def soft_delete_cascading(
    session: AsyncSession, model: type[SQLModel] | Table, ids: list[Any], deleted_at: Any
) -> None:
    """What ON DELETE CASCADE does on a real delete: the rows that reference these go too, and
    theirs in turn. Link tables keep their rows: a listing hides links to deleted rows."""
    table = model if isinstance(model, Table) else _table(model)
    for key in _pointing_at(table, "CASCADE"):
        referring = key.parent.table
        if "deleted_at" not in referring.c:
            continue
        live = referring.c.deleted_at.is_(None)
        found = list(
            (await session.exec(select(referring.c.id).where(key.parent.in_(ids), live))).all()
        )
        if found:
            gone = update(referring).where(referring.c.id.in_(found)).values(deleted_at=deleted_at)
            await session.exec(gone)
            await soft_delete_cascading(session, referring, found, deleted_at)


async def refuse_if_parent_deleted(
    session: AsyncSession, model: type[SQLModel], row_id: Any, label: str
) -> None:
    """A 409 when a row to restore needs (NOT NULL) a row that is deleted itself: a live row
    must never point at a deleted one it needs, which every read would embed."""
    table = _table(model)
    for key in table.foreign_keys:
        parent = key.column.table
        if key.parent.nullable or "deleted_at" not in parent.c:
            continue
        query = (
            select(parent.c.id)
            .join_from(table, parent, key.parent == key.column)
            .where(table.c.id == row_id, parent.c.deleted_at.is_not(None))
        )
        deleted = (await session.exec(query)).first()
        if deleted is not None:
            raise ConflictError(
                f"{label} {row_id} needs {parent.name} {deleted} ({key.parent.name}), which is deleted: "
                "restore that first"
            )


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
