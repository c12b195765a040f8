"""Signing in, refreshing and signing up: tokens issued, rotated and throttled."""

import math
from datetime import timedelta

from fastapi import HTTPException, status
from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..core.security import (
    InvalidTokenError,
    create_token,
    decode_token,
    dummy_hash,
    new_token_id,
    verify_password,
)
from ..core.settings import get_settings
from ..core.tables import utc_now
from ..users.models import User, UserCreate, UserSignup
from ..users.service import create_user, find_user_by_email
from .dependencies import unauthorized
from .models import LoginFailure, RefreshToken, TokenPair

# Failed sign-ins for one email within the window, after which it is refused (429).
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


async def sign_in(session: AsyncSession, email: str, password: str) -> TokenPair:
    """A new token pair (a new family) for the right email and password."""
    key = email.strip().lower()
    # The attempt is recorded, and committed, before it counts the attempts in the window.
    # Of any MAX_FAILURES + 1 attempts that pass, the last to count would see all of them
    # (each committed before it counted, none removed but by leaving the window or by a
    # success), and would have refused itself: so at most MAX_FAILURES guesses pass, however
    # many workers answer at once. Attempts still in flight count too, so a burst may be
    # refused more than it had to be, never less.
    attempt = await record_attempt(session, key)
    await refuse_if_throttled(session, attempt)
    user = await find_user_by_email(session, key)
    # Each transaction here only reads or starts by writing: SQLite cannot make a reader a
    # writer while another connection writes ("database is locked").
    await session.commit()
    # An unknown email is checked against a dummy hash: as slow as a wrong password.
    matches = await verify_password(password, user.hashed_password if user else dummy_hash())
    if user is None or not matches or not user.is_active:
        # The attempt's row stays: it is the failure the throttle counts.
        raise unauthorized("Incorrect email or password")
    await session.exec(delete(LoginFailure).where(col(LoginFailure.email) == key))
    # Refresh tokens their lifetime left behind go as their user comes back.
    await session.exec(
        delete(RefreshToken).where(
            col(RefreshToken.user_id) == user.id, col(RefreshToken.expires_at) < utc_now()
        )
    )
    pair = issue_tokens(session, user, family=new_token_id())
    await session.commit()
    return pair


async def record_attempt(session: AsyncSession, key: str) -> LoginFailure:
    """A row for this attempt, committed; a failure unless a success deletes it. The rows the
    window left behind go as the same email comes back, so that the table holds little but
    recent attempts."""
    attempt = LoginFailure(email=key)
    await session.exec(
        delete(LoginFailure).where(
            col(LoginFailure.email) == key,
            col(LoginFailure.failed_at) <= attempt.failed_at - FAILURE_WINDOW,
        )
    )
    session.add(attempt)
    await session.commit()
    return attempt


async def refuse_if_throttled(session: AsyncSession, attempt: LoginFailure) -> None:
    """429 when the window holds more than MAX_FAILURES attempts with this one, with the
    seconds until one attempt would pass. The refused attempt's row goes, so that attempts
    during the lockout do not extend it."""
    now = utc_now()
    others = (
        select(LoginFailure.failed_at)
        .where(
            col(LoginFailure.email) == attempt.email,
            col(LoginFailure.failed_at) > now - FAILURE_WINDOW,
            col(LoginFailure.id) != attempt.id,
        )
        .order_by(col(LoginFailure.failed_at).desc())
        .limit(MAX_FAILURES)
    )
    times = (await session.exec(others)).all()
    if len(times) < MAX_FAILURES:
        return
    await session.commit()
    await session.exec(delete(LoginFailure).where(col(LoginFailure.id) == attempt.id))
    await session.commit()
    # Once the oldest of the MAX_FAILURES newest others has left the window, one passes.
    seconds = math.ceil((times[-1] + FAILURE_WINDOW - now).total_seconds())
    raise HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS,
        "Too many failed sign-ins for this email: try again later",
        headers={"Retry-After": str(max(seconds, 1))},
    )


async def refresh(session: AsyncSession, token: str) -> TokenPair:
    """A new pair for an unused refresh token, which is then used. A used one presented
    again was copied: its whole family is deleted, and the request refused."""
    try:
        claims = decode_token(token, "refresh")
    except InvalidTokenError:
        raise unauthorized() from None
    statement = select(RefreshToken).where(col(RefreshToken.token_id) == claims["jti"])
    # Locked, so that of two requests with the same token exactly one refreshes.
    stored = (await session.exec(statement.with_for_update())).first()
    if stored is None:
        raise unauthorized()
    if stored.used_at is not None:
        await session.exec(delete(RefreshToken).where(col(RefreshToken.family) == stored.family))
        await session.commit()
        raise unauthorized("Refresh token reused: every token of its sign-in is revoked")
    user = await session.get(User, stored.user_id)
    if user is None or not user.is_active or user.token_version != claims["ver"]:
        raise unauthorized()
    stored.used_at = utc_now()
    pair = issue_tokens(session, user, family=stored.family)
    await session.commit()
    return pair


async def sign_up(session: AsyncSession, data: UserSignup) -> User:
    """A new active user who is not a superuser."""
    return await create_user(session, UserCreate.model_validate(data.model_dump()))


def issue_tokens(session: AsyncSession, user: User, family: str) -> TokenPair:
    """An access token and a refresh token, whose row is added to the session (the caller commits)."""
    settings = get_settings()
    subject, version = str(user.id), user.token_version
    access_lifetime = timedelta(minutes=settings.access_token_minutes)
    refresh_lifetime = timedelta(days=settings.refresh_token_days)
    access = create_token("access", subject, version, access_lifetime, new_token_id())
    token_id = new_token_id()
    refresh_token = create_token("refresh", subject, version, refresh_lifetime, token_id)
    session.add(
        RefreshToken(
            token_id=token_id,
            family=family,
            user_id=user.id,
            expires_at=utc_now() + refresh_lifetime,
        )
    )
    return TokenPair(
        access_token=access,
        refresh_token=refresh_token,
        expires_in=int(access_lifetime.total_seconds()),
    )
