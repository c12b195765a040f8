"""Password hashes (pwdlib's Argon2) and signed tokens (PyJWT, HS256): no HTTP, no database."""

import secrets
from datetime import timedelta
from functools import cache
from typing import Any, Literal

import jwt
from anyio import to_thread
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from .settings import Settings, get_settings
from .tables import utc_now

ALGORITHM = "HS256"
MIN_SECRET_KEY_LENGTH = 32
MAKE_SECRET_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
TokenKind = Literal["access", "refresh"]
# Every claim a token of this service carries; one without any of them is refused.
CLAIMS = ["exp", "iat", "sub", "type", "ver", "jti"]


class InvalidTokenError(Exception):
    """Expired, forged, malformed, or of the wrong kind."""


def require_secret_key(settings: Settings) -> None:
    """Refuse to start without a key that signs tokens safely: one line, no traceback."""
    if len(settings.secret_key.get_secret_value()) < MIN_SECRET_KEY_LENGTH:
        raise SystemExit(
            f"ERROR: SECRET_KEY is missing or shorter than {MIN_SECRET_KEY_LENGTH} characters; "
            f"set it in the environment or .env, made with: {MAKE_SECRET_KEY}"
        )


@cache
def _password_hash() -> PasswordHash:
    settings = get_settings()
    hasher = Argon2Hasher(
        time_cost=settings.password_hash_time_cost,
        memory_cost=settings.password_hash_memory_kib,
    )
    return PasswordHash((hasher,))


# Argon2 spends tens of milliseconds of CPU by design, outside the GIL: in a worker thread,
# so that a sign-in does not stall every other request of this process meanwhile.
async def hash_password(password: str) -> str:
    return await to_thread.run_sync(_password_hash().hash, password)


async def verify_password(password: str, hashed: str) -> bool:
    return await to_thread.run_sync(_password_hash().verify, password, hashed)


@cache
def dummy_hash() -> str:
    """A hash no password matches. A sign-in with an unknown email is checked against it, so
    that it takes as long to refuse as a wrong password and does not tell which emails exist."""
    return _password_hash().hash(secrets.token_urlsafe(32))


def new_token_id() -> str:
    return secrets.token_urlsafe(24)


def create_token(
    kind: TokenKind, subject: str, version: int, lifetime: timedelta, token_id: str, **extra: str
) -> str:
    """A signed token for the user `subject`, valid for `lifetime` while the user's token
    version is still `version`."""
    now = utc_now()
    claims: dict[str, Any] = {
        "sub": subject,
        "type": kind,
        "ver": version,
        "jti": token_id,
        "iat": now,
        "exp": now + lifetime,
        **extra,
    }
    key = get_settings().secret_key.get_secret_value()
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def decode_token(token: str, kind: TokenKind) -> dict[str, Any]:
    """The claims of a token this service signed, of this kind, and not expired."""
    key = get_settings().secret_key.get_secret_value()
    try:
        # `algorithms` pinned: a token must not choose how it is checked ("none", RS256).
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=[ALGORITHM], options={"require": CLAIMS}
        )
    except jwt.PyJWTError as error:
        raise InvalidTokenError(str(error)) from None
    # An access token must not refresh, and a refresh token must not open the API.
    if claims["type"] != kind or not isinstance(claims["ver"], int):
        raise InvalidTokenError(f"not a token of kind {kind}")
    return claims
