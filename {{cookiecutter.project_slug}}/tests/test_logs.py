{%- set plan = cookiecutter.entities | entity_plan(cookiecutter.many_to_many, cookiecutter.auth) -%}
"""Logs: one JSON object per line, naming the request; never its query string, body or token."""

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection

{% set imports = [("conftest", ["MISSING_ID"]), (cookiecutter.package_name ~ ".core.logs", ["configure_logging"]), (cookiecutter.package_name ~ ".core.settings", ["Settings"]), (cookiecutter.package_name ~ ".main", ["create_app"])] -%}
{{ imports | import_block }}


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """Where the tests' logs go; afterwards the log goes to standard error again."""
    stream = io.StringIO()
    yield stream
    configure_logging("json", "INFO")


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    """What the service logged (httpx, the tests' client, logs each URL it calls)."""
    logged = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [line for line in logged if not line["logger"].startswith("httpx")]


async def test_a_request_logs_one_json_line_without_its_query_string(logs: io.StringIO) -> None:
    app = create_app(Settings(log_format="json"))
    configure_logging("json", "INFO", logs)
    secret = "ann.secret@example.org"
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get(
            f"/health/live?email={secret}",
            headers={"Authorization": f"Bearer {secret}", "X-Request-ID": "req-7"},
        )
    assert response.status_code == 200
    [line] = [line for line in lines(logs) if line.get("route") == "/health/live"]
    assert line["request_id"] == "req-7"
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert line["level"] == "INFO"
    assert line["duration_ms"] >= 0
    assert line["time"].endswith("+00:00")
    assert secret not in json.dumps(lines(logs))


async def test_a_route_template_is_logged_not_the_path(
    logs: io.StringIO, connection: AsyncConnection
) -> None:
    app = create_app(Settings(log_format="json"))
    configure_logging("json", "INFO", logs)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        await client.get(f"/api/v1/{{ plan.entities[0].route }}/{MISSING_ID}")
        await client.get("/docs/assets/ann.secret")
        await client.get("/openapi.json?ann.secret")
        await client.get("/no/such/page")
    logged = {(line["route"], line["status"]) for line in lines(logs) if "status" in line}
    assert logged == {
{%- if cookiecutter.auth == "users" %}
        # Anonymous: refused before the lookup, and logged under its route all the same.
{%- endif %}
        ("/api/v1/{{ plan.entities[0].route }}/{{ "{" ~ plan.entities[0].name ~ "_id}" }}", {{ 401 if cookiecutter.auth == "users" else 404 }}),
        ("/docs/assets/{name}", 404),
        ("/openapi.json", 200),
        (None, 404),
    }
    assert "ann.secret" not in json.dumps(lines(logs))
    assert "/no/such/page" not in json.dumps(lines(logs))


async def test_an_unhandled_error_logs_its_traceback_with_the_request_id(logs: io.StringIO) -> None:
    app = create_app(Settings(log_format="json"))
    configure_logging("json", "INFO", logs)

    async def crash() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/crash", crash, tags=["failing"])
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/crash")
    identifier = response.headers["x-request-id"]
    [error] = [line for line in lines(logs) if line["level"] == "ERROR"]
    assert error["request_id"] == identifier
    assert "Traceback" in error["exception"] and "a bug" in error["exception"]
    [access] = [line for line in lines(logs) if line.get("route") == "/crash"]
    assert access["status"] == 500 and access["request_id"] == identifier


async def test_text_logs_name_the_request_too(logs: io.StringIO) -> None:
    app = create_app(Settings(log_format="text"))
    configure_logging("text", "INFO", logs)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        await client.get("/health/live?token=abc", headers={"X-Request-ID": "req-8"})
    [line] = [line for line in logs.getvalue().splitlines() if " httpx " not in line]
    assert "[req-8]" in line and "GET /health/live 200" in line
    assert "abc" not in line
