"""The CHECK constraints a field asks for: the migration's copy (from fields.py) and the models'
(the generated core/tables.py's helpers) must name and word them alike.

The generated suites compare the names in models and migrated schema, but only for the specs they
render; long link names, which PostgreSQL cuts short, are checked here.
"""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import CheckConstraint, Column, MetaData, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import conv

from sqlmodel_scaffold.entities import parse
from sqlmodel_scaffold.fields import WHITE_SPACE, Field

TABLES = (
    Path(__file__).resolve().parents[1]
    / "{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/core/tables.py"
)


@pytest.fixture(scope="module")
def tables() -> ModuleType:
    """The generated core/tables.py (plain Python, no Jinja in it)."""
    spec = importlib.util.spec_from_file_location("generated_tables", TABLES)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


LONG = "abcdefghijklmnopqrst, zyxwvutsrqponmlkjihg"
LONG_LINK = (
    "abcdefghijklmnopqrst+zyxwvutsrqponmlkjihg { a_rather_long_field_name: str(10), quantity_of_items: int >= 0 }"
)


def fields() -> list[Field]:
    library = parse(
        "book { title: str(200), price: decimal(8,2)? >= 0, pages: int? >= 1, note: text, "
        "rating: float? <= 5, visits: bigint = 0, contact: email?, homepage: url? }"
    )
    long_names = parse(LONG, LONG_LINK)
    return [*library.entities[0].fields, *long_names.links[0].fields]


def constraint(tables: ModuleType, line: str) -> Any:
    """Evaluate a `table_checks` line (`in_range("pages", 1, 2147483647)`)."""
    return eval(line, {**vars(tables), "MAX_TEXT": 100_000})


@pytest.mark.parametrize("f", fields(), ids=lambda f: f"{f.owner}.{f.name}")
def test_models_and_migration_word_and_name_each_check_alike(tables: ModuleType, f: Field) -> None:
    made = [constraint(tables, line) for line in f.table_checks]
    assert [(c.name, str(c.sqltext)) for c in made] == [(f.check_name(kind), sql) for kind, sql in f.checks]


def test_long_names_are_cut_alike_in_models_and_migration(tables: ModuleType) -> None:
    """PostgreSQL takes 63 bytes of a name: SQLAlchemy cuts the models' (named by the
    convention) and the migration's (`op.f`, final already) with the same hash."""
    (link,) = parse(LONG, LONG_LINK).links
    preparer = postgresql.dialect().identifier_preparer
    for f in link.fields:
        table = Table(f.owner, MetaData(naming_convention=tables.metadata.naming_convention), Column(f.column))
        for line, (kind, sql) in zip(f.table_checks, f.checks, strict=True):
            declared = constraint(tables, line)
            table.append_constraint(declared)
            migrated = CheckConstraint(sql, name=conv(f"ck_{f.owner}_{f.check_name(kind)}"))
            Table(f"{f.owner}_copy_{kind}", MetaData(), Column(f.column), migrated)
            assert len(f"ck_{f.owner}_{f.check_name(kind)}") > 63
            assert preparer.format_constraint(declared) == preparer.format_constraint(migrated)


def test_the_white_space_is_the_generated_projects(tables: ModuleType) -> None:
    assert tables.WHITE_SPACE == WHITE_SPACE


def test_every_number_and_text_gets_its_checks() -> None:
    by_name = {f.name: f for f in fields()}
    kinds = {name: [kind for kind, _ in f.checks] for name, f in by_name.items()}
    assert kinds["title"] == kinds["note"] == ["length", "not_blank"]
    assert kinds["contact"] == kinds["homepage"] == ["length"]
    assert kinds["price"] == ["range", "digits"]
    assert kinds["pages"] == kinds["visits"] == ["range"]
    assert kinds["rating"] == ["range", "finite"]
    assert dict(by_name["price"].checks)["digits"] == '"price" >= -999999.99 AND "price" <= 999999.99'
    assert dict(by_name["pages"].checks)["range"] == '"pages" >= 1 AND "pages" <= 2147483647'
    assert dict(by_name["rating"].checks)["range"] == '"rating" <= 5'
    assert by_name["visits"].server_default == 'text("0")'
