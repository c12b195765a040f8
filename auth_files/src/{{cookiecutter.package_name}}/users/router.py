{%- set uuid = cookiecutter.primary_key == "uuid" -%}
"""Users endpoints: the caller's own account (/users/me), and every account for superusers.

main.py includes this router behind CurrentUser, as every router but auth's; the
administration routes ask for SuperUser on top (403 for others).
"""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from ..auth.dependencies import FORBIDDEN, CurrentUser, SuperUser
from ..core.database import SessionDep
from ..core.errors import BODY_ERRORS, COMMON_RESPONSES, ErrorBody
from ..core.etags import PRECONDITION_FAILED, IfMatch, tag
from ..core.ids import IdPath
from ..core.pagination import Page
from . import service
from .models import (
    PasswordChange,
    User,
    UserCreate,
    UserPublic,
    UserQuery,
    UserUpdate,
    UserUpdateMe,
)

router = APIRouter(prefix="/users", tags=["users"], responses=COMMON_RESPONSES)

NOT_FOUND: dict[int | str, dict[str, object]] = {
    status.HTTP_404_NOT_FOUND: {"model": ErrorBody, "description": "Not found"},
}
CONFLICT: dict[int | str, dict[str, object]] = {
    status.HTTP_409_CONFLICT: {"model": ErrorBody, "description": "The email is taken"},
}
WRITE_ERRORS = {**BODY_ERRORS, **CONFLICT}
DELETE_ERRORS: dict[int | str, dict[str, object]] = {
    **NOT_FOUND,
    status.HTTP_409_CONFLICT: {"model": ErrorBody, "description": "Still referenced"},
}


@router.get("/me", response_model=UserPublic)
async def get_me(caller: CurrentUser, session: SessionDep, response: Response) -> User:
    """The caller's own account."""
    user = await service.get_user(session, caller.id)
    tag(response, user.row_version)
    return user


@router.patch("/me", responses={**WRITE_ERRORS, **PRECONDITION_FAILED}, response_model=UserPublic)
async def update_me(
    data: UserUpdateMe,
    caller: CurrentUser,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> User:
    """Change the caller's email or name."""
    item = await service.update_user(session, caller.id, data, if_match)
    tag(response, item.row_version)
    return item


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT, responses=BODY_ERRORS)
async def change_password(data: PasswordChange, caller: CurrentUser, session: SessionDep) -> None:
    """A new password for the caller; every token issued before stops working."""
    await service.change_password(session, caller.id, data)


@router.get("", responses=FORBIDDEN, response_model=Page[UserPublic])
async def list_users(
    query: Annotated[UserQuery, Query()], _admin: SuperUser, session: SessionDep
) -> Page[User]:
    """A page of users, filtered and sorted."""
    rows, {{ "next_cursor" if cookiecutter.pagination == "cursor" else "total" }} = await service.list_users(session, query)
{%- if cookiecutter.pagination == "cursor" %}
    return Page[User](items=rows, next_cursor=next_cursor, limit=query.limit)
{%- else %}
    return Page[User](items=rows, total=total, limit=query.limit, offset=query.offset)
{%- endif %}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={**FORBIDDEN, **WRITE_ERRORS},
    response_model=UserPublic,
)
async def create_user(
    data: UserCreate, _admin: SuperUser, session: SessionDep, response: Response
) -> User:
    """Make an account (a superuser, if asked)."""
    item = await service.create_user(session, data)
    tag(response, item.row_version)
    return item


@router.get(
    "/{user_id:{{ "uuid" if uuid else "int" }}}",
    responses={**FORBIDDEN, **NOT_FOUND},
    response_model=UserPublic,
)
async def get_user(
    user_id: IdPath, _admin: SuperUser, session: SessionDep, response: Response
) -> User:
    """One user; its ETag in the header."""
    item = await service.get_user(session, user_id)
    tag(response, item.row_version)
    return item


@router.patch(
    "/{user_id:{{ "uuid" if uuid else "int" }}}",
    responses={**FORBIDDEN, **NOT_FOUND, **WRITE_ERRORS, **PRECONDITION_FAILED},
    response_model=UserPublic,
)
async def update_user(
    user_id: IdPath,
    data: UserUpdate,
    _admin: SuperUser,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> User:
    """Change the fields given. A new password or `is_active: false` ends the user's tokens."""
    item = await service.update_user(session, user_id, data, if_match)
    tag(response, item.row_version)
    return item


@router.delete(
    "/{user_id:{{ "uuid" if uuid else "int" }}}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**FORBIDDEN, **DELETE_ERRORS, **PRECONDITION_FAILED},
)
async def delete_user(
    user_id: IdPath, _admin: SuperUser, session: SessionDep, if_match: IfMatch = None
) -> None:
    """Delete a user whom no rows need (else 409: deactivate them instead)."""
    await service.delete_user(session, user_id, if_match)
