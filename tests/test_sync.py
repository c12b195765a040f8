"""`sync`: a project generated from domain A and synced to B is a project generated from B.

The property (SPEC section 7), over random pairs from the domain fuzzer: with no user edits, the
synced tree equals a fresh generation of B byte for byte outside migrations/versions/, and a
database upgraded through A's revisions and sync's has the schema B's `0001` makes, on SQLite and
PostgreSQL. Then the cases with edits and rows: an edit elsewhere survives, an edit on the changed
lines is a conflict that writes nothing, renamed and backfilled values are there, a change that
rows break fails before it changes anything, and a refused spec changes nothing.

TEMPLATE_SYNC_SEED and TEMPLATE_SYNC_EXAMPLES run other samples.
"""

import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import TEMPLATE, render
from fuzz_domains import Edit, edit
from sqlalchemy import inspect, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from sqlmodel_scaffold.domain_file import DOMAIN_FILE, domain_yaml

SEED = int(os.environ.get("TEMPLATE_SYNC_SEED", "0"))
EXAMPLES = int(os.environ.get("TEMPLATE_SYNC_EXAMPLES", "6"))
SEEDS = range(SEED, SEED + EXAMPLES)


def sync(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SQLMODEL_TEMPLATE_RUN_TESTS": "0"}
    command = [sys.executable, "-m", "sqlmodel_scaffold.sync", str(project), *args]
    return subprocess.run(command, cwd=TEMPLATE, env=env, capture_output=True, text=True, timeout=600)


def alembic(project: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "-m", "alembic", *args]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600)


def migrate(project: Path, url: str, *args: str) -> str:
    done = alembic(project, url, *(args or ("upgrade", "head")))
    assert done.returncode == 0, done.stderr[-1200:]
    return done.stdout + done.stderr


def edit_domain(project: Path, changes: dict[str, Any]) -> None:
    """domain.yaml as a user leaves it: every answer, some of them changed."""
    applied = json.loads((project / ".cookiecutter-replay.json").read_text(encoding="utf-8"))["cookiecutter"]
    (project / DOMAIN_FILE).write_text(domain_yaml({**applied, **changes}), encoding="utf-8")


# --- schemas, reflected -------------------------------------------------------------------


def schema(url: str) -> dict[str, Any]:
    """Every table's columns, types, nullability, server defaults, indexes, unique and CHECK
    constraints and foreign keys, in a form that does not depend on their order."""
    return asyncio.run(_schema(url))


async def _schema(url: str) -> dict[str, Any]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            found: dict[str, Any] = await connection.run_sync(_reflect)
    finally:
        await engine.dispose()
    if make_url(url).get_backend_name() == "sqlite":
        for table, (checks, indexes) in _sqlite_parts(str(make_url(url).database)).items():
            if table in found:
                found[table]["checks"] = checks
                found[table]["indexes"] = indexes
    return found


def _reflect(connection: Connection) -> dict[str, Any]:
    inspector = inspect(connection)
    found = {}
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        columns = {
            c["name"]: (str(c["type"]), c["nullable"], _default(c.get("default"))) for c in inspector.get_columns(table)
        }
        indexes = {
            i["name"]: (
                tuple(i["column_names"]),
                tuple(str(e) for e in i.get("expressions") or ()),
                bool(i["unique"]),
                tuple(sorted((k, str(v)) for k, v in (i.get("dialect_options") or {}).items())),
            )
            for i in inspector.get_indexes(table)
        }
        uniques = {u["name"]: tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)}
        checks = {c["name"]: " ".join(str(c["sqltext"]).split()) for c in inspector.get_check_constraints(table)}
        keys = {
            k["name"]: (tuple(k["constrained_columns"]), k["referred_table"], tuple(k["referred_columns"]),
                        (k.get("options") or {}).get("ondelete"))
            for k in inspector.get_foreign_keys(table)
        }  # fmt: skip
        primary = tuple(inspector.get_pk_constraint(table)["constrained_columns"])
        found[table] = {"columns": columns, "indexes": indexes, "uniques": uniques, "checks": checks,
                        "foreign_keys": keys, "primary_key": primary}  # fmt: skip
    return found


