"""Input models refuse what neither database can store: a 422 for the field at fault.

PostgreSQL refuses NUL characters in text and JSON, no driver can encode a lone UTF-16
surrogate, and deeply nested JSON fails when the response is serialised; stored, each
would become a 500. Request models (create, update, query) derive from `StorableInput`.
Public models do not: what they show was checked on its way into the database, and
checking it again would cost every response a Python call per text and JSON field.
"""

import re
from datetime import UTC, date, datetime
from functools import cache
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    EmailStr,
    GetJsonSchemaHandler,
    HttpUrl,
    JsonValue,
    TypeAdapter,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema
from sqlmodel import SQLModel

MAX_JSON_DEPTH = 32
# `text` columns are unbounded in the database; a request is bounded all the same.
MAX_TEXT = 100_000
# Text a list filter takes: a query string must fit the server's request line (16 KiB in
# uvicorn's parser), or the request is refused (400) before the service sees it.
MAX_QUERY_TEXT = 1_000
_HTTP_URL = TypeAdapter(HttpUrl)


def _valid_url(value: str) -> str:
    # Checked as an http(s) URL, but stored as given: pydantic's URL type would rewrite it
    # (a trailing slash, an encoded host), and clients expect back what they sent.
    _HTTP_URL.validate_python(value)
    return value


Url = Annotated[str, AfterValidator(_valid_url)]


@cache
def _email_address() -> TypeAdapter[str]:
    # Built on first use: EmailStr needs the email-validator package, a dependency of
    # projects that have email fields only.
    return TypeAdapter(EmailStr)


def _valid_email(value: str) -> str:
    # Checked as pydantic's EmailStr, but stored as given: EmailStr would lower-case the
    # domain, and clients expect back what they sent (uniqueness and filters ignore case).
    # `Ann <ann@x.org>`, which EmailStr also takes, is stored as the address alone.
    address = _email_address().validate_python(value)
    return value if value.lower() == address.lower() else address


class _EmailFormat:
    """`"format": "email"` in the JSON schema, as EmailStr writes it."""

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        found["format"] = "email"
        return found


Email = Annotated[str, AfterValidator(_valid_email), _EmailFormat()]
_NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def _iso_only(value: Any) -> Any:
    # pydantic would read a number, or the text of one, as a Unix timestamp; the schema
    # promises an ISO 8601 string, and a client sending 0 for a date has made a mistake.
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        raise ValueError(
            "Expected an ISO 8601 date or time, such as 2026-01-31 or 2026-01-31T12:00:00Z"
        )
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_only)]


def _in_utc(value: datetime) -> datetime:
    # Stored as UTC: shown as UTC from the first response on, as every later read shows it.
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59:59-14:00 is past the last year Python has
        raise ValueError("The time is out of range once converted to UTC") from None


IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_iso_only), AfterValidator(_in_utc)]


def _not_null(value: JsonValue) -> JsonValue:
    # JSON null would be stored as a value of its own, and a client could not tell it from
    # a field left empty: a required field needs a value.
    if value is None:
        raise ValueError("A value is required; null is only allowed where the field is optional")
    return value


RequiredJson = Annotated[JsonValue, AfterValidator(_not_null)]


# Configurations for the request and response models, made from SQLModel's own so that they
# combine with it in the models' bases (mypy checks that they do).
_REQUEST_CONFIG = SQLModel.model_config.copy()
# A field the model does not have is a typo: refuse it (422) instead of ignoring it.
_REQUEST_CONFIG["extra"] = "forbid"
_RESPONSE_CONFIG = SQLModel.model_config.copy()
# Every field is in every response: the schema marks them all required, so generated
# clients type them plainly instead of as possibly unset.
_RESPONSE_CONFIG["json_schema_serialization_defaults_required"] = True


class StorableInput(BaseModel):
    """Base of the request models: no unknown fields, and nothing a database cannot store."""

    model_config = _REQUEST_CONFIG

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        _check(value, depth=1)
        return value


def _check(value: Any, depth: int) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("Text must not contain NUL characters")
        try:
            value.encode()
        except UnicodeEncodeError:
            raise ValueError("Text must be valid Unicode (no lone surrogates)") from None
        return
    if not isinstance(value, dict | list):
        return
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"JSON must not nest more than {MAX_JSON_DEPTH} levels deep")
    if isinstance(value, dict):
        for key in value:
            _check(key, depth)
        value = list(value.values())
    for item in value:
        _check(item, depth + 1)


class AlwaysShown(BaseModel):
    """Base of the response models: every field always present."""

    model_config = _RESPONSE_CONFIG
