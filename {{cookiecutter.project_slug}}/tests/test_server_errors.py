"""What a client sees when the service fails: JSON with a request id, or a 503 to retry after."""

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.exc import DBAPIError

from {{ cookiecutter.package_name }}.main import create_app


class DriverError(Exception):
    """What a PostgreSQL driver raises, with its SQLSTATE."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def failing_app() -> FastAPI:
    """The service's app, with routes that fail the way a bug or a lock conflict does."""
    app = create_app()

    async def crash() -> None:
        raise RuntimeError("a bug")

    async def conflict(sqlstate: str) -> None:
        raise DBAPIError("UPDATE ...", None, DriverError(sqlstate))

    app.add_api_route("/crash", crash, tags=["failing"])
    app.add_api_route("/conflict/{sqlstate}", conflict, tags=["failing"])
    return app


@pytest.fixture
async def failing() -> AsyncIterator[AsyncClient]:
    # ASGITransport raises whatever the app raises: an error that got past the app's own
    # handling fails the test, as it would make uvicorn close the client's connection.
    transport = ASGITransport(app=failing_app())
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_an_unexpected_error_is_json_with_the_request_id(failing: AsyncClient) -> None:
    response = await failing.get("/crash")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["request_id"] and body["request_id"] == response.headers["x-request-id"]
    assert "a bug" not in response.text
    # The next request on the same client is answered as usual.
    assert (await failing.get("/openapi.json")).status_code == 200


async def test_a_request_id_sent_is_kept_and_an_unusable_one_replaced(failing: AsyncClient) -> None:
    kept = await failing.get("/crash", headers={"X-Request-ID": "req-42.a:b"})
    assert kept.json()["request_id"] == kept.headers["x-request-id"] == "req-42.a:b"
    for unusable in ("x" * 129, "a b", "a/b"):
        replaced = await failing.get("/crash", headers={"X-Request-ID": unusable})
        assert replaced.headers["x-request-id"] not in ("", unusable)
    ids = {(await failing.get("/openapi.json")).headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])  # deadlock, serialization failure
async def test_lock_conflicts_answer_503_with_retry_after(
    failing: AsyncClient, sqlstate: str
) -> None:
    response = await failing.get(f"/conflict/{sqlstate}")
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) >= 1
    assert "UPDATE" not in response.text


async def test_other_driver_errors_are_500s_without_sql(failing: AsyncClient) -> None:
    response = await failing.get("/conflict/42P01")  # undefined table: a bug, not the client's
    assert response.status_code == 500
    assert "UPDATE" not in response.text
