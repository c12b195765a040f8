"""Fixtures: a database of the run's own, built by the migrations, and one rolled-back transaction per test.

Set TEST_DATABASE_URL (in the environment or `.env`) to run against PostgreSQL; without it the
tests use SQLite in memory. The tests never touch the database it names: they create a database
of their own next to it (`<name>_test_<random>`, on the same server, as the same user), run
there, and drop it at the end; without the right to create databases they stop with a message.
A SQLite file URL gets a fresh temporary file instead.
"""

{% if cookiecutter.pagination == "cursor" -%}
import base64
{% endif -%}
{% if cookiecutter.auth == "users" -%}
import os
{% endif -%}
import secrets
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from httpx import ASGITransport, AsyncClient, Response
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import Connection, event, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
{%- if cookiecutter.auth == "users" %}

# Before the app is imported, which reads them. Tokens need a key; a real one in the
# environment wins. Argon2 at its lowest cost: the tests hash and check many passwords, and
# what they check is the logic, not the cost (production keeps argon2-cffi's defaults).
os.environ.setdefault("SECRET_KEY", "tests-only-key-" + "x" * 32)
# The lifespan makes no first superuser from `.env` while the tests run: it would write to
# DATABASE_URL, which the tests never touch.
os.environ["FIRST_SUPERUSER_EMAIL"] = ""
os.environ["PASSWORD_HASH_TIME_COST"] = "1"
os.environ["PASSWORD_HASH_MEMORY_KIB"] = "64"
{%- endif %}

from {{ cookiecutter.package_name }}.core.database import create_engine, engine, session_factory
from {{ cookiecutter.package_name }}.core.settings import async_url, get_settings
from {{ cookiecutter.package_name }}.core.tables import metadata
from {{ cookiecutter.package_name }}.main import app
{%- if cookiecutter.auth == "users" %}
from {{ cookiecutter.package_name }}.users.models import User, UserCreate
from {{ cookiecutter.package_name }}.users.service import create_user
{%- endif %}

PROJECT_DIR = Path(__file__).resolve().parents[1]
ALEMBIC_INI = PROJECT_DIR / "alembic.ini"


class SettingsForTests(BaseSettings):
    """TEST_DATABASE_URL from the environment, else from the project's `.env`."""

    model_config = SettingsConfigDict(env_file=PROJECT_DIR / ".env", extra="ignore")

    test_database_url: str = "sqlite+aiosqlite:///:memory:"


# Where the tests' own database is made; the tests never write to this one.
# A driverless URL (`postgresql://...`) gets the async driver, as DATABASE_URL does.
TEST_DATABASE_URL = async_url(SettingsForTests().test_database_url)
# PostgreSQL's limit on identifiers, in bytes.
MAX_NAME_LENGTH = 63
# An id that no test creates, and ids the API refuses before it looks anything up.
{%- if cookiecutter.primary_key == "uuid" %}
MISSING_ID = "00000000-0000-7000-8000-000000000000"
# Ids the API refuses, and how: a path that is not a UUID names no route at all (404).
BAD_IDS = {"0": 404, "abc": 404, "00000000-0000-7000-8000-00000000000g": 404}
{%- else %}
MISSING_ID = 2**31 - 1
# Ids the API refuses, and how: digits out of range are invalid (422); a path that is not
# digits names no route at all (404).
BAD_IDS = {"0": 422, str(2**63): 422, "-1": 404, "abc": 404}
{%- endif %}


def alembic_config(connection: Connection) -> Config:
    """Alembic's configuration, set to run on `connection` (see migrations/env.py)."""
    config = Config(ALEMBIC_INI)
    config.attributes["connection"] = connection
    return config


def upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


def downgrade(connection: Connection) -> None:
    command.downgrade(alembic_config(connection), "base")


