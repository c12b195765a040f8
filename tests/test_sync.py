"""`sync`: a project generated from domain A and synced to B is a project generated from B.

The property (SPEC section 7), over random pairs from the domain fuzzer: with no user edits, the
synced tree equals a fresh generation of B byte for byte outside migrations/versions/, and a
database upgraded through A's revisions and sync's has the schema B's `0001` makes, on SQLite and
PostgreSQL. Then the cases with edits and rows: an edit elsewhere survives, an edit on the changed
lines is a conflict that writes nothing, renamed and backfilled values are there, a change that
rows break fails before it changes anything, a refused spec changes nothing, and an owned
entity (auth=users) joins a project that holds rows: its service and suite work.

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
from conftest import TEMPLATE, fresh_postgres_database, render
from fuzz_domains import Edit, edit
from sqlalchemy import inspect, make_url, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from sqlmodel_scaffold.domain_file import DOMAIN_FILE, domain_yaml

SEED = int(os.environ.get("TEMPLATE_SYNC_SEED", "0"))
EXAMPLES = int(os.environ.get("TEMPLATE_SYNC_EXAMPLES", "2"))
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


TRIGGERS = "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"


def schema(url: str) -> dict[str, Any]:
    """Every table's columns, types, nullability, server defaults, indexes, unique and CHECK
    constraints and foreign keys, in a form that does not depend on their order."""
    return asyncio.run(_schema(url))


async def _schema(url: str) -> dict[str, Any]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            found: dict[str, Any] = await connection.run_sync(_reflect)
            if connection.dialect.name == "postgresql":
                # Triggers too (auth=users' trigger on "user"), which SQLAlchemy does not reflect.
                triggers = (await connection.execute(text(TRIGGERS))).all()
                for table in found:
                    found[table]["triggers"] = sorted(name for on, name in triggers if on == table)
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
    with fresh_postgres_database("sync") as url:
        yield url


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


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_switching_users_on_is_a_fresh_generation_with_its_env(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    before = {"entities": "team, hero:team", "database": kind, "auth": "none"}
    pair = Edit(0, before, {**before, "auth": "users"}, ("option",), (), (), False)
    a, b = synced_pair(pair, tmp_path)
    assert _outside_versions(a, b) == []
    assert "FIRST_SUPERUSER_PASSWORD=" in (a / ".env").read_text(encoding="utf-8")
    upgraded, fresh = database(kind, tmp_path, "synced", request), database(kind, tmp_path, "fresh", request)
    migrate(a, upgraded)
    migrate(b, fresh)
    assert {"user", "refresh_token", "login_failure"} <= schema(upgraded).keys()
    if kind == "postgresql":  # the trigger that tells every worker of a changed user
        assert schema(upgraded)["user"]["triggers"] == ["user_changed"]
    assert_same_schema(schema(upgraded), schema(fresh), pair)
    # And off again, and on again: the trigger's function is made again over the one left.
    migrate(a, upgraded, "downgrade", "0001")
    migrate(a, upgraded)
    assert_same_schema(schema(upgraded), schema(fresh), pair)


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
    # `.env`: a new key and password in every generation (auth=users).
    return [n for n in differ if not n.startswith("migrations/versions/") and "__pycache__" not in n and n != ".env"]


# --- edits and rows -------------------------------------------------------------------------

LIBRARY = (
    "author { name: str(120), born_on: date? }\n"
    "book { title: str(200), isbn: str(17) unique, author: author, status: enum(draft|live) = draft, pages: int? >= 1 }"
)
USER_LINE = '\n\n# The team\'s own note: sync keeps it.\nTEAM_NOTE = "kept"\n'


def snapshot(project: Path) -> dict[str, bytes]:
    return {p.relative_to(project).as_posix(): p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file()}


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def test_sync_keeps_rows_and_edits_renames_and_backfills(tmp_path: Path) -> None:
    project = render(tmp_path, project_name="Library Desk", entities=LIBRARY, database="sqlite")
    package = project / "src" / "library_desk"
    models = package / "books" / "models.py"
    models.write_text(models.read_text() + USER_LINE)
    db = tmp_path / "library.db"
    url = f"sqlite+aiosqlite:///{db}"
    migrate(project, url)
    with sqlite3.connect(db) as connection:
        connection.executescript(
            "INSERT INTO author (name, created_at, updated_at) VALUES ('Ursula', 1, 1);"
            "INSERT INTO book (title, isbn, author_id, status, pages, created_at, updated_at)"
            " VALUES ('Earthsea', '978-0', 1, 'live', 200, 1, 1);"
        )

    edit_domain(project, {"entities": LIBRARY.replace("name: str(120)", "full_name: str(120)").replace(
        "pages: int? >= 1", "pages: int >= 1, room: str(10)").replace("draft|live", "draft|live|gone")})  # fmt: skip
    refused = sync(project)  # a rename without --rename is a drop, and room needs a value
    assert refused.returncode == 1 and refused.stderr.startswith("ERROR: "), refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    before = snapshot(project)
    assert sync(project, "--dry-run", "--rename", "author.name=full_name", "--backfill", "book.room=A1").returncode == 0
    assert snapshot(project) == before  # a dry run writes nothing

    applied = json.loads((project / ".cookiecutter-replay.json").read_text())["cookiecutter"]
    cruft = {"template": "x", "commit": "0123", "context": {"cookiecutter": {**applied, "_template": "x"}}}
    (project / ".cruft.json").write_text(json.dumps(cruft))
    done = sync(project, "--rename", "author.name=full_name", "--backfill", "book.room=A1")
    assert done.returncode == 0, done.stdout + done.stderr
    recorded = json.loads((project / ".cookiecutter-replay.json").read_text())["cookiecutter"]
    assert "full_name: str(120)" in recorded["entities"]
    context = json.loads((project / ".cruft.json").read_text())["context"]["cookiecutter"]
    assert context == {**recorded, "_template": "x"}  # cruft update sees the new answers
    assert "rename name to full_name" in done.stdout
    # The revision is named after its changes, cut between tables' parts.
    assert (
        project / "migrations" / "versions" / "0002_sync_author_rename_name_to_full_name_book_add_room.py"
    ).is_file()
    assert models.read_text().endswith(USER_LINE)  # the user's line, in a file the change rewrote
    assert "room" in models.read_text() and "room" not in before["src/library_desk/books/models.py"].decode()
    migrate(project, url)
    assert rows(db, "SELECT full_name FROM author") == [("Ursula",)]
    assert rows(db, "SELECT title, room, status, pages FROM book") == [("Earthsea", "A1", "live", 200)]
    check = subprocess.run([sys.executable, "-m", "alembic", "check"], cwd=project, capture_output=True, text=True,
                           env={**os.environ, "DATABASE_URL": url})  # fmt: skip
    assert "No new upgrade operations detected" in check.stdout + check.stderr, check.stderr[-2000:]
    for tool in (
        ["ruff", "check", "--no-cache", "."],
        ["ruff", "format", "--check", "--no-cache", "."],
        ["mypy", "migrations"],
    ):
        linted = subprocess.run([sys.executable, "-m", *tool], cwd=project, capture_output=True, text=True)
        assert linted.returncode == 0, linted.stdout + linted.stderr

    # A change that the rows break fails before it changes anything: an isbn of 5 characters, now str(4).
    edit_domain(project, {"entities": LIBRARY.replace("name: str(120)", "full_name: str(120)").replace(
        "pages: int? >= 1", "pages: int >= 1, room: str(10)").replace("draft|live", "draft|live|gone").replace(
        "str(17)", "str(4)")})  # fmt: skip
    assert sync(project).returncode == 0
    failed = alembic(project, url, "upgrade", "head")
    assert failed.returncode != 0
    assert "1 rows of book break ck_book_isbn_length" in failed.stderr, failed.stderr[-2000:]
    assert rows(db, "SELECT version_num FROM alembic_version") == [("0002",)]
    assert rows(db, "SELECT isbn FROM book") == [("978-0",)]


def test_an_edit_on_the_changed_lines_is_a_conflict_that_writes_nothing(tmp_path: Path) -> None:
    project = render(tmp_path, project_name="Library Desk", entities=LIBRARY)
    models = project / "src" / "library_desk" / "books" / "models.py"
    text = models.read_text()
    line = next(n for n, s in enumerate(text.splitlines(), 1) if s.strip().startswith("pages:"))
    lines = text.splitlines()
    lines[line - 1] += "  # the team's note on this line"
    models.write_text("\n".join(lines) + "\n")
    before = snapshot(project)
    edit_domain(project, {"entities": LIBRARY.replace("pages: int? >= 1", "pages: int? >= 5")})
    after_edit = snapshot(project)
    done = sync(project)
    assert done.returncode == 1
    assert f"conflict: src/library_desk/books/models.py: line {line}" in done.stderr, done.stderr
    assert done.stderr.startswith("ERROR: your edits and the change meet in 1 place, so"), done.stderr
    assert snapshot(project) == after_edit  # nothing written: not the code, not the answers, no revision
    assert {k for k in after_edit if before.get(k) != after_edit[k]} == {DOMAIN_FILE}


def test_refused_changes_write_nothing(tmp_path: Path) -> None:
    project = render(tmp_path, project_name="Library Desk", entities=LIBRARY)
    for changes, error in (
        ({"entities": LIBRARY.replace("author: author", "author: nobody")}, "ERROR: book.author: 'nobody'"),
        ({"primary_key": "uuid"}, "ERROR: primary_key changes from 'int' to 'uuid'"),
        ({"entities": LIBRARY.replace(", born_on: date?", "").replace(", pages: int? >= 1", "")},
         "ERROR: the sync would drop column author.born_on, column book.pages and their data"),
    ):  # fmt: skip
        edit_domain(project, changes)
        before = snapshot(project)
        done = sync(project)
        assert done.returncode == 1
        assert done.stderr.startswith(error), done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert snapshot(project) == before


# --- what rows would break: refused before anything changes, on both databases ----------------

CLINIC = "patient { name: str(80) unique, code: str(20)?, phone: str(20)?, age: int? }"


def execute(url: str, *statements: str) -> list[tuple[Any, ...]]:
    """Run the statements in one transaction; the last one's rows."""
    return asyncio.run(_execute(url, statements))


