"""Input models refuse what neither database can store: a 422 for the field at fault.

PostgreSQL refuses NUL characters in text and JSON, no driver can encode a lone UTF-16
surrogate, and deeply nested JSON fails when the response is serialised; stored, each
would become a 500. Request models (create, update, query) derive from `StorableInput`.
Public models do not: what they show was checked on its way into the database, and
checking it again would cost every response a Python call per text and JSON field.
"""

from typing import Any

from pydantic import BaseModel, field_validator

MAX_JSON_DEPTH = 32


class StorableInput(BaseModel):
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
