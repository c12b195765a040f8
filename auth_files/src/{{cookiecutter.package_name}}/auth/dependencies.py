{%- set uuid = cookiecutter.primary_key == "uuid" -%}
"""Who calls: `CurrentUser` (an active user's valid access token) and `SuperUser`.

Each request with a token costs one HMAC check of the token and, unless this worker has
found its user lately (auth/callers.py), one primary-key read of two columns of the user:
the read is what lets a deactivation or a password change end a token at once, instead of
when it expires.
"""

from typing import Annotated
{%- if uuid %}
from uuid import UUID
{%- endif %}

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import bindparam
from sqlmodel import col, select

from ..core.database import SessionDep
from ..core.errors import ErrorBody
from ..core.security import InvalidTokenError, decode_token
from ..users.models import User
from .callers import callers
from .models import Caller

TOKEN_URL = "/api/v1/auth/token"
# Built once: what a request needs of its user, if the token's version is still the user's.
CALLER = select(User.id, User.is_superuser).where(
    col(User.id) == bindparam("user_id"),
    col(User.is_active),
    col(User.token_version) == bindparam("version"),
)
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
        subject, version = claims["sub"], claims["ver"]
        known = callers.get(subject, version)
        if known is not None:
            return known
        user_id = {{ "UUID(subject)" if uuid else "int(subject)" }}
    except (InvalidTokenError, ValueError, TypeError):
        raise unauthorized() from None
    changes_before_read = callers.changes
    params = {"user_id": user_id, "version": version}
    found = (await session.exec(CALLER, params=params)).first()
    if found is None:
        raise unauthorized()
    caller = Caller(*found)
    callers.keep(subject, version, caller, changes_before_read)
    return caller


CurrentUser = Annotated[Caller, Depends(current_user)]


async def current_superuser(caller: CurrentUser) -> Caller:
    if not caller.is_superuser:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Superusers only")
    return caller


SuperUser = Annotated[Caller, Depends(current_superuser)]
