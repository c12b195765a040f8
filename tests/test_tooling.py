"""The generated project's tooling files agree with each other, with README, and with the options."""

import asyncio
import os
import re
import subprocess
import tomllib
import uuid
from pathlib import Path

import asyncpg
import pytest
import yaml
from conftest import POSTGRES_ADMIN_URL, render
from served import migrate
from sqlalchemy import make_url

MAKE_TARGETS = ("install", "run", "test", "lint", "format", "migrate", "revision")


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp(request.param), database=request.param)


def database(project: Path) -> str:
    return project.parent.name.rstrip("0123456789")


def test_every_make_target_exists_and_parses(project: Path) -> None:
    dry_run = subprocess.run(
        ["make", "--dry-run", *MAKE_TARGETS, "m=add hero rank"], cwd=project, capture_output=True, text=True
    )
    assert dry_run.returncode == 0, dry_run.stderr
    assert '.venv/bin/alembic revision --autogenerate -m "add hero rank"' in dry_run.stdout


def test_readme_and_ci_use_only_targets_the_makefile_has(project: Path) -> None:
    makefile = (project / "Makefile").read_text()
    defined = set(re.findall(r"^([a-z]+):", makefile, re.MULTILINE))
    assert set(MAKE_TARGETS) <= defined
    readme = (project / "README.md").read_text()
    workflow = (project / ".github" / "workflows" / "ci.yml").read_text()
    used = set(re.findall(r"\bmake ([a-z]+)", readme + workflow))
    assert used and used <= defined, used - defined


