"""The compare command: two variants from the same answers, as a diff and a summary."""

import subprocess
import sys

import pytest
from conftest import TEMPLATE

SPEC = "entities=team, hero:team"


def compare(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sqlmodel_scaffold.compare", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=TEMPLATE, timeout=300)


def test_two_databases_differ_only_where_the_option_reaches() -> None:
    result = compare("--left", "database=postgresql", "--right", "database=sqlite", SPEC)
    assert result.returncode == 0, result.stderr
    summary = result.stdout.split("\n\n")[-1]
    assert summary.startswith("12 files differ between left (database=postgresql) and right (database=sqlite):")
    assert "  create-db-role.sh (only in left): " in summary  # compose's service role, PostgreSQL only
    assert "  domain.yaml: +1 -1" in summary
    assert "  src/hero_service/core/settings.py: +1 -1" in summary
    assert "  compose.yaml: " in summary
    assert "heroes/" not in summary  # entity code does not depend on the database
    assert '-    database_url: str = "postgresql+asyncpg://' in result.stdout
    assert '+    database_url: str = "sqlite+aiosqlite:///./hero_service.db"' in result.stdout


def test_the_same_answers_render_identical_trees() -> None:
    result = compare(
        "--left", "database=sqlite", "--right", "database=sqlite", "entities=hero, power", "many_to_many=hero+power"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 files differ between left (database=sqlite) and right (database=sqlite):"


def test_a_bad_override_is_one_error_line() -> None:
    result = compare("--left", "databse=sqlite")
    assert result.returncode == 1
    assert result.stderr == (
        "ERROR: 'databse=sqlite' is not key=value with a key from cookiecutter.json (e.g. database=sqlite)\n"
    )


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ("database=oracle", "ERROR: database 'oracle' is not one of postgresql, sqlite\n"),
        ("soft_delete=maybe", "ERROR: soft_delete must be yes or no (true/false), not 'maybe'\n"),
        ("entities=class", "ERROR: entity 'class': 'class' is a Python keyword"),
    ],
)
def test_a_bad_value_is_one_error_line_without_a_traceback(override: str, error: str) -> None:
    result = compare("--left", override)
    assert result.returncode == 1
    assert result.stderr.startswith(error), result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


def test_pagination_styles_differ_in_code_but_not_in_the_schema() -> None:
    result = compare("--left", "pagination=offset", "--right", "pagination=cursor", SPEC)
    assert result.returncode == 0, result.stderr
    summary = result.stdout.split("\n\n")[-1]
    assert "  src/hero_service/core/pagination.py: " in summary
    assert "  src/hero_service/heroes/router.py: " in summary
    assert "migrations/" not in summary and "models.py" not in summary
    assert "+    next_cursor: str | None" in result.stdout


def test_key_types_reach_the_models_and_the_migration() -> None:
    result = compare("--left", "primary_key=int", "--right", "primary_key=uuid", SPEC)
    assert result.returncode == 0, result.stderr
    summary = result.stdout.split("\n\n")[-1]
    for path in ("migrations/versions/0001_initial.py", "src/hero_service/heroes/models.py", "pyproject.toml"):
        assert f"  {path}: " in summary, path
    assert '+        sa.Column("id", sa.Uuid(), nullable=False),' in result.stdout
