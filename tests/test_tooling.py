"""The generated project's tooling files agree with each other, with README, and with the options."""

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import render

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
