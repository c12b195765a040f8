"""Day two, as a user walks it: a project generated without uv grows by `add`, keeps its data and edits.

Generate a lending library from a YAML config file (pip route), edit a file, load rows into a
PostgreSQL database, add an entity that references existing ones, another, and a pair with
fields; migrate that database; add a unique field by hand and autogenerate its revision against
PostgreSQL; run the suite on SQLite. Then a replay of the answers file regenerates the extended
project, and a spec `add` refuses changes nothing.
"""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
import yaml
from conftest import SPECS, TEMPLATE
from sqlalchemy import make_url
from test_hook import environment, generate, git

from sqlmodel_scaffold import hooks, project_tests
from sqlmodel_scaffold import sync as scaffold_sync

NEW_ENTITIES = "branch { name: str(80) unique, city: str(80)? }; copy(copies) { book: book, branch: branch, barcode: str(20) unique }"
NEW_PAIRS = "member+branch { since: date? }"
EDIT = '\n\n# A note of the team\'s own: add must keep it.\nTEAM_NOTE = "kept"\n'
UNIQUE_FIELD = "    code: str | None = Field(default=None, max_length=10, unique=True)\n"


def add(project: Path, env: dict[str, str], *answers: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sqlmodel_scaffold.add", str(project), *answers]
    return subprocess.run(command, cwd=TEMPLATE, env=env, capture_output=True, text=True, timeout=900)


def tool(project: Path, name: str, *args: str, env: dict[str, str]) -> str:
    """One of the project's own tools (its .venv), as `make` would run it; fail with its output."""
    result = subprocess.run(
        [str(project / ".venv" / "bin" / name), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{name} {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout + result.stderr


async def _sql(url: str, *statements: str) -> list[list[tuple[object, ...]]]:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn, timeout=5)
    try:
        return [[tuple(row) for row in await connection.fetch(sql)] for sql in statements]
    finally:
        await connection.close()


def sql(url: str, *statements: str) -> list[list[tuple[object, ...]]]:
    return asyncio.run(_sql(url, *statements))


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The library, generated from a config file on the pip route (no uv on PATH), tested and committed."""
    tmp_path = tmp_path_factory.mktemp("day-two")
    entities, many_to_many = SPECS["library"]
    config = tmp_path / "library.yaml"
    answers = {
        "project_name": "Library Desk",
        "entities": entities,
        "many_to_many": many_to_many,
        "database": "postgresql",
    }
    config.write_text(yaml.safe_dump({"default_context": answers}))
    env = environment(tmp_path, with_uv=False)
    result = generate(tmp_path / "out", env, "--config-file", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp_path / "out" / "library-desk", env


def test_add_grows_a_project_that_holds_data_and_edits(
    library: tuple[Path, dict[str, str]], postgres_database: str
) -> None:
    project, env = library
    assert (project / "uv.lock").is_file()
    service = project / "src" / "library_desk" / "books" / "service.py"
    service.write_text(service.read_text() + EDIT)
    initial = (project / "migrations" / "versions" / "0001_initial.py").read_bytes()
    database = {**env, "DATABASE_URL": postgres_database}
    tool(project, "alembic", "upgrade", "head", env=database)
    sql(
        postgres_database,
        "INSERT INTO author (name, created_at, updated_at) VALUES ('Ursula', now(), now())",
        "INSERT INTO book (title, isbn, author_id, status, created_at, updated_at) "
        "VALUES ('Earthsea', '978-0', 1, 'in_print', now(), now())",
        "INSERT INTO member (email, full_name, created_at, updated_at) VALUES ('ann@example.com', 'Ann', now(), now())",
    )

    added = add(project, env, f"entities={NEW_ENTITIES}", f"many_to_many={NEW_PAIRS}")
    assert added.returncode == 0, added.stdout + added.stderr
    assert " passed" in added.stdout and "failed" not in added.stdout
    [revision] = (project / "migrations" / "versions").glob("0002_*.py")
    assert revision.name == "0002_add_branch_copy_member_branch_link.py"
    assert (project / "migrations" / "versions" / "0001_initial.py").read_bytes() == initial
    assert service.read_text().endswith(EDIT)

    tool(project, "alembic", "upgrade", "head", env=database)
    assert "No new upgrade operations detected" in tool(project, "alembic", "check", env=database)
    rows = sql(postgres_database, "SELECT title FROM book", "SELECT email FROM member", "SELECT count(*) FROM copy")
    assert rows == [[("Earthsea",)], [("ann@example.com",)], [(0,)]]
    tool(project, "ruff", "check", ".", env=env)
    tool(project, "ruff", "format", "--check", ".", env=env)
    tool(project, "mypy", env=env)

    # A unique field by hand, its revision autogenerated against PostgreSQL, the suite on SQLite.
    models = project / "src" / "library_desk" / "branches" / "models.py"
    base = "class BranchBase(SQLModel):\n"
    models.write_text(models.read_text().replace(base, base + UNIQUE_FIELD))
    tool(project, "alembic", "revision", "--autogenerate", "-m", "add branch code", env=database)
    tool(project, "alembic", "upgrade", "head", env=database)
    assert "No new upgrade operations detected" in tool(project, "alembic", "check", env=database)
    suite = tool(
        project,
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        env={k: v for k, v in env.items() if k != "TEST_DATABASE_URL"},
    )
    assert " passed" in suite and "failed" not in suite

    # The answers file now replays the extended project.
    replayed = subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--replay-file", str(project / ".cookiecutter-replay.json"),
         "-o", str(project.parent.parent / "replayed"), str(TEMPLATE)],
        env={**env, "SQLMODEL_TEMPLATE_RUN_TESTS": "0"}, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert replayed.returncode == 0, replayed.stderr
    again = project.parent.parent / "replayed" / "library-desk"
    for path in ("src/library_desk/copies/router.py", "src/library_desk/links/member_branch/router.py"):
        assert (again / path).is_file(), path


def test_a_refused_spec_changes_nothing(library: tuple[Path, dict[str, str]]) -> None:
    project, env = library
    before = git(project, "status", "--porcelain")
    for answers, error in (
        (("entities=shelf { book: nobook }",), "ERROR: shelf.book: 'nobook' is neither a type"),
        (("entities=author",), "ERROR: entity 'author' is listed twice"),
        (("many_to_many=book+genre",), "ERROR: many_to_many links 'book' and 'genre' twice"),
        (("colour=blue",), "ERROR: 'colour=blue' is not entities=... or many_to_many=..."),
    ):
        result = add(project, env, *answers)
        assert result.returncode == 1
        assert result.stderr.startswith(error), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert git(project, "status", "--porcelain") == before


def test_add_needs_a_generated_project(tmp_path: Path) -> None:
    result = add(tmp_path, os.environ.copy(), "entities=shelf")
    assert result.returncode == 1
    assert result.stderr.startswith(f"ERROR: {tmp_path} has no .cookiecutter-replay.json"), result.stderr


def test_the_project_tests_after_add_and_sync_can_be_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def run_anyway(*_args: object) -> tuple[bool, str]:
        raise AssertionError("the tests ran although SQLMODEL_TEMPLATE_RUN_TESTS=0")

    monkeypatch.setattr(hooks, "run_tests", run_anyway)
    monkeypatch.setattr(project_tests, "is_installed", lambda _project: True)
    monkeypatch.setenv("SQLMODEL_TEMPLATE_RUN_TESTS", "0")
    assert scaffold_sync.run_tests(tmp_path) == 0
    assert "Tests skipped: SQLMODEL_TEMPLATE_RUN_TESTS is off." in capsys.readouterr().out
