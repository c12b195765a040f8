"""A typed Python client generated from a served project's schema drives every CRUD route.

openapi-python-client is a client nobody here wrote: it reads only the OpenAPI document, so
operation ids become its module names, required fields its plain types, and declared
statuses the responses it can parse.
"""

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest
from conftest import render
from served import first_superuser, migrate, serve

TOOLS = Path(sys.executable).parent  # openapi-python-client, and the ruff it formats its output with
PACKAGE = "generated_hero_client"
# `<tag>-<route name>` operation ids, which the generator turns into `<tag>_<route name>` modules.
OPERATIONS = {
    "health": {"health_health", "health_live", "health_ready"},
    "auth": {"auth_sign_in", "auth_refresh", "auth_sign_up"},
    "users": {
        "users_get_me",
        "users_update_me",
        "users_change_password",
        "users_list_users",
        "users_create_user",
        "users_get_user",
        "users_update_user",
        "users_delete_user",
    },
    "teams": {
        "teams_create_team",
        "teams_create_teams",
        "teams_list_teams",
        "teams_get_team",
        "teams_update_team",
        "teams_delete_team",
        "teams_list_team_heroes",
    },
    "heroes": {
        "heroes_create_hero",
        "heroes_create_heroes",
        "heroes_list_heroes",
        "heroes_get_hero",
        "heroes_update_hero",
        "heroes_delete_hero",
    },
}
MISSING_ID = 2**31 - 1


