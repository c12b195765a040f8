"""The migrations build exactly the models' schema, and undo it."""

from alembic import command
from sqlalchemy import CheckConstraint, Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from conftest import alembic_config, downgrade, upgrade
from {{ cookiecutter.package_name }}.models import metadata


def check(connection: Connection) -> None:
    """Fail with the differences if the models and the migrated schema disagree."""
    command.check(alembic_config(connection))


def tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


# PostgreSQL cuts names at 63 bytes.
MAX_NAME_LENGTH = 63


def declared_checks() -> dict[str, set[str]]:
    """Each table's CHECK constraints by name, as the models declare them."""
    return {
        name: {
            str(constraint.name)[:MAX_NAME_LENGTH]
            for constraint in table.constraints
            if isinstance(constraint, CheckConstraint)
        }
        for name, table in metadata.tables.items()
    }


def migrated_checks(connection: Connection) -> dict[str, set[str]]:
    """Each table's CHECK constraints by name, as the migrations made them."""
    inspector = inspect(connection)
    return {
        name: {str(check["name"]) for check in inspector.get_check_constraints(name)}
        for name in metadata.tables
    }


async def test_upgrade_check_downgrade_upgrade(test_engine: AsyncEngine) -> None:
    # One transaction, committed at the end: the schema ends where the other tests need it.
    async with test_engine.begin() as connection:
        await connection.run_sync(upgrade)
        await connection.run_sync(check)
        assert await connection.run_sync(tables) == {*metadata.tables, "alembic_version"}
        # Alembic does not compare CHECK constraints: the rules the database holds (ranges,
        # lengths, non-blank text, enum words) are compared here, by name.
        assert await connection.run_sync(migrated_checks) == declared_checks()

        await connection.run_sync(downgrade)
        assert await connection.run_sync(tables) == {"alembic_version"}

        await connection.run_sync(upgrade)
        await connection.run_sync(check)