async def _execute(url: str, statements: tuple[str, ...]) -> list[tuple[Any, ...]]:
    from sqlalchemy import text

    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            found: list[tuple[Any, ...]] = []
            for statement in statements:
                result = await connection.execute(text(statement))
                found = [tuple(row) for row in result] if result.returns_rows else []
            return found
    finally:
        await engine.dispose()


def restore(project: Path, files: dict[str, bytes]) -> None:
    """The project as `snapshot` saw it: an undone sync."""
    for path in set(snapshot(project)) - set(files):
        (project / path).unlink()
    for path, data in files.items():
        (project / path).write_bytes(data)


def refused(project: Path, url: str, message: str, *args: str) -> None:
    """The migration stops with `message`, and the database is as it was."""
    version = execute(url, "SELECT version_num FROM alembic_version")
    failed = alembic(project, url, *(args or ("upgrade", "head")))
    assert failed.returncode != 0
    assert failed.stderr.strip().splitlines()[-1].startswith(f"ERROR: {message}"), failed.stderr[-2000:]
    assert "Traceback" not in failed.stderr, failed.stderr[-2000:]
    assert execute(url, "SELECT version_num FROM alembic_version") == version


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_rows_that_a_change_would_break_stop_it_before_it_changes_anything(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    project = render(tmp_path, project_name="Clinic", entities=CLINIC, database="sqlite", soft_delete=True)
    url = database(kind, tmp_path, "clinic", request)
    migrate(project, url)
    execute(
        url,
        "INSERT INTO patient (name, code, phone, deleted_at) VALUES ('Ada', 'x9', NULL, CURRENT_TIMESTAMP)",
        "INSERT INTO patient (name, code, phone, age) VALUES ('Ben', '12', '555', 12)",
    )
    rows_sql = "SELECT name, code, phone, age FROM patient ORDER BY name"

    # A str that becomes an int: 'x9' converts to nothing (SQLite would make it 0); an int that
    # becomes a str(1): 12 does not fit (PostgreSQL's cast would cut it).
    retyped = CLINIC.replace("code: str(20)?", "code: int?").replace("age: int?", "age: str(1)?")
    edit_domain(project, {"entities": retyped.replace("phone: str(20)?", "phone: str(20)")})
    synced = snapshot(project)
    assert sync(project).returncode == 0
    refused(project, url, "1 rows of patient hold code values that do not convert to INTEGER: change or clear them")
    assert execute(url, rows_sql) == [("Ada", "x9", None, None), ("Ben", "12", "555", 12)]
    execute(url, "UPDATE patient SET code = '9' WHERE name = 'Ada'")
    # A field that becomes required, with no --backfill, on rows that have none.
    refused(project, url, "1 rows of patient have no phone, which becomes required: set it in them, or undo this sync "
            "and sync again with --backfill patient.phone=VALUE")  # fmt: skip

    restore(project, synced)  # the sync undone
    needless = sync(project, "--backfill", "patient.phone=unknown", "--backfill", "patient.age=3")
    assert needless.returncode == 1 and needless.stderr.startswith("ERROR: --backfill patient.age: the sync needs no")
    assert len(needless.stderr.strip().splitlines()) == 1, needless.stderr
    assert snapshot(project) == synced
    assert sync(project, "--backfill", "patient.phone=unknown").returncode == 0
    refused(project, url, "1 rows of patient hold age values that do not convert to VARCHAR(1)")
    execute(url, "UPDATE patient SET age = 7 WHERE name = 'Ben'")
    migrate(project, url)
    assert execute(url, rows_sql) == [("Ada", 9, "unknown", None), ("Ben", 12, "555", "7")]

    # Soft delete off would bring Ada back; dropping phone loses it, which its downgrade cannot bring back.
    edit_domain(project, {"entities": retyped.replace(", phone: str(20)?", ""), "soft_delete": False})
    assert sync(project, "--allow-drop").returncode == 0
    refused(project, url, "1 rows of patient are deleted, and soft delete off would bring them back: restore them, or "
            "delete them for good (DELETE FROM patient WHERE deleted_at IS NOT NULL)")  # fmt: skip
    execute(url, "DELETE FROM patient WHERE deleted_at IS NOT NULL")
    migrate(project, url)
    assert execute(url, "SELECT name, code FROM patient") == [("Ben", 12)]
    refused(project, url, "1 rows of patient would need a value for phone, which the downgrade brings back required",
            "downgrade", "-1")  # fmt: skip


def test_a_sync_that_changes_pyproject_locks_and_installs_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlmodel_scaffold import project_tests
    from sqlmodel_scaffold import sync as scaffold_sync

    # auth=none: with users the project depends on email-validator from the start.
    project = render(tmp_path, project_name="Clinic", entities=CLINIC, database="sqlite", auth="none")
    (project / "uv.lock").write_text("# the lock of the old dependencies\n")
    pytest_script = project / ".venv" / "bin" / "pytest"  # an installed project, as far as sync can tell
    pytest_script.parent.mkdir(parents=True)
    pytest_script.touch()
    ran: list[list[str]] = []

    def run(command: list[str], _project: Path, _timeout: int) -> project_tests.Result:
        ran.append(command)
        return project_tests.Result(True, "1 passed in 0.1s", 0.1)

    monkeypatch.setattr(project_tests, "run", run)
    monkeypatch.setattr(project_tests, "find_uv", lambda: "/usr/bin/uv")
    monkeypatch.delenv(project_tests.RUN_TESTS_VARIABLE, raising=False)
    edit_domain(project, {"entities": CLINIC.replace("phone: str(20)?", "email: email?")})  # email-validator
    assert scaffold_sync.main([str(project), "--allow-drop"]) == 0, capsys.readouterr()
    assert "email-validator" in (project / "pyproject.toml").read_text()
    assert ran[:2] == [["/usr/bin/uv", "lock"], ["/usr/bin/uv", "sync"]]  # then the linters and tests
    assert any("pytest" in command for command in ran[2:])

    # Without a change of pyproject.toml, nothing is locked or installed.
    ran.clear()
    edit_domain(project, {"entities": CLINIC.replace("phone: str(20)?", "email: email?").replace("age: int?", "age: bigint?")})  # fmt: skip
    assert scaffold_sync.main([str(project)]) == 0, capsys.readouterr()
    assert ["/usr/bin/uv", "lock"] not in ran and ["/usr/bin/uv", "sync"] not in ran and ran


@pytest.mark.parametrize(
    ("option", "shape"), [("--rename", "ENTITY.FIELD=NEW_NAME"), ("--backfill", "ENTITY.FIELD=VALUE")]
)
def test_a_choice_without_its_shape_names_the_shape_of_its_own_option(option: str, shape: str) -> None:
    from sqlmodel_scaffold import sync as scaffold_sync
    from sqlmodel_scaffold.errors import AnswerError

    with pytest.raises(AnswerError, match=f"^{option} 'book' is not {shape} "):
        scaffold_sync._entity_field("book", option)


def test_a_link_field_takes_rename_and_backfill_too(tmp_path: Path) -> None:
    project = render(tmp_path, project_name="Clinic", entities="vet { name: str(80) }; pet { name: str(40) }",
                     many_to_many="vet+pet { since: date? }", database="sqlite")  # fmt: skip
    url = f"sqlite+aiosqlite:///{tmp_path / 'clinic.db'}"
    migrate(project, url)
    execute(url, "INSERT INTO vet (name) VALUES ('Who')", "INSERT INTO pet (name) VALUES ('Rex'), ('Tom')",
            "INSERT INTO vet_pet_link (vet_id, pet_id, since) VALUES (1, 1, '2020-05-06'), (1, 2, NULL)")  # fmt: skip
    edit_domain(project, {"many_to_many": "vet+pet { started_on: date }"})
    done = sync(project, "--rename", "vet_pet.since=started_on", "--backfill", "vet_pet_link.started_on=2024-01-02")
    assert done.returncode == 0, done.stdout + done.stderr
    migrate(project, url)
    assert execute(url, "SELECT pet_id, started_on FROM vet_pet_link ORDER BY pet_id") == [
        (1, "2020-05-06"),
        (2, "2024-01-02"),
    ]


# The service, run in-process against a migrated database: two users, an owned review each may
# see or not, of a book that was there before the review entity was.
OWNED_SERVICE_CHECK = """
import asyncio

from httpx import ASGITransport, AsyncClient

from library_desk.core.database import session_factory
from library_desk.main import app
from library_desk.users.models import UserCreate
from library_desk.users.service import create_user

PASSWORD = "correct horse battery staple"


async def client_of(email: str) -> AsyncClient:
    async with session_factory() as session:
        await create_user(session, UserCreate(email=email, password=PASSWORD))
    client = AsyncClient(transport=ASGITransport(app=app), base_url="http://test")
    form = {"username": email, "password": PASSWORD}
    token = (await client.post("/api/v1/auth/token", data=form)).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client


async def main() -> None:
    ann, bob = await client_of("ann@example.com"), await client_of("bob@example.com")
    [book] = (await ann.get("/api/v1/books")).json()["items"]
    created = await ann.post("/api/v1/reviews", json={"book_id": book["id"], "stars": 5})
    assert created.status_code == 201, created.text
    review = created.json()
    assert review["reader"]["email"] == "ann@example.com"
    assert [r["id"] for r in (await ann.get(f"/api/v1/books/{book['id']}/reviews")).json()["items"]] == [review["id"]]
    assert (await bob.get("/api/v1/reviews")).json()["items"] == []
    assert (await bob.get(f"/api/v1/reviews/{review['id']}")).status_code == 404
    refused = await bob.delete(f"/api/v1/books/{book['id']}")
    assert refused.status_code == 409, refused.text
    held = "1 review row of another user (book_id); it cannot be deleted while they need it"
    assert refused.json()["detail"] == f"Book {book['id']} is still referenced by {held}", refused.text
    print("service ok")


asyncio.run(main())
"""


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_an_owned_entity_joins_a_project_that_holds_rows(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    project = render(tmp_path, project_name="Library Desk", entities=LIBRARY, database=kind, auth="users")
    url = database(kind, tmp_path, "library", request)
    migrate(project, url)
    execute(
        url,
        "INSERT INTO author (name) VALUES ('Ursula')",
        "INSERT INTO book (title, isbn, author_id, status) VALUES ('Earthsea', '978-0', 1, 'live')",
    )

    review = "review { book: book, stars: int >= 1 <= 5, body: text?, reader: user owner }"
    edit_domain(project, {"entities": f"{LIBRARY}\n{review}"})
    done = sync(project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (project / "tests" / "test_reviews_ownership.py").is_file()
    migrate(project, url)
    check = alembic(project, url, "check")
    assert "No new upgrade operations detected" in check.stdout + check.stderr, check.stderr[-2000:]
    assert execute(url, "SELECT title FROM book") == [("Earthsea",)]
    for tool in (
        ["ruff", "check", "--no-cache", "."],
        ["ruff", "format", "--check", "--no-cache", "."],
        ["mypy", "--cache-dir", str(tmp_path / "mypy-cache")],
    ):
        linted = subprocess.run([sys.executable, "-m", *tool], cwd=project, capture_output=True, text=True)
        assert linted.returncode == 0, linted.stdout + linted.stderr

    settings = {"DATABASE_URL": url, "SECRET_KEY": "k" * 40, "PYTHONPATH": str(project / "src")}
    env = {**os.environ, **settings}
    served = subprocess.run([sys.executable, "-c", OWNED_SERVICE_CHECK], cwd=project, env=env,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert served.stdout.strip().endswith("service ok"), served.stdout[-2000:] + served.stderr[-4000:]
    # Its own suite, on a database of its own (SQLite, or one next to the migrated one).
    suite_env = {**os.environ, "TEST_DATABASE_URL": url if kind == "postgresql" else ""}
    suite_env = {key: value for key, value in suite_env.items() if value}
    suite = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x"], cwd=project,
                           env=suite_env, capture_output=True, text=True, timeout=1200)  # fmt: skip
    assert suite.returncode == 0, suite.stdout[-6000:]
