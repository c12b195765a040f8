"""`make migrate` against a database that is missing or does not answer: one ERROR line that says
what failed, where (without the password) and how to fix it; no traceback, exit status 1.

The rendered project runs on this interpreter (its test extra has the project's dependencies),
with `src` on the path instead of an install."""

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from conftest import POSTGRES_ADMIN_URL, render
from sqlalchemy import make_url

PASSWORD = "s3cret-pw"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("migrate-errors"))


def migrate(project: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    """What `make migrate` runs, with DATABASE_URL set."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(project / "src")}
    return subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_error_line(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output, output
    [line] = output.strip().splitlines()
    assert line.startswith("ERROR: cannot migrate "), line
    assert PASSWORD not in line
    for text in expected:
        assert text in line


def test_a_missing_database_names_it_and_says_how_to_create_it(project: Path, postgres_server: None) -> None:
    # As a hosting platform writes it: no driver in the URL.
    url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgres", password=PASSWORD, database="ops_never_created")
    result = migrate(project, url.render_as_string(hide_password=False))
    shown = url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=True)
    assert_one_error_line(result, shown, 'database "ops_never_created" does not exist', "createdb ")


def test_a_server_that_does_not_answer_is_one_line(project: Path) -> None:
    # Nothing listens on the discard port.
    result = migrate(project, f"postgresql://postgres:{PASSWORD}@127.0.0.1:9/hero_service")
    assert_one_error_line(result, "postgresql+asyncpg://postgres:***@127.0.0.1:9/hero_service", "server running")


def test_a_sqlite_file_in_a_missing_folder_is_one_line(project: Path) -> None:
    result = migrate(project, "sqlite:///./no-such-folder/hero.db")
    assert_one_error_line(result, "sqlite+aiosqlite:///./no-such-folder/hero.db", "folder")


def test_a_database_that_answers_is_migrated(project: Path, tmp_path: Path) -> None:
    # The same route without a failure: the upgrade runs and commits.
    database = tmp_path / "hero.db"
    result = migrate(project, f"sqlite:///{database}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Running upgrade  -> 0001" in result.stderr
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
