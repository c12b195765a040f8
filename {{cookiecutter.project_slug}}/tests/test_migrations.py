"""The migrations build exactly the models' schema, and undo it."""

from alembic import command
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

{# Sorted as ruff sorts them: the package may come before or after conftest. #}
{{- [("conftest", ["alembic_config", "downgrade", "upgrade"]), (cookiecutter.package_name ~ ".models", ["metadata"])] | import_block }}


def check(connection: Connection) -> None:
    """Fail with the differences if the models and the migrated schema disagree."""
    command.check(alembic_config(connection))


def tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_upgrade_check_downgrade_upgrade(test_engine: AsyncEngine) -> None:
    # One transaction, committed at the end: the schema ends where the other tests need it.
    async with test_engine.begin() as connection:
        await connection.run_sync(upgrade)
        await connection.run_sync(check)
        assert await connection.run_sync(tables) == {*metadata.tables, "alembic_version"}

        await connection.run_sync(downgrade)
        assert await connection.run_sync(tables) == {"alembic_version"}

        await connection.run_sync(upgrade)
        await connection.run_sync(check)
