"""Input types that accept only what both databases can store.

PostgreSQL refuses NUL characters in text and JSON, no driver can encode a lone UTF-16
surrogate, and deeply nested JSON fails when the response is serialised. Refusing them
here answers 422 for the field at fault instead of a 500 from the database layer.
"""

from typing import Annotated, Any

from pydantic import AfterValidator

MAX_JSON_DEPTH = 32


def storable_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text must not contain NUL characters")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise ValueError("Text must be valid Unicode (no lone surrogates)") from None
    return value


def storable_json(value: dict[str, Any]) -> dict[str, Any]:
    _check_json(value, depth=1)
    return value


def _check_json(value: Any, depth: int) -> None:
    if isinstance(value, str):
        storable_text(value)
        return
    if not isinstance(value, dict | list):
        return
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"JSON must not nest more than {MAX_JSON_DEPTH} levels deep")
    if isinstance(value, dict):
        for key in value:
            storable_text(key)
        value = list(value.values())
    for item in value:
        _check_json(item, depth + 1)


Text = Annotated[str, AfterValidator(storable_text)]
JsonObject = Annotated[dict[str, Any], AfterValidator(storable_json)]