@asynccontextmanager
async def own_database(url: str) -> AsyncIterator[str]:
    """A new, empty database for this run, next to the one `url` names; removed at the end."""
    given = make_url(url)
    if given.get_backend_name() == "sqlite":
        if given.database in (None, "", ":memory:"):
            yield url  # private to this process already
            return
        with tempfile.TemporaryDirectory(prefix="test-database-") as scratch:
            yield given.set(database=str(Path(scratch) / "test.db")).render_as_string(False)
        return
    base = given.database or "test"
    suffix = f"_test_{secrets.token_hex(4)}"
    name = base.encode()[: MAX_NAME_LENGTH - len(suffix)].decode(errors="ignore") + suffix
    # CREATE and DROP DATABASE cannot run inside a transaction.
    admin = create_async_engine(given, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    except (DBAPIError, OSError) as error:
        await admin.dispose()
        reason = str(error.orig if isinstance(error, DBAPIError) else error).strip().splitlines()
        pytest.exit(
            "The tests run in a database of their own, and could not create one on the server of "
            f"TEST_DATABASE_URL ({given.render_as_string()}): {reason[0] if reason else repr(error)}. "
            "The database it names was not touched: the tests need a server that answers and a "
            "user allowed to create databases (ALTER ROLE ... CREATEDB).",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )
    try:
        yield given.set(database=name).render_as_string(False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture(scope="session")
async def test_engine() -> AsyncIterator[AsyncEngine]:
    async with own_database(TEST_DATABASE_URL) as url:
        test_engine = create_engine(get_settings(), url)
        try:
            # The schema the tests use is the one the migrations build, as in production.
            async with test_engine.begin() as connection:
                await connection.run_sync(upgrade)
            yield test_engine
        finally:
            await test_engine.dispose()


@pytest.fixture
async def connection(test_engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection whose outer transaction is rolled back after the test."""
    async with test_engine.connect() as connection:
        transaction = await connection.begin()
        # The app's own get_session runs unchanged; its sessions join this transaction,
        # and their commits become savepoints that the rollback below undoes.
        session_factory.configure(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield connection
        finally:
            session_factory.configure(bind=engine, join_transaction_mode="conditional_savepoint")
            await transaction.rollback()


{%- if cookiecutter.auth == "users" %}


# The password of every user the fixtures make.
PASSWORD = "correct horse battery staple"
USER_EMAIL = "user@example.com"
SUPERUSER_EMAIL = "admin@example.com"


async def make_user(email: str, superuser: bool = False, password: str = PASSWORD) -> User:
    async with session_factory() as session:
        data = UserCreate(email=email, password=password, is_superuser=superuser)
        return await create_user(session, data)


async def sign_in(client: AsyncClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    """Sign in as the API's clients do; the token pair."""
    form = {"username": email, "password": password}
    response = await client.post("/api/v1/auth/token", data=form)
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def client_of(email: str | None) -> AsyncIterator[AsyncClient]:
    """A client of the app, signed in as the user with this email (None: anonymous)."""
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        if email is not None:
            client.headers.update(bearer((await sign_in(client, email))["access_token"]))
        yield client


@pytest.fixture
async def user(connection: AsyncConnection) -> User:
    return await make_user(USER_EMAIL)


@pytest.fixture
async def superuser(connection: AsyncConnection) -> User:
    return await make_user(SUPERUSER_EMAIL, superuser=True)


@pytest.fixture
async def anonymous_client(connection: AsyncConnection) -> AsyncIterator[AsyncClient]:
    async with client_of(None) as client:
        yield client


@pytest.fixture
async def client(user: User) -> AsyncIterator[AsyncClient]:
    """Signed in as a user who is not a superuser: what most callers are."""
    async with client_of(user.email) as client:
        yield client


@pytest.fixture
async def superuser_client(superuser: User) -> AsyncIterator[AsyncClient]:
    async with client_of(superuser.email) as client:
        yield client
{%- else %}


@pytest.fixture
async def client(connection: AsyncConnection) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
{%- endif %}


@asynccontextmanager
async def committing(test_engine: AsyncEngine) -> AsyncIterator[None]:
    """While open, the app's sessions commit, each on a pooled connection of its own, so that
    concurrent requests race in the database as they do in production; the rows written are
    removed after. An in-memory SQLite database is private to one connection: on SQLite they
    share a database file of their own instead."""
    if test_engine.dialect.name == "postgresql":
        session_factory.configure(bind=test_engine)
        try:
            yield
        finally:
            session_factory.configure(bind=engine)
            tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
            async with test_engine.begin() as connection:
                await connection.execute(text(f"TRUNCATE {tables}"))
        return
    async with own_database("sqlite+aiosqlite:///committing.db") as url:
        file_engine = create_engine(get_settings(), url)
        try:
            async with file_engine.begin() as connection:
                await connection.run_sync(upgrade)
            session_factory.configure(bind=file_engine)
            yield
        finally:
            session_factory.configure(bind=engine)
            await file_engine.dispose()


@pytest.fixture
async def racing_client(test_engine: AsyncEngine) -> AsyncIterator[AsyncClient]:
    """A client whose requests commit and race (`committing`). PostgreSQL only: these races
    are between concurrent writers, and SQLite has one writer at a time."""
    if test_engine.dialect.name != "postgresql":
        pytest.skip("races run on PostgreSQL: set TEST_DATABASE_URL")
    async with committing(test_engine):
{%- if cookiecutter.auth == "users" %}
        await make_user(USER_EMAIL)
        async with client_of(USER_EMAIL) as client:
            yield client
{%- else %}
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
{%- endif %}
{%- if cookiecutter.auth == "users" %}


@pytest.fixture
async def committing_client(test_engine: AsyncEngine) -> AsyncIterator[AsyncClient]:
    """An anonymous client whose requests commit and race (`committing`), on both databases."""
    async with committing(test_engine), client_of(None) as client:
        yield client
{%- endif %}


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args: Any) -> None:
        self.count += 1


@pytest.fixture
def statements(test_engine: AsyncEngine) -> Iterator[StatementCounter]:
    """Counts the SQL statements sent while the test runs (the N+1 guard's meter)."""
    counter = StatementCounter()
    event.listen(test_engine.sync_engine, "before_cursor_execute", counter)
    yield counter
    event.remove(test_engine.sync_engine, "before_cursor_execute", counter)


async def create(client: AsyncClient, route: str, **body: Any) -> dict[str, Any]:
    """POST a new record and return it, failing the test on anything but 201."""
    response = await client.post(f"/api/v1/{route}", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def detail(response: Response) -> str:
    """The message of an error response, in either of the two error shapes."""
    body = response.json()["detail"]
    return body if isinstance(body, str) else " ".join(item["msg"] for item in body)
{%- if cookiecutter.pagination == "cursor" %}


def forged_cursor(text: str) -> str:
    """A cursor made by hand: `text` in base64, as clients (and older versions) made them."""
    return base64.urlsafe_b64encode(text.encode()).decode()
{%- endif %}


def pytest_report_header() -> str:
    return f"database: {TEST_DATABASE_URL.split(':', 1)[0]}"
