"""A served project (uvicorn, PostgreSQL) under what once made it answer 500 or drop a connection:
cursors it did not issue, a bug, lock conflicts. Each would have failed before its fix.
"""

import asyncio
import base64
import json
import socket
from collections import Counter
from pathlib import Path

import asyncpg
import httpx
import pytest
from conftest import POSTGRES_ADMIN_URL, choose, render_variant, variant_id
from served import migrate, serve
from sqlalchemy import make_url

# The lending library with cursors: members sort by email, books list their genres.
SPEC, OPTIONS = "library", choose(0, 0, 1, 1, 1)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_variant(tmp_path_factory.mktemp(variant_id(SPEC, OPTIONS)), SPEC, OPTIONS)


@pytest.fixture
def database(project: Path, postgres_database: str) -> str:
    migrate(project, postgres_database)
    return postgres_database


async def execute(database: str, *statements: str) -> None:
    url = make_url(database).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(url)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def forged(text: str) -> str:
    """A cursor as the service used to make them: JSON in base64, unsigned."""
    return base64.urlsafe_b64encode(text.encode()).decode()


def test_cursors_survive_a_restart_and_refuse_all_else(project: Path, database: str) -> None:
    emails = [f"reader{n}@example.org" for n in range(3)]
    with serve(project, database) as server:
        for email in emails:
            created = httpx.post(f"{server.url}/api/v1/members", json={"email": email, "full_name": "R"})
            assert created.status_code == 201, created.text
        first = httpx.get(f"{server.url}/api/v1/members", params={"sort": "email", "limit": 1}).json()
    cursor = first["next_cursor"]
    # Another process (a restart, another worker) takes the cursors this one issued.
    with serve(project, database) as server:
        members = f"{server.url}/api/v1/members"
        second = httpx.get(members, params={"sort": "email", "limit": 1, "cursor": cursor})
        assert second.status_code == 200, second.text
        assert [item["email"] for item in second.json()["items"]] == emails[1:2]
        refused = [
            {"sort": "-email", "cursor": cursor},
            {"sort": "email", "email__contains": "reader", "cursor": cursor},
            # What crashed the service when cursors were plain JSON: an OverflowError, a RecursionError.
            {"sort": "created_at", "cursor": forged('["created_at","9999-12-31T23:59:59-14:00",1]')},
            {"sort": "id", "cursor": forged("[" * 1100)},
            {"sort": "email", "cursor": forged('["email","reader0@example.org",1]')},
        ]
        for params in refused:
            response = httpx.get(members, params=params)
            assert response.status_code == 422, (params, response.text)
    # Under another secret, the same cursor is not the service's own.
    with serve(project, database, CURSOR_SECRET="another secret") as server:
        response = httpx.get(f"{server.url}/api/v1/members", params={"sort": "email", "cursor": cursor})
        assert response.status_code == 422, response.text


def exchange(connection: socket.socket, path: str) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request on an open connection, and its response (the connection stays open)."""
    connection.sendall(f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        assert chunk, "the server closed the connection"
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    while len(body) < int(headers["content-length"]):
        chunk = connection.recv(65536)
        assert chunk, "the server closed the connection"
        body += chunk
    return int(status_line.split()[1]), headers, body


def test_a_500_is_json_with_a_request_id_and_keeps_the_connection(project: Path, database: str) -> None:
    # A schema behind the code: every read of authors fails in the database, a bug of the deployment.
    asyncio.run(execute(database, "ALTER TABLE author RENAME COLUMN name TO name_before"))
    with serve(project, database, errors_expected=True) as server:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            for _ in range(2):
                status, headers, body = exchange(connection, "/api/v1/authors")
                assert status == 500
                assert headers["content-type"] == "application/json"
                assert json.loads(body)["request_id"] == headers["x-request-id"]
                assert b"name_before" not in body and b"SELECT" not in body
                assert headers.get("connection") != "close"
                # The same connection answers the next request.
                status, _, _ = exchange(connection, "/health")
                assert status == 200
        assert headers["x-request-id"] in server.output()  # the log names the request


@pytest.mark.asyncio
async def test_lock_conflicts_answer_503_with_retry_after(project: Path, database: str) -> None:
    # Under REPEATABLE READ, concurrent updates of one row fail with a serialization failure
    # (SQLSTATE 40001) for all but the first to commit: what SERIALIZABLE or a deadlock also gives.
    name = make_url(database).database
    await execute(
        POSTGRES_ADMIN_URL, f"ALTER DATABASE \"{name}\" SET default_transaction_isolation = 'repeatable read'"
    )
    with serve(project, database) as server:
        async with httpx.AsyncClient(base_url=f"{server.url}/api/v1", timeout=30) as client:
            author = (await client.post("/authors", json={"name": "A"})).json()
            path = f"/authors/{author['id']}"
            responses = await asyncio.gather(*(client.patch(path, json={"name": f"A{n}"}) for n in range(30)))
    seen = Counter(response.status_code for response in responses)
    assert set(seen) <= {200, 503} and seen[503] > 0, seen
    for response in responses:
        if response.status_code == 503:
            assert int(response.headers["retry-after"]) >= 1
    print(f"30 concurrent updates of one row under REPEATABLE READ: {dict(seen)}")
