"""Generated suites never destroy data they did not create: they run in a database of their own.

A developer's TEST_DATABASE_URL may name a database that holds data (or is migrated, which the
old suites downgraded to nothing at the end): the suite creates a database next to it, drops it
afterwards, and leaves the named one as it found it; without the right to create one it refuses.
"""

import asyncio
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from conftest import POSTGRES_ADMIN_URL, render, run
from sqlalchemy import make_url

KEEPSAKE = "CREATE TABLE keepsake (note text); INSERT INTO keepsake VALUES ('written by hand')"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("own-databases"), entities="team, hero:team", many_to_many="")


def suite_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_URL", "DATABASE_URL"}}
    return {**env, **extra}


def dsn(url: str) -> str:
    """The asyncpg form of a SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _postgres(url: str, *statements: str) -> list[list[tuple[object, ...]]]:
    connection = await asyncpg.connect(dsn(url), timeout=5)
    try:
        return [[tuple(row) for row in await connection.fetch(sql)] for sql in statements]
    finally:
        await connection.close()


def postgres_snapshot(url: str) -> list[list[tuple[object, ...]]]:
    """Tables, the migration version and the hand-written row: what the suite must leave alone."""
    return asyncio.run(
        _postgres(
            url,
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
            "SELECT version_num FROM alembic_version",
            "SELECT note FROM keepsake",
        )
    )


def databases_named_like(url: str) -> list[str]:
    name = make_url(url).database
    [rows] = asyncio.run(_postgres(url, f"SELECT datname FROM pg_database WHERE datname LIKE '{name}_test_%'"))
    return [str(datname) for (datname,) in rows]


def migrate_and_keep_a_row(project: Path, url: str) -> None:
    """The database a developer works in: migrated, with a table and a row of their own."""
    run(["alembic", "upgrade", "head"], cwd=project, env=suite_env(DATABASE_URL=url))
    if make_url(url).get_backend_name() == "sqlite":
        with sqlite3.connect(str(make_url(url).database)) as connection:
            connection.executescript(KEEPSAKE)
    else:
        asyncio.run(_postgres(url, *KEEPSAKE.split("; ")))


def test_a_migrated_postgresql_database_with_rows_is_left_as_it_was(project: Path, postgres_database: str) -> None:
    migrate_and_keep_a_row(project, postgres_database)
    before = postgres_snapshot(postgres_database)
    assert before[2] == [("written by hand",)]

    output = run(["pytest", "-p", "no:cacheprovider"], cwd=project, env=suite_env(TEST_DATABASE_URL=postgres_database))
    assert "database: postgresql+asyncpg" in output and " passed" in output

    assert postgres_snapshot(postgres_database) == before
    assert databases_named_like(postgres_database) == []  # the suite's own database is gone


@pytest.fixture
def role_without_createdb(postgres_database: str) -> Iterator[str]:
    """postgres_database's URL, as a role that may connect but not create databases."""
    role = f"template_nocreatedb_{uuid.uuid4().hex[:8]}"
    asyncio.run(_postgres(postgres_database, f'CREATE ROLE "{role}" LOGIN NOCREATEDB'))
    try:
        yield make_url(postgres_database).set(username=role, password=None).render_as_string(hide_password=False)
    finally:
        asyncio.run(_postgres(POSTGRES_ADMIN_URL, f'DROP ROLE IF EXISTS "{role}"'))


def test_without_the_right_to_create_a_database_the_suite_refuses(
    project: Path, postgres_database: str, role_without_createdb: str
) -> None:
    migrate_and_keep_a_row(project, postgres_database)
    before = postgres_snapshot(postgres_database)
    # Named in .env this time, as a developer would keep it.
    env_file = project / ".env"
    env_file.write_text(f"TEST_DATABASE_URL={role_without_createdb}\n")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"],
            cwd=project,
            env=suite_env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        env_file.unlink()
    output = result.stdout + result.stderr
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output[-3000:]
    assert "The tests run in a database of their own, and could not create one" in output
    assert "permission denied to create database" in output
    assert "The database it names was not touched" in output
    assert postgres_snapshot(postgres_database) == before


def test_a_sqlite_file_is_left_as_it_was(project: Path, tmp_path: Path) -> None:
    database = tmp_path / "work.db"
    url = f"sqlite+aiosqlite:///{database}"
    migrate_and_keep_a_row(project, url)
    before = database.read_bytes()

    output = run(["pytest", "-p", "no:cacheprovider"], cwd=project, env=suite_env(TEST_DATABASE_URL=url))
    assert "database: sqlite+aiosqlite" in output and " passed" in output
    assert database.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["work.db"]
