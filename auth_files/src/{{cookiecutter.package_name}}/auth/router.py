"""Auth endpoints: sign in, refresh, sign up. The only /api/v1 routes open without a token."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm

from ..core.database import SessionDep
from ..core.errors import BODY_ERRORS, COMMON_RESPONSES, ErrorBody
from ..core.settings import get_settings
from ..users.models import User, UserPublic, UserSignup
from . import service
from .dependencies import UNAUTHORIZED
from .models import RefreshRequest, TokenPair

router = APIRouter(prefix="/auth", tags=["auth"], responses=COMMON_RESPONSES)

THROTTLED: dict[int | str, dict[str, object]] = {
    status.HTTP_429_TOO_MANY_REQUESTS: {
        "model": ErrorBody,
        "description": "Too many failed sign-ins for this email: retry after Retry-After seconds",
    },
}


@router.post("/token", responses={**UNAUTHORIZED, **THROTTLED, **BODY_ERRORS})
async def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep
) -> TokenPair:
    """Sign in with the OAuth2 password form (`username` is the email): a token pair."""
    return await service.sign_in(session, form.username, form.password)


@router.post("/refresh", responses={**UNAUTHORIZED, **BODY_ERRORS})
async def refresh(data: RefreshRequest, session: SessionDep) -> TokenPair:
    """A new token pair for a refresh token, which is used up; reusing one revokes its sign-in."""
    return await service.refresh(session, data.refresh_token)


@router.post(
    "/signup",
    status_code=status.HTTP_201_CREATED,
    response_model=UserPublic,
    responses={
        **BODY_ERRORS,
        status.HTTP_404_NOT_FOUND: {"model": ErrorBody, "description": "Signup is off"},
        status.HTTP_409_CONFLICT: {"model": ErrorBody, "description": "The email is taken"},
    },
)
async def sign_up(data: UserSignup, session: SessionDep) -> User:
    """Make an account, when AUTH_SIGNUP is on; then sign in at /auth/token."""
    if not get_settings().auth_signup:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
    return await service.sign_up(session, data)
