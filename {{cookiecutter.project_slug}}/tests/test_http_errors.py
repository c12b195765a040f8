"""Errors raised before any route runs are sent as the schema declares them: JSON ErrorBody."""

from collections.abc import AsyncIterator
from typing import Any

from httpx import AsyncClient, Response

from {{ cookiecutter.package_name }}.core.errors import ErrorBody
from {{ cookiecutter.package_name }}.main import MAX_BODY_BYTES, app

ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}
CHUNK = 64 * 1024


def create_route() -> tuple[str, dict[str, Any]]:
    """The first route that creates a record from JSON (its path and POST operation), whatever
    the entities are."""
    for path, operations in app.openapi()["paths"].items():
        if "{" in path or path.endswith("/bulk") or "post" not in operations:
            continue
        body = operations["post"].get("requestBody", {}).get("content", {})
        if "application/json" in body:
            return path, operations["post"]
    raise AssertionError("no create route in the OpenAPI schema")


def assert_error_body(response: Response) -> None:
    assert response.headers["content-type"] == "application/json", response.text
    assert set(response.json()) == {"detail"}
    assert str(MAX_BODY_BYTES) in ErrorBody.model_validate(response.json()).detail


async def oversized_stream() -> AsyncIterator[bytes]:
    # A streamed body has no Content-Length: the limit can only count bytes as they arrive.
    yield b'{"name": "'
    for _ in range(MAX_BODY_BYTES // CHUNK + 1):
        yield b"x" * CHUNK
    yield b'"}'


def test_every_body_route_declares_413_as_error_body() -> None:
    path, operation = create_route()
    declared = operation["responses"]["413"]["content"]
    assert declared == {"application/json": {"schema": ERROR_BODY}}, path


async def test_too_large_body_with_content_length_is_json(client: AsyncClient) -> None:
    path, _ = create_route()
    response = await client.post(path, json={"name": "x" * MAX_BODY_BYTES})
    assert int(response.request.headers["content-length"]) > MAX_BODY_BYTES
    assert response.status_code == 413
    assert_error_body(response)


async def test_too_large_streamed_body_is_json(client: AsyncClient) -> None:
    path, _ = create_route()
    response = await client.post(
        path, content=oversized_stream(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert_error_body(response)


async def test_too_large_body_is_json_where_no_body_is_read(client: AsyncClient) -> None:
    # /health never reads a body, yet a declared length over the limit still gets a 413.
    response = await client.request("GET", "/health", content=b"x" * (MAX_BODY_BYTES + 1))
    assert response.status_code == 413
    assert_error_body(response)


async def test_body_at_the_limit_is_read(client: AsyncClient) -> None:
    path, _ = create_route()
    response = await client.post(
        path,
        content=b" " * MAX_BODY_BYTES,
        headers={"content-type": "application/json"},
    )
    assert response.status_code in {400, 422}, response.text
