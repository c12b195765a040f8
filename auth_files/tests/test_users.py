"""The caller's own account, password changes, and user administration (superusers only)."""

from collections.abc import Iterator

import pytest
from httpx import AsyncClient

{% set imports = [
    ("conftest", ["MISSING_ID", "PASSWORD", "USER_EMAIL", "StatementCounter", "bearer", "sign_in"]),
    (cookiecutter.package_name ~ ".auth.callers", ["callers"]),
    (cookiecutter.package_name ~ ".users.models", ["User"]),
] -%}
{{ imports | import_block }}

USERS = "/api/v1/users"
HIDDEN = {"password", "hashed_password", "token_version"}


@pytest.fixture(params=["reading", "keeping"])
def callers_kept(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A change to a user acts at once both ways a worker checks callers: reading the user on
    each request, or keeping the callers it found, as it does while it hears of changes."""
    callers.forget()
    monkeypatch.setattr(callers, "listening", request.param == "keeping")
    yield
    callers.forget()


async def test_me_is_the_caller_without_the_password(client: AsyncClient, user: User) -> None:
    response = await client.get(f"{USERS}/me")
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == USER_EMAIL
    assert body["is_superuser"] is False
    assert not HIDDEN & set(body)
    assert response.headers["etag"]


async def test_patch_me_changes_name_and_email_only(client: AsyncClient) -> None:
    response = await client.patch(f"{USERS}/me", json={"full_name": "Ann Lee"})
    assert response.status_code == 200, response.text
    assert response.json()["full_name"] == "Ann Lee"
    response = await client.patch(f"{USERS}/me", json={"is_superuser": True})
    assert response.status_code == 422


@pytest.mark.usefixtures("callers_kept")
async def test_a_password_change_ends_earlier_tokens(
    anonymous_client: AsyncClient, user: User
) -> None:
    tokens = await sign_in(anonymous_client, USER_EMAIL)
    headers = bearer(tokens["access_token"])
    change = {"current_password": "not it", "new_password": "a new long password"}
    response = await anonymous_client.post(f"{USERS}/me/password", json=change, headers=headers)
    assert response.status_code == 422
    change["current_password"] = PASSWORD
    response = await anonymous_client.post(f"{USERS}/me/password", json=change, headers=headers)
    assert response.status_code == 204, response.text
    assert (await anonymous_client.get(f"{USERS}/me", headers=headers)).status_code == 401
    refresh = {"refresh_token": tokens["refresh_token"]}
    assert (await anonymous_client.post("/api/v1/auth/refresh", json=refresh)).status_code == 401
    await sign_in(anonymous_client, USER_EMAIL, "a new long password")


@pytest.mark.usefixtures("callers_kept")
async def test_deactivation_ends_the_users_tokens_at_once(
    client: AsyncClient, superuser_client: AsyncClient, user: User
) -> None:
    assert (await client.get(f"{USERS}/me")).status_code == 200
    response = await superuser_client.patch(f"{USERS}/{user.id}", json={"is_active": False})
    assert response.status_code == 200, response.text
    response = await client.get(f"{USERS}/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_a_kept_caller_is_not_read_again_until_the_user_changes(
    client: AsyncClient,
    superuser_client: AsyncClient,
    user: User,
    statements: StatementCounter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    callers.forget()
    monkeypatch.setattr(callers, "listening", True)
    assert (await client.get(USERS)).status_code == 403
    before = statements.count
    assert (await client.get(USERS)).status_code == 403
    assert statements.count == before  # refused with no read of the user
    response = await superuser_client.patch(f"{USERS}/{user.id}", json={"is_superuser": True})
    assert response.status_code == 200, response.text
    assert (await client.get(USERS)).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "", None),
        ("POST", "", {"email": "x@example.com", "password": "a long password"}),
        ("GET", "/{id}", None),
        ("PATCH", "/{id}", {"full_name": "X"}),
        ("DELETE", "/{id}", None),
    ],
)
async def test_user_administration_is_403_for_others(
    client: AsyncClient, user: User, method: str, path: str, body: dict[str, str] | None
) -> None:
    url = USERS + path.format(id=user.id)
    response = await client.request(method, url, json=body)
    assert response.status_code == 403, response.text


async def test_a_superuser_administers_users(superuser_client: AsyncClient, user: User) -> None:
    body = {"email": "Bob@Example.com", "password": "a long password", "full_name": "Bob"}
    response = await superuser_client.post(USERS, json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["email"] == "Bob@Example.com"
    assert not HIDDEN & set(created)
    duplicate = await superuser_client.post(USERS, json={**body, "email": "bob@example.com"})
    assert duplicate.status_code == 409
    page = await superuser_client.get(USERS, params={"email": "BOB@example.com"})
    assert page.status_code == 200
    assert [item["id"] for item in page.json()["items"]] == [created["id"]]
    assert (await superuser_client.get(USERS, params={"hashed_password": "x"})).status_code == 422
    one = await superuser_client.get(f"{USERS}/{created['id']}")
    assert one.json() == created
    changed = await superuser_client.patch(f"{USERS}/{created['id']}", json={"is_superuser": True})
    assert changed.json()["is_superuser"] is True
    assert (await superuser_client.delete(f"{USERS}/{created['id']}")).status_code == 204
    assert (await superuser_client.get(f"{USERS}/{created['id']}")).status_code == 404
    assert (await superuser_client.get(f"{USERS}/{MISSING_ID}")).status_code == 404