def _default(value: Any) -> str | None:
    """A server default as text; SQLite keeps the parentheses a table copy adds around it."""
    if value is None:
        return None
    text = str(value)
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return text


def _sqlite_parts(path: str) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """SQLite's CHECKs and indexes by name, read from their SQL (what the database enforces):
    SQLAlchemy reflects no index on an expression there."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    found: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    for kind, name, table, sql in rows:
        checks, indexes = found.setdefault(table, ({}, {}))
        if kind == "table":
            for part in sql.split("CONSTRAINT ")[1:]:
                constraint, _, rest = part.partition(" ")
                if rest.startswith("CHECK"):
                    checks[constraint] = " ".join(_balanced(rest[rest.index("(") :]).split())
        elif kind == "index" and sql is not None:  # None: the primary key's own
            indexes[name] = " ".join(sql.replace('"', "").split())
    return found


def _balanced(text: str) -> str:
    """The parenthesised expression `text` starts with (quotes respected)."""
    depth, quote = 0, ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return text[: index + 1]
    return text


def database(kind: str, tmp_path: Path, name: str, request: pytest.FixtureRequest) -> str:
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / f'{name}.db'}"
    url: str = request.getfixturevalue("postgres_database")
    if name == "fresh":  # a second database on the same server
        url = request.getfixturevalue("second_postgres_database")
    return url


@pytest.fixture
def second_postgres_database(postgres_server: None) -> Any:
    import uuid

    from conftest import POSTGRES_ADMIN_URL, _admin

    name = f"sync_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


# --- the property ---------------------------------------------------------------------------


def synced_pair(pair: Edit, tmp_path: Path) -> tuple[Path, Path]:
    """A generated from the pair's first domain and synced to the second; B generated afresh."""
    a = render(tmp_path / "a", **pair.before)
    edit_domain(a, pair.after)
    done = sync(a, *pair.arguments)
    assert done.returncode == 0, f"{pair.kinds} {pair.arguments}\n{done.stdout}{done.stderr}"
    b = render(tmp_path / "b", **pair.after)
    return a, b


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_synced_project_is_a_fresh_generation(
    seed: int, kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    pair = edit(seed)
    a, b = synced_pair(pair, tmp_path)
    assert _outside_versions(a, b) == [], pair

    upgraded = database(kind, tmp_path, "synced", request)
    fresh = database(kind, tmp_path, "fresh", request)
    migrate(a, upgraded)
    migrate(b, fresh)
    assert_same_schema(schema(upgraded), schema(fresh), pair)
    # The revision's downgrade brings A's schema back, and its upgrade runs again.
    if list((a / "migrations" / "versions").glob("0002_*.py")):
        before = database(kind, tmp_path, "before", request) if kind == "sqlite" else None
        migrate(a, upgraded, "downgrade", "0001")
        if before is not None:
            original = render(tmp_path / "original", **pair.before)
            migrate(original, before)
            assert_same_schema(schema(upgraded), schema(before), pair)
        migrate(a, upgraded)


def assert_same_schema(got: dict[str, Any], wanted: dict[str, Any], pair: Edit) -> None:
    differences = [f"table {t}: only on one side" for t in got.keys() ^ wanted.keys()]
    for table in got.keys() & wanted.keys():
        for part, items in got[table].items():
            other = wanted[table][part]
            if items != other:
                if isinstance(items, dict):
                    for name in sorted(items.keys() | other.keys()):
                        if items.get(name) != other.get(name):
                            differences.append(f"{table} {part} {name}: {items.get(name)} != {other.get(name)}")
                else:
                    differences.append(f"{table} {part}: {items} != {other}")
    assert not differences, f"{pair.kinds} {pair.arguments}:\n" + "\n".join(differences)


def _outside_versions(a: Path, b: Path) -> list[str]:
    shutil.rmtree(a / "migrations" / "versions" / "__pycache__", ignore_errors=True)
    left = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    right = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    differ = sorted((left ^ right) | {n for n in left & right if (a / n).read_bytes() != (b / n).read_bytes()})
    return [n for n in differ if not n.startswith("migrations/versions/") and "__pycache__" not in n]
