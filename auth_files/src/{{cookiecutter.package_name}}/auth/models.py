{%- set uuid = cookiecutter.primary_key == "uuid" -%}
{%- set ID = "UUID" if uuid else "int" -%}
"""Auth: who calls, the refresh tokens and failed sign-ins the database keeps, and the token
pair's shape."""

from dataclasses import dataclass
from typing import Literal
{%- if uuid %}
from uuid import UUID
{%- endif %}

from pydantic import AwareDatetime
from sqlalchemy import String
from sqlmodel import Field, SQLModel

{% if uuid -%}
from ..core.ids import new_id
{% endif -%}
from ..core.tables import NOW, utc_now
from ..core.text import AlwaysShown, StorableInput


@dataclass(frozen=True, slots=True)
class Caller:
    """The user a request's access token names: what every protected route needs of them,
    read as two columns rather than a whole `User` row, which the ORM is slower to load."""

    id: {{ ID }}
    is_superuser: bool


# A signed token is a few hundred characters; anything far longer is not one of ours.
MAX_TOKEN_LENGTH = 2048


class RefreshToken(SQLModel, table=True):
    """A refresh token that was issued: it refreshes once, while its row exists and is unused."""

    __tablename__ = "refresh_token"
{%- if uuid %}

    id: UUID = Field(default_factory=new_id, primary_key=True)
{%- else %}

    id: int | None = Field(default=None, primary_key=True)
{%- endif %}
    # The token's `jti` claim.
    token_id: str = Field(max_length=64, unique=True, index=True)
    # The tokens rotated from one sign-in. Presenting a used one means it was copied: every
    # token of its family is deleted, so neither the thief nor the user can go on with it.
    family: str = Field(max_length=64, index=True)
    user_id: {{ ID }} = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    used_at: AwareDatetime | None = None
    expires_at: AwareDatetime
    created_at: AwareDatetime = Field(
        default_factory=utc_now, sa_column_kwargs={"server_default": NOW}
    )


class LoginFailure(SQLModel, table=True):
    """A sign-in attempt, counted per email (the throttle in auth/service.py): written before
    the password is checked and kept as a failure unless it succeeds; in the database, so that
    every worker and replica counts the same, across restarts."""

    __tablename__ = "login_failure"
{%- if uuid %}

    id: UUID = Field(default_factory=new_id, primary_key=True)
{%- else %}

    id: int | None = Field(default=None, primary_key=True)
{%- endif %}
    # Lower-cased; not a reference, since unknown emails count too.
    email: str = Field(sa_type=String(320), index=True)
    failed_at: AwareDatetime = Field(
        default_factory=utc_now, index=True, sa_column_kwargs={"server_default": NOW}
    )


class TokenPair(AlwaysShown):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    # Seconds the access token is valid for.
    expires_in: int


class RefreshRequest(StorableInput):
    refresh_token: str = Field(max_length=MAX_TOKEN_LENGTH)
