"""Signing in: tokens, their refusals (401), rotation and reuse, throttling, signup, OpenAPI."""

import asyncio
from datetime import timedelta

import jwt
import pytest
from httpx import AsyncClient, Response
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncConnection

{% set pkg = cookiecutter.package_name -%}
{% set imports = [
    ("conftest", ["PASSWORD", "USER_EMAIL", "bearer", "make_user", "sign_in"]),
    (pkg ~ ".auth", ["service as auth_service"]),
    (pkg ~ ".auth.service", ["MAX_FAILURES"]),
    (pkg ~ ".core.security", ["ALGORITHM", "create_token", "verify_password"]),
    (pkg ~ ".core.settings", ["Settings", "get_settings"]),
    (pkg ~ ".main", ["app", "create_app"]),
    (pkg ~ ".users.first_superuser", ["create_first_superuser"]),
    (pkg ~ ".users.models", ["User"]),
] -%}
{{ imports | import_block }}

# A route of the API that needs a token (any one: main.py guards them all alike).
PROTECTED = "/api/v1/{{ plan.entities[0].route }}"
TOKEN = "/api/v1/auth/token"
REFRESH = "/api/v1/auth/refresh"


def assert_unauthorized(response: Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"


async def test_sign_in_answers_a_token_pair(anonymous_client: AsyncClient, user: User) -> None:
    tokens = await sign_in(anonymous_client, "USER@example.com")
    assert set(tokens) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == get_settings().access_token_minutes * 60
    response = await anonymous_client.get(PROTECTED, headers=bearer(tokens["access_token"]))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("email", [USER_EMAIL, "nobody@example.com"])
async def test_sign_in_with_a_wrong_password_or_unknown_email_is_401(
    anonymous_client: AsyncClient, user: User, email: str
) -> None:
    form = {"username": email, "password": "wrong password"}
    response = await anonymous_client.post(TOKEN, data=form)
    assert_unauthorized(response)
    assert response.json() == {"detail": "Incorrect email or password"}


async def test_an_unknown_email_is_checked_against_a_hash_as_a_known_one_is(
    anonymous_client: AsyncClient, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []

    async def counting(password: str, hashed: str) -> bool:
        checked.append(hashed)
        return await verify_password(password, hashed)

    monkeypatch.setattr(auth_service, "verify_password", counting)
    for email in (USER_EMAIL, "nobody@example.com"):
        await anonymous_client.post(TOKEN, data={"username": email, "password": "wrong password"})
    # One Argon2 check each, with the same cost: the refusals take as long.
    assert len(checked) == 2
    assert checked[0].split("$")[:4] == checked[1].split("$")[:4]


async def test_an_inactive_user_cannot_sign_in(
    anonymous_client: AsyncClient, superuser_client: AsyncClient, user: User
) -> None:
    response = await superuser_client.patch(f"/api/v1/users/{user.id}", json={"is_active": False})
    assert response.status_code == 200, response.text
    form = {"username": USER_EMAIL, "password": PASSWORD}
    response = await anonymous_client.post(TOKEN, data=form)
    assert_unauthorized(response)


async def test_every_api_route_but_auth_needs_a_token(anonymous_client: AsyncClient) -> None:
    for path in (PROTECTED, "/api/v1/users/me", "/api/v1/users"):
        response = await anonymous_client.get(path)
        assert_unauthorized(response)
    assert (await anonymous_client.get("/health")).status_code == 200


@pytest.mark.parametrize("header", ["Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz"])
async def test_a_missing_or_malformed_token_is_401(
    anonymous_client: AsyncClient, header: str
) -> None:
    response = await anonymous_client.get(PROTECTED, headers={"Authorization": header})
    assert_unauthorized(response)


async def test_an_expired_token_is_401(anonymous_client: AsyncClient, user: User) -> None:
    expired = create_token("access", str(user.id), 1, timedelta(seconds=-1), "expired")
    response = await anonymous_client.get(PROTECTED, headers=bearer(expired))
    assert_unauthorized(response)


async def test_a_forged_token_is_401(anonymous_client: AsyncClient, user: User) -> None:
    claims = {"sub": str(user.id), "type": "access", "ver": 1, "jti": "x", "iat": 0}
    claims["exp"] = 2**40
    forged = jwt.encode(claims, "another key of at least thirty-two characters", ALGORITHM)
    unsigned = jwt.encode(claims, None, algorithm="none")
    for token in (forged, unsigned):
        response = await anonymous_client.get(PROTECTED, headers=bearer(token))
        assert_unauthorized(response)


async def test_a_refresh_token_is_no_access_token(
    anonymous_client: AsyncClient, user: User
) -> None:
    tokens = await sign_in(anonymous_client, USER_EMAIL)
    response = await anonymous_client.get(PROTECTED, headers=bearer(tokens["refresh_token"]))
    assert_unauthorized(response)
    response = await anonymous_client.post(REFRESH, json={"refresh_token": tokens["access_token"]})
    assert_unauthorized(response)


async def test_refresh_rotates_and_a_used_token_is_refused(
    anonymous_client: AsyncClient, user: User
) -> None:
    first = await sign_in(anonymous_client, USER_EMAIL)
    response = await anonymous_client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert response.status_code == 200, response.text
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    me = await anonymous_client.get("/api/v1/users/me", headers=bearer(second["access_token"]))
    assert me.status_code == 200
    again = await anonymous_client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert_unauthorized(again)


async def test_reusing_a_refresh_token_revokes_its_family(
    anonymous_client: AsyncClient, user: User
) -> None:
    first = await sign_in(anonymous_client, USER_EMAIL)
    other_sign_in = await sign_in(anonymous_client, USER_EMAIL)
    response = await anonymous_client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    second = response.json()
    # A copy of the first token comes back: the whole family goes, the rightful holder's too.
    await anonymous_client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    response = await anonymous_client.post(REFRESH, json={"refresh_token": second["refresh_token"]})
    assert_unauthorized(response)
    # Another sign-in is another family, and goes on.
    other = {"refresh_token": other_sign_in["refresh_token"]}
    response = await anonymous_client.post(REFRESH, json=other)
    assert response.status_code == 200, response.text


async def test_five_failed_sign_ins_lock_the_email_with_retry_after(
    anonymous_client: AsyncClient, user: User
) -> None:
    wrong = {"username": USER_EMAIL, "password": "wrong password"}
    for _ in range(MAX_FAILURES):
        assert (await anonymous_client.post(TOKEN, data=wrong)).status_code == 401
    right = {"username": USER_EMAIL.upper(), "password": PASSWORD}
    response = await anonymous_client.post(TOKEN, data=right)
    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= 15 * 60
    # Another email is not locked.
    await make_user("other@example.com")
    await sign_in(anonymous_client, "other@example.com")


async def test_concurrent_failed_sign_ins_get_no_more_than_the_allowed_guesses(
    committing_client: AsyncClient,
) -> None:
    await make_user(USER_EMAIL)
    wrong = {"username": USER_EMAIL, "password": "wrong password"}
    burst = await asyncio.gather(*(committing_client.post(TOKEN, data=wrong) for _ in range(12)))
    statuses = [response.status_code for response in burst]
    assert set(statuses) <= {401, 429}, [response.text for response in burst]
    guesses = statuses.count(401)
    assert guesses <= MAX_FAILURES
    # A burst may be refused more than it had to be (attempts in flight count too); one at a
    # time, the guesses add up to exactly MAX_FAILURES, and then even the right password waits.
    for _ in range(MAX_FAILURES - guesses):
        assert (await committing_client.post(TOKEN, data=wrong)).status_code == 401
    right = {"username": USER_EMAIL, "password": PASSWORD}
    response = await committing_client.post(TOKEN, data=right)
    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= 15 * 60


async def test_a_successful_sign_in_clears_the_failures(
    anonymous_client: AsyncClient, user: User
) -> None:
    wrong = {"username": USER_EMAIL, "password": "wrong password"}
    for _ in range(MAX_FAILURES - 1):
        await anonymous_client.post(TOKEN, data=wrong)
    await sign_in(anonymous_client, USER_EMAIL)
    for _ in range(MAX_FAILURES - 1):
        await anonymous_client.post(TOKEN, data=wrong)
    await sign_in(anonymous_client, USER_EMAIL)


async def test_signup_is_404_unless_enabled(
    anonymous_client: AsyncClient, connection: AsyncConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {"email": "new@example.com", "password": "a long password"}
    response = await anonymous_client.post("/api/v1/auth/signup", json=body)
    assert response.status_code == 404
    monkeypatch.setattr(get_settings(), "auth_signup", True)
    superuser = {**body, "is_superuser": True}
    refused = await anonymous_client.post("/api/v1/auth/signup", json=superuser)
    assert refused.status_code == 422
    response = await anonymous_client.post("/api/v1/auth/signup", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["is_superuser"] is False
    await sign_in(anonymous_client, "new@example.com", "a long password")


def test_openapi_declares_the_scheme_and_401_on_every_protected_operation() -> None:
    schema = app.openapi()
    scheme = schema["components"]["securitySchemes"]["OAuth2PasswordBearer"]
    assert scheme["flows"]["password"]["tokenUrl"] == TOKEN
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            protected = not path.startswith("/api/v1/auth/")
            assert ("security" in operation) == protected, (method, path)
            if protected:
                assert "401" in operation["responses"], (method, path)


@pytest.mark.parametrize("key", ["", "x" * 31])
def test_the_service_refuses_to_start_without_a_long_secret_key(key: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        create_app(Settings(secret_key=SecretStr(key)))
    message = str(stopped.value)
    assert "SECRET_KEY" in message
    assert "secrets.token_urlsafe" in message
    assert "\n" not in message


async def test_the_first_superuser_is_made_at_start_up_once(
    anonymous_client: AsyncClient,
) -> None:
    password = SecretStr(PASSWORD)
    settings = Settings(first_superuser_email="root@example.com", first_superuser_password=password)
    await create_first_superuser(settings)
    await create_first_superuser(settings)
    tokens = await sign_in(anonymous_client, "root@example.com")
    me = await anonymous_client.get("/api/v1/users/me", headers=bearer(tokens["access_token"]))
    assert me.json()["is_superuser"] is True
