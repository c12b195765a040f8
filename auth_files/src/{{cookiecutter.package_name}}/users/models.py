{%- set uuid = cookiecutter.primary_key == "uuid" -%}
{%- set ID = "UUID" if uuid else "int" -%}
"""Users: the table, and the models that cross the API boundary.

The password crosses it inbound only: the table keeps its Argon2 hash (core/security.py),
which no response model, filter or log line names.
"""

from typing import Any, Literal
{%- if uuid %}
from uuid import UUID
{%- endif %}

from pydantic import AwareDatetime
from sqlalchemy import String, text
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

{% if uuid -%}
from ..core.ids import new_id
{% endif -%}
from ..core.pagination import SORT_DESCRIPTION, PageQuery
from ..core.tables import (
    FIRST_VERSION,
    NOW,
    counts_versions,
    max_length,
    sort_index,
    unique_index,
    utc_now,
)
from ..core.text import MAX_QUERY_TEXT, AlwaysShown, Email, StorableInput

# Long enough for a passphrase; bounded, since each is hashed at a deliberate cost.
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


class UserBase(SQLModel):
    email: Email = Field(
        max_length=320, sa_type=String(320), sa_column_kwargs={"info": {"ignore_case": True}}
    )
    full_name: str | None = Field(default=None, max_length=255)


class User(UserBase, table=True):
    __tablename__ = "user"
    # CHECKs: what the API checks, held by the database too (see core/tables.py).
    __table_args__ = (
        unique_index("user", "email", ignore_case=("email",)),
        sort_index("user", "email", "ix_user_email__sort"),
        max_length("email", 320),
        max_length("full_name", 255),
    )

{%- if uuid %}

    id: UUID = Field(default_factory=new_id, primary_key=True)
{%- else %}

    # Typed as set, though None until the INSERT: every User the service hands out was
    # read from the database or flushed, and routes pass its id on without a check.
    id: int = Field(default=None, primary_key=True)
{%- endif %}
    hashed_password: str = Field(max_length=255)
    is_active: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})
    is_superuser: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    # Every token carries the version it was issued under, and a request checks it against
    # this one: a password change or a deactivation raises it, ending earlier tokens at once.
    token_version: int = Field(default=1, sa_column_kwargs={"server_default": FIRST_VERSION})

    # Indexed: lists sort by them, and a cursor page seeks instead of sorting the table.
    # The server default serves rows that SQL inserts; the service sets both itself.
    created_at: AwareDatetime = Field(
        default_factory=utc_now, index=True, sa_column_kwargs={"server_default": NOW}
    )
    updated_at: AwareDatetime = Field(
        default_factory=utc_now, index=True, sa_column_kwargs={"server_default": NOW}
    )
    # Counts the row's changes: its ETag (core/etags.py). SQLAlchemy checks it in every UPDATE
    # it writes, so a change that another request made meanwhile is never overwritten.
    row_version: int = Field(default=1, sa_column_kwargs={"server_default": FIRST_VERSION})

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return counts_versions(cls)


class UserSignup(UserBase, StorableInput):
    """What anyone may send to POST /auth/signup (when AUTH_SIGNUP is on)."""

    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


class UserCreate(UserSignup):
    """What a superuser sends to POST /users."""

    is_active: bool = Field(default=True, schema_extra={"strict": True})
    is_superuser: bool = Field(default=False, schema_extra={"strict": True})


class UserUpdateMe(SQLModel, StorableInput):
    # Omitted fields stay as they are; `null` is refused where a value is required.
    email: Email = Field(default=None, max_length=320)
    full_name: str | None = Field(default=None, max_length=255)


class UserUpdate(UserUpdateMe):
    """What a superuser may change of any user; a new password or `is_active: false` ends
    the user's tokens."""

    password: str = Field(
        default=None, min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH
    )
    is_active: bool = Field(default=None, schema_extra={"strict": True})
    is_superuser: bool = Field(default=None, schema_extra={"strict": True})


class PasswordChange(SQLModel, StorableInput):
    current_password: str = Field(max_length=MAX_PASSWORD_LENGTH)
    new_password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


class UserPublic(UserBase, AlwaysShown):
    # Checked on the way in; shown as stored, without checking every response again.
    email: str
    id: {{ ID }}
    is_active: bool
    is_superuser: bool
    created_at: AwareDatetime
    updated_at: AwareDatetime


UserSort = Literal[
    "id",
    "-id",
    "email",
    "-email",
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
]


class UserQuery(PageQuery, StorableInput):
    """The list's query parameters: a page, a sort key, and filters (all optional); never
    the password hash."""

    sort: UserSort = Field(default="id", description=SORT_DESCRIPTION)
    email: Email | None = Field(default=None, max_length=MAX_QUERY_TEXT)
    email__contains: str | None = Field(default=None, max_length=MAX_QUERY_TEXT)
    full_name__contains: str | None = Field(default=None, max_length=255)
    is_active: bool | None = None
    is_superuser: bool | None = None