@pytest.fixture
def client_package(tmp_path: Path, postgres_database: str) -> Iterator[tuple[ModuleType, str, tuple[str, str]]]:
    """The generated client package, the URL of the served project (auth=users) it was generated
    from, and its first superuser's email and password."""
    project = render(tmp_path / "project", entities="team, hero:team")
    migrate(project, postgres_database)
    with serve(project, postgres_database) as server:
        result = subprocess.run(
            [
                str(TOOLS / "openapi-python-client"),
                "generate",
                "--url",
                f"{server.url}/openapi.json",
                "--fail-on-warning",
                "--meta",
                "none",
                "--output-path",
                str(tmp_path / PACKAGE),
            ],
            env={**os.environ, "PATH": f"{TOOLS}{os.pathsep}{os.environ['PATH']}"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        sys.path.insert(0, str(tmp_path))
        try:
            yield importlib.import_module(PACKAGE), server.url, first_superuser(project)
        finally:
            sys.path.remove(str(tmp_path))
            for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
                del sys.modules[name]


def test_generated_client_drives_every_route(client_package: tuple[ModuleType, str, tuple[str, str]]) -> None:
    package, url, (email, password) = client_package
    assert_operation_ids(package)
    models = importlib.import_module(f"{PACKAGE}.models")
    assert_responses_have_no_unset_fields(models)
    assert_requests_refuse_unknown_fields(models)

    client = package.Client(base_url=url, raise_on_unexpected_status=True)

    def call(operation: str, status: HTTPStatus, **arguments: Any) -> Any:
        tag = operation.split("_", 1)[0]
        module = importlib.import_module(f"{PACKAGE}.api.{tag}.{operation}")
        response = module.sync_detailed(client=client, **arguments)
        assert response.status_code == status, (operation, response.status_code, response.content)
        return response.parsed

    # The probes: the process, and the database; open without a token, unlike the API.
    assert call("health_live", HTTPStatus.OK).status == "ok"
    assert call("health_ready", HTTPStatus.OK).database == "ok"
    refused = call("teams_list_teams", HTTPStatus.UNAUTHORIZED)
    assert isinstance(refused, models.ErrorBody)

    # Sign in with the OAuth2 form as the first superuser, then call with the token.
    form = models.BodyAuthSignIn(username=email, password=password)
    tokens = call("auth_sign_in", HTTPStatus.OK, body=form)
    assert isinstance(tokens, models.TokenPair) and tokens.token_type == "bearer"
    client = package.AuthenticatedClient(base_url=url, token=tokens.access_token, raise_on_unexpected_status=True)
    me = call("users_get_me", HTTPStatus.OK)
    assert isinstance(me, models.UserPublic) and me.email == email and me.is_superuser

    # Teams: create, read, list, update.
    body = models.TeamCreate(
        name="Preventers",
        description="Keep the peace",
        attributes=models.TeamCreateAttributes.from_dict({"hq": "Sharp Tower"}),
    )
    team = call("teams_create_team", HTTPStatus.CREATED, body=body)
    assert isinstance(team, models.TeamPublic)
    assert (team.name, team.description, team.attributes.to_dict()) == (
        "Preventers",
        "Keep the peace",
        {"hq": "Sharp Tower"},
    )
    assert team.created_at.tzinfo is not None and team.updated_at >= team.created_at
    other = call("teams_create_team", HTTPStatus.CREATED, body=models.TeamCreate(name="Z-Force"))
    assert other.description is None and other.attributes.to_dict() == {}
    fetched = call("teams_get_team", HTTPStatus.OK, team_id=team.id)
    assert fetched.to_dict() == team.to_dict()
    page = call("teams_list_teams", HTTPStatus.OK, limit=1)
    assert (page.total, [item.name for item in page.items]) == (2, ["Preventers"])
    renamed = call("teams_update_team", HTTPStatus.OK, team_id=other.id, body=models.TeamUpdate(name="Z Force"))
    assert (renamed.name, renamed.description) == ("Z Force", None)

    # Heroes: create in a team, read with the team embedded, list, move, leave.
    hero = call(
        "heroes_create_hero",
        HTTPStatus.CREATED,
        body=models.HeroCreate(name="Deadpond", team_id=team.id),
    )
    assert (hero.team_id, hero.description, hero.attributes.to_dict()) == (team.id, None, {})
    read = call("heroes_get_hero", HTTPStatus.OK, hero_id=hero.id)
    assert isinstance(read, models.HeroPublicWithTeam)
    assert read.team is not None and read.team.name == "Preventers"
    heroes = call("heroes_list_heroes", HTTPStatus.OK)
    assert [item.id for item in heroes.items] == [hero.id] and heroes.total == 1
    members = call("teams_list_team_heroes", HTTPStatus.OK, team_id=team.id)
    assert [item.name for item in members.items] == ["Deadpond"]
    moved = call(
        "heroes_update_hero",
        HTTPStatus.OK,
        hero_id=hero.id,
        body=models.HeroUpdate(team_id=other.id, description="Dives"),
    )
    assert (moved.name, moved.team_id, moved.description) == ("Deadpond", other.id, "Dives")
    assert moved.team is not None and moved.team.name == "Z Force"
    # Unset leaves a field alone; None clears it.
    solo = call("heroes_update_hero", HTTPStatus.OK, hero_id=hero.id, body=models.HeroUpdate(team_id=None))
    assert (solo.team_id, solo.team, solo.description) == (None, None, "Dives")

    # Errors arrive as the declared types.
    missing = call("teams_get_team", HTTPStatus.NOT_FOUND, team_id=MISSING_ID)
    assert isinstance(missing, models.ErrorBody) and missing.detail
    taken = call("teams_create_team", HTTPStatus.CONFLICT, body=models.TeamCreate(name="Preventers"))
    assert isinstance(taken, models.ErrorBody)
    orphan = call(
        "heroes_create_hero",
        HTTPStatus.UNPROCESSABLE_ENTITY,
        body=models.HeroCreate(name="Lost", team_id=MISSING_ID),
    )
    assert isinstance(orphan, models.HTTPValidationError)
    assert orphan.detail[0].loc == ["body", "team_id"]

    # A typo is refused, not ignored (the generated types cannot even send one).
    typo = client.get_httpx_client().post("/api/v1/teams", json={"name": "Typo", "nmae": "Typo"})
    assert typo.status_code == HTTPStatus.UNPROCESSABLE_ENTITY, typo.text
    assert typo.json()["detail"][0]["loc"] == ["body", "nmae"]

    # Delete: a team's heroes stay, without it.
    call("heroes_update_hero", HTTPStatus.OK, hero_id=hero.id, body=models.HeroUpdate(team_id=team.id))
    call("teams_delete_team", HTTPStatus.NO_CONTENT, team_id=team.id)
    call("teams_get_team", HTTPStatus.NOT_FOUND, team_id=team.id)
    assert call("heroes_get_hero", HTTPStatus.OK, hero_id=hero.id).team is None
    call("heroes_delete_hero", HTTPStatus.NO_CONTENT, hero_id=hero.id)
    call("heroes_get_hero", HTTPStatus.NOT_FOUND, hero_id=hero.id)
    assert call("heroes_list_heroes", HTTPStatus.OK).total == 0


def assert_operation_ids(package: ModuleType) -> None:
    api = Path(package.__file__).parent / "api"
    found = {
        tag.name: {module.stem for module in tag.glob("*.py") if module.stem != "__init__"}
        for tag in api.iterdir()
        if tag.is_dir()
    }
    assert found == OPERATIONS


def assert_responses_have_no_unset_fields(models: ModuleType) -> None:
    """Every field a response always carries is required, so the client types it without `Unset`."""
    responses = [
        model
        for name, model in vars(models).items()
        if isinstance(model, type) and ("Public" in name or name.startswith("Page") or name == "ErrorBody")
    ]
    assert {"TeamPublic", "HeroPublicWithTeam", "PageTeamPublic", "UserPublic"} <= {m.__name__ for m in responses}
    responses.append(models.TokenPair)
    optional = {
        f"{model.__name__}.{field.name}": str(field.type)
        for model in responses
        for field in attrs.fields(model)
        if "Unset" in str(field.type)
    }
    assert optional == {}


def assert_requests_refuse_unknown_fields(models: ModuleType) -> None:
    """Request bodies forbid unknown fields, so the client has no way to send a typo."""
    for name in ("TeamCreate", "TeamUpdate", "HeroCreate", "HeroUpdate"):
        fields = {field.name for field in attrs.fields(getattr(models, name))}
        assert "additional_properties" not in fields, name
