{%- set uuid = cookiecutter.primary_key == "uuid" -%}
"""Who calls: `CurrentUser` (an active user's valid access token) and `SuperUser`.

Each request with a token costs one HMAC check of the token and one primary-key lookup of
two columns of its user (in the request's own session): the lookup is what lets a
deactivation or a password change end a token at once, instead of when it expires.
"""

from typing import Annotated
{%- if uuid %}
from uuid import UUID
{%- endif %}

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import col, select

from ..core.database import SessionDep
from ..core.errors import ErrorBody
from ..core.security import InvalidTokenError, decode_token
from ..users.models import User
from .models import Caller

TOKEN_URL = "/api/v1/auth/token"
# Swagger UI's Authorize button signs in through this form.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl=TOKEN_URL)

UNAUTHORIZED: dict[int | str, dict[str, object]] = {
    status.HTTP_401_UNAUTHORIZED: {
        "model": ErrorBody,
        "description": "No valid access token of an active user",
    },
}
FORBIDDEN: dict[int | str, dict[str, object]] = {
    status.HTTP_403_FORBIDDEN: {"model": ErrorBody, "description": "Superusers only"},
}


def unauthorized(detail: str = "Invalid or expired token") -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"}
    )


async def current_user(
    token: Annotated[str, Depends(oauth2_scheme)], session: SessionDep
) -> Caller:
    """The active user whose access token this is; 401 for anything else."""
    try:
        claims = decode_token(token, "access")
        user_id = {{ "UUID(claims[\"sub\"])" if uuid else "int(claims[\"sub\"])" }}
    except (InvalidTokenError, ValueError, TypeError):
        raise unauthorized() from None
    statement = select(User.id, User.is_superuser).where(
        col(User.id) == user_id,
        col(User.is_active),
        col(User.token_version) == claims["ver"],
    )
    found = (await session.exec(statement)).first()
    if found is None:
        raise unauthorized()
    return Caller(*found)


CurrentUser = Annotated[Caller, Depends(current_user)]


async def current_superuser(caller: CurrentUser) -> Caller:
    if not caller.is_superuser:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Superusers only")
    return caller


SuperUser = Annotated[Caller, Depends(current_superuser)]
