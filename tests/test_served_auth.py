"""A served project (auth=users, PostgreSQL, two workers): a change to a user acts at once in
every worker, though each worker keeps the callers it has found (auth/callers.py) instead of
reading the user on each request."""

import asyncio
from pathlib import Path

import asyncpg
import httpx
import pytest
from conftest import choose, render_variant, variant_id
from served import Server, access_token, first_superuser, migrate, serve, user_token

SPEC, OPTIONS = "default", choose(0, 0, 0, 0, 0)
# Enough requests that each worker answers some, and so has found the user.
ROUNDS = 40


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert OPTIONS["auth"] == "users"
    return render_variant(tmp_path_factory.mktemp(variant_id(SPEC, OPTIONS)), SPEC, OPTIONS)


@pytest.fixture
def database(project: Path, postgres_database: str) -> str:
    migrate(project, postgres_database)
    return postgres_database


def statuses(server: Server, token: str, path: str = "/api/v1/users/me") -> set[int]:
    headers = {"Authorization": f"Bearer {token}"}
    # A connection per request: the two workers take turns at accepting them.
    no_reuse = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(base_url=server.url, headers=headers, limits=no_reuse, timeout=30) as client:
        return {client.get(path).status_code for _ in range(ROUNDS)}


def run_sql(database: str, sql: str) -> None:
    """A change made beside the service, as an operator's psql session makes it."""

    async def execute() -> None:
        connection = await asyncpg.connect(database.replace("postgresql+asyncpg", "postgresql"))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(execute())


def test_a_change_to_a_user_acts_at_once_in_every_worker(project: Path, database: str) -> None:
    with serve(project, database, workers=2) as server:
        admin = {"Authorization": f"Bearer {access_token(server, *first_superuser(project))}"}
        token = user_token(server, project)
        assert statuses(server, token) == {200}
        user_id = httpx.get(f"{server.url}/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}).json()["id"]

        # Through the API: a deactivation ends the token in both workers.
        deactivate = {"is_active": False}
        response = httpx.patch(f"{server.url}/api/v1/users/{user_id}", json=deactivate, headers=admin)
        assert response.status_code == 200, response.text
        assert statuses(server, token) == {401}

        # Beside the API (an operator's SQL): the trigger tells every worker as well.
        reactivate = {"is_active": True}
        response = httpx.patch(f"{server.url}/api/v1/users/{user_id}", json=reactivate, headers=admin)
        assert response.status_code == 200, response.text
        token = access_token(server, "client@example.com", "a password of the served tests")
        assert statuses(server, token, "/api/v1/users") == {403}
        run_sql(database, f'UPDATE "user" SET is_superuser = true WHERE id = {user_id}')
        assert statuses(server, token, "/api/v1/users") == {200}
        run_sql(database, f'UPDATE "user" SET token_version = token_version + 1 WHERE id = {user_id}')
        assert statuses(server, token) == {401}
    assert "Not listening" not in server.output() and "trigger" not in server.output()