def test_compose_has_postgresql_only_when_chosen(project: Path) -> None:
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    services = compose["services"]
    assert services["migrate"]["command"] == ["alembic", "upgrade", "head"]
    assert services["api"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    url = compose["x-app"]["environment"]["DATABASE_URL"]
    if database(project) == "postgresql":
        assert "pg_isready" in services["db"]["healthcheck"]["test"][1]
        assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
        assert url.startswith("postgresql+asyncpg://") and "@db:5432/" in url
    else:
        assert set(services) == {"migrate", "api"}
        assert url.startswith("sqlite+aiosqlite:////app/data/")


def test_ci_lints_and_tests_against_the_chosen_database(project: Path) -> None:
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    job = workflow["jobs"]["check"]
    assert [step.get("run") for step in job["steps"][2:]] == ["uv sync --locked", "make lint", "make test"]
    if database(project) == "postgresql":
        assert job["services"]["postgres"]["image"].startswith("postgres:")
        assert job["env"]["TEST_DATABASE_URL"].startswith("postgresql+asyncpg://")
    else:
        assert "services" not in job and "env" not in job


def test_the_image_is_built_with_uv_and_runs_as_a_non_root_user(project: Path) -> None:
    dockerfile = (project / "Dockerfile").read_text()
    assert "uv sync --locked --no-dev" in dockerfile
    final_stage = dockerfile.split("\nFROM ")[-1]
    assert "\nUSER app\n" in final_stage and "uvicorn" in final_stage
    assert ("/app/data" in dockerfile) is (database(project) == "sqlite")


def test_the_image_holds_production_dependencies_only_and_checks_its_health(project: Path) -> None:
    dockerfile = (project / "Dockerfile").read_text()
    installs = re.findall(r"RUN uv sync (.*)", dockerfile)
    assert installs and all("--no-dev" in install for install in installs)
    final_stage = dockerfile.split("\nFROM ")[-1]
    assert re.search(r"^HEALTHCHECK .*\n.*/health/live", final_stage, re.MULTILINE)
    assert "--reload" not in dockerfile
    runtime = tomllib.loads((project / "pyproject.toml").read_text())["project"]["dependencies"]
    # uvicorn[standard] brings the reloader (watchfiles) and websockets.
    assert not [requirement for requirement in runtime if "[standard]" in requirement]


def test_every_way_to_run_it_turns_off_uvicorns_access_log(project: Path) -> None:
    # Uvicorn's access log writes query strings, which may hold personal data.
    dockerfile = (project / "Dockerfile").read_text()
    [command] = re.findall(r"^CMD (.*)$", dockerfile, re.MULTILINE)
    assert '"--no-access-log"' in command
    dry_run = subprocess.run(["make", "--dry-run", "run"], cwd=project, capture_output=True, text=True)
    assert "--no-access-log" in dry_run.stdout.splitlines()[-1]
    readme = (project / "README.md").read_text()
    served = re.findall(r"`(uvicorn [^`]*)`", readme)
    assert served and all("--no-access-log" in line for line in served)


def test_the_guide_and_its_skill_are_one_text(project: Path) -> None:
    guide = (project / "AGENTS.md").read_text()
    [skill] = (project / ".agents" / "skills").glob("*/SKILL.md")
    assert skill.parent.name == project.name
    header, body = skill.read_text().removeprefix("---\n").split("\n---\n", 1)
    assert body == guide
    front = yaml.safe_load(header)
    assert front["name"] == project.name and len(front["description"]) > 40
    # The guide speaks of this project: its package, its first entity, its own commands.
    assert "src/hero_service/" in guide and "TeamCreate" in guide and "make test" in guide
    assert "{{" not in guide and "cookiecutter." not in guide


def test_compose_connects_as_a_role_that_is_not_the_superuser(project: Path, postgres_database: str) -> None:
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    if database(project) == "sqlite":
        assert not (project / "create-db-role.sh").exists()
        return
    url = make_url(compose["x-app"]["environment"]["DATABASE_URL"])
    db = compose["services"]["db"]
    assert url.username == db["environment"]["APP_DB_USER"] != "postgres"
    assert url.password == db["environment"]["APP_DB_PASSWORD"]
    assert "./create-db-role.sh:/docker-entrypoint-initdb.d/create-db-role.sh:ro" in db["volumes"]
    # The script as PostgreSQL's image runs it, here against a database of the test's own.
    admin, target = make_url(POSTGRES_ADMIN_URL), make_url(postgres_database)
    role = f"template_role_{uuid.uuid4().hex[:8]}"
    environment = {
        **os.environ,
        "PGHOST": admin.host or "127.0.0.1",
        "PGPORT": str(admin.port or 5432),
        "POSTGRES_USER": admin.username or "postgres",
        "POSTGRES_DB": target.database or "",
        "APP_DB_USER": role,
        "APP_DB_PASSWORD": "not-the-superuser",
    }
    script = subprocess.run(["sh", "create-db-role.sh"], cwd=project, env=environment, capture_output=True, text=True)
    assert script.returncode == 0, script.stdout + script.stderr
    try:
        as_role = target.set(username=role, password="not-the-superuser").render_as_string(hide_password=False)
        migrate(project, as_role)  # the role may create the tables it serves
        superuser = asyncio.run(_fetch(f"SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = '{role}'"))
        assert superuser is False
    finally:
        asyncio.run(_fetch(f'ALTER DATABASE "{target.database}" OWNER TO CURRENT_USER', target.database))
        asyncio.run(_fetch(f'DROP OWNED BY "{role}"', target.database))
        asyncio.run(_fetch(f'DROP ROLE "{role}"'))


async def _fetch(sql: str, database: str | None = None) -> object:
    url = make_url(POSTGRES_ADMIN_URL)
    if database:
        url = url.set(database=database)
    connection = await asyncpg.connect(url.render_as_string(hide_password=False), timeout=5)
    try:
        return await connection.fetchval(sql)
    finally:
        await connection.close()


def test_pre_commit_runs_the_projects_own_ruff_and_mypy(project: Path) -> None:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
    assert entries == [".venv/bin/ruff check --fix", ".venv/bin/ruff format", ".venv/bin/mypy"]


def test_pyproject_brings_greenlet_and_the_chosen_driver(project: Path) -> None:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    runtime = pyproject["project"]["dependencies"]
    assert any(requirement.startswith("sqlmodel[asyncio]") for requirement in runtime)
    driver = "asyncpg" if database(project) == "postgresql" else "aiosqlite"
    assert any(requirement.startswith(driver) for requirement in runtime)
