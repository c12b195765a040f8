"""How Alembic reaches the database: standalone from the shell, or on a connection the tests pass."""

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from {{ cookiecutter.package_name }}.core.database import create_engine
from {{ cookiecutter.package_name }}.core.settings import get_settings
from {{ cookiecutter.package_name }}.models import metadata

config = context.config


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        # SQLite cannot ALTER most things: batch mode recreates the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_standalone() -> None:
    # The app's own engine settings (SQLite pragmas, timeouts), for DATABASE_URL.
    engine = create_engine(get_settings())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


def write_sql() -> None:
    """`alembic upgrade head --sql`: print the SQL instead of running it."""
    context.configure(
        url=get_settings().database_url,
        target_metadata=metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    write_sql()
elif (shared := config.attributes.get("connection")) is not None:
    # Tests hand in a connection (Alembic's connection-sharing recipe): their event
    # loop is already running, so asyncio.run below would fail there.
    run_migrations(shared)
else:
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    asyncio.run(run_standalone())
