"""The migrations build exactly the models' schema, and undo it."""

import re

from alembic import command
from sqlalchemy import CheckConstraint, Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

{# Sorted as ruff sorts them: the package may come before or after conftest. #}
{{- [("conftest", ["alembic_config", "downgrade", "upgrade"]), (cookiecutter.package_name ~ ".models", ["metadata"])] | import_block }}

# `CONSTRAINT ck_book_title_not_blank CHECK (...)` in SQLite's copy of a CREATE TABLE.
SQLITE_CHECK = re.compile(r'CONSTRAINT\s+"?(\w+)"?\s+CHECK\b')


def check(connection: Connection) -> None:
    """Fail with the differences if the models and the migrated schema disagree."""
    command.check(alembic_config(connection))


def tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def declared_checks(connection: Connection) -> dict[str, set[str]]:
    """Each table's CHECK constraints by name, as the models declare them (and the database
    spells them: PostgreSQL's names are cut short, with a hash)."""
    preparer = connection.dialect.identifier_preparer
    return {
        name: {
            str(preparer.format_constraint(constraint)).strip('"')
            for constraint in table.constraints
            if isinstance(constraint, CheckConstraint)
        }
        for name, table in metadata.tables.items()
    }


def migrated_checks(connection: Connection) -> dict[str, set[str]]:
    """Each table's CHECK constraints by name, as the migrations made them."""
    if connection.dialect.name == "sqlite":
        # Read from the table's SQL: SQLAlchemy before 2.1 does not reflect a CHECK whose text
        # spans lines, as the not-blank ones' white space does.
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
        rows = connection.exec_driver_sql(query)
        found = {str(name): set(SQLITE_CHECK.findall(str(sql))) for name, sql in rows}
        return {name: found.get(name, set()) for name in metadata.tables}
    inspector = inspect(connection)
    return {
        name: {str(check["name"]) for check in inspector.get_check_constraints(name)}
        for name in metadata.tables
    }


def declared_indexes(connection: Connection) -> set[str]:
    preparer = connection.dialect.identifier_preparer
    return {
        preparer.format_index(index).strip('"')
        for table in metadata.tables.values()
        for index in table.indexes
    }


def migrated_indexes(connection: Connection) -> set[str]:
    """The indexes the migrations made, by name, but the primary keys'. Read from the catalog:
    SQLite's reflection skips an index on an expression (the unique `lower(email)` ones)."""
    if connection.dialect.name == "sqlite":
        query = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    else:
        query = "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = current_schema()"
    preparer = connection.dialect.identifier_preparer
    tables = metadata.tables.values()
    keys = {str(preparer.format_constraint(t.primary_key)).strip('"') for t in tables}
    rows = connection.exec_driver_sql(query)
    return {name for table, name in rows if table in metadata.tables and name not in keys}


async def test_upgrade_check_downgrade_upgrade(test_engine: AsyncEngine) -> None:
    # One transaction, committed at the end: the schema ends where the other tests need it.
    async with test_engine.begin() as connection:
        await connection.run_sync(upgrade)
        await connection.run_sync(check)
        assert await connection.run_sync(tables) == {*metadata.tables, "alembic_version"}
        # Alembic does not compare CHECK constraints: the rules the database holds (ranges,
        # lengths, non-blank text, enum words) are compared here, by name.
        checks = await connection.run_sync(migrated_checks)
        assert checks == await connection.run_sync(declared_checks)
        # Nor, on SQLite, indexes on expressions, which a table rebuilt by batch mode would lose.
        indexes = await connection.run_sync(migrated_indexes)
        assert indexes == await connection.run_sync(declared_indexes)

        await connection.run_sync(downgrade)
        assert await connection.run_sync(tables) == {"alembic_version"}

        await connection.run_sync(upgrade)
        await connection.run_sync(check)
