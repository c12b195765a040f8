{%- set ID = "UUID" if cookiecutter.primary_key == "uuid" else "int" -%}
"""Users: every query the user endpoints need."""
{%- if cookiecutter.primary_key == "uuid" %}

from uuid import UUID
{%- endif %}

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..auth.callers import callers
from ..core.conflicts import flush_or_conflict
from ..core.errors import ConflictError, NotFoundError, UnprocessableError
from ..core.etags import precondition_failed, refuse_if_changed, versions
from ..core.filters import filtered
from ..core.pagination import fetch_page
from ..core.references import refuse_if_referenced
from ..core.security import hash_password, verify_password
from ..core.tables import utc_now
from .models import PasswordChange, User, UserCreate, UserQuery, UserUpdate, UserUpdateMe

UNIQUE = (("email",),)


async def get_user(session: AsyncSession, user_id: {{ ID }}, lock: bool = False) -> User:
    """The user; `lock` holds it (FOR UPDATE) until the transaction ends."""
    statement = select(User).where(col(User.id) == user_id)
    if lock:
        statement = statement.with_for_update(of=User)
    found = (await session.exec(statement)).first()
    if found is None:
        raise NotFoundError(f"User {user_id} not found")
    return found


async def find_user_by_email(session: AsyncSession, email: str) -> User | None:
    """The user with this email, ignoring case (what the unique index compares)."""
    statement = select(User).where(func.lower(User.email) == email.lower())
    return (await session.exec(statement)).first()


async def list_users(session: AsyncSession, query: UserQuery) -> tuple[list[User], {{ "str | None" if cookiecutter.pagination == "cursor" else "int" }}]:
    statement = filtered(select(User), User, query)
    return await fetch_page(session, statement, User, query, query.sort)


async def create_user(session: AsyncSession, data: UserCreate) -> User:
    item = User.model_validate(data, update={"hashed_password": await hash_password(data.password)})
    session.add(item)
    await flush_or_conflict(session, item, UNIQUE, "a user")
    await session.commit()
    return item


async def create_superuser(session: AsyncSession, email: str, password: str) -> bool:
    """Make a superuser with this email unless a user has it; whether one was made."""
    if await find_user_by_email(session, email) is not None:
        return False
    data = UserCreate(email=email, password=password, is_superuser=True)
    try:
        await create_user(session, data)
    except ConflictError:  # another worker made it meanwhile
        return False
    return True


async def update_user(
    session: AsyncSession,
    user_id: {{ ID }},
    data: UserUpdate | UserUpdateMe,
    if_match: str | None = None,
) -> User:
    """Change the fields given; with `if_match`, only if the row's ETag is one it names.
    A new password or a deactivation ends the user's earlier tokens."""
    changes = data.model_dump(exclude_unset=True)
    item = await get_user(session, user_id, lock=True)
    refuse_if_changed(if_match, item.row_version, f"User {user_id}")
    password = changes.pop("password", None)
    if password is not None:
        changes["hashed_password"] = await hash_password(password)
    if password is not None or (changes.get("is_active") is False and item.is_active):
        changes["token_version"] = item.token_version + 1
    item.sqlmodel_update(changes)
    item.updated_at = utc_now()
    await flush_or_conflict(session, item, UNIQUE, "a user")
    await _commit_change(session, user_id)
    return item


async def change_password(session: AsyncSession, user_id: {{ ID }}, data: PasswordChange) -> None:
    """The new password, if the current one is right; earlier tokens stop working."""
    item = await get_user(session, user_id, lock=True)
    if not await verify_password(data.current_password, item.hashed_password):
        raise UnprocessableError("Incorrect password", ("body", "current_password"))
    item.hashed_password = await hash_password(data.new_password)
    item.token_version += 1
    item.updated_at = utc_now()
    await _commit_change(session, user_id)


async def delete_user(session: AsyncSession, user_id: {{ ID }}, if_match: str | None = None) -> None:
    """Delete the user; with `if_match`, only if its ETag is one it names. A user whom rows
    still need (RESTRICT) is refused with 409: deactivate them instead."""
    statement = delete(User).where(col(User.id) == user_id)
    wanted = versions(if_match)
    if wanted is not None:
        statement = statement.where(col(User.row_version).in_(wanted))
    try:
        result = await session.exec(statement)
    except IntegrityError:
        await session.rollback()
        # Rows keep their owner, and their other references to users, for good: deactivate.
        fix = "deactivate the user instead (is_active: false)"
        await refuse_if_referenced(session, User, user_id, "User", fix)
        raise
    if result.rowcount == 0:
        await get_user(session, user_id)
        raise precondition_failed(f"User {user_id}")
    await _commit_change(session, user_id)


async def _commit_change(session: AsyncSession, user_id: {{ ID }}) -> None:
    """Commit a change to the user, which this worker's callers forget at once (the other
    workers when the database's notification reaches them: auth/callers.py)."""
    await session.commit()
    callers.forget(str(user_id))
