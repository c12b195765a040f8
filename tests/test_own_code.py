"""The template's own Python is held to the standard it sets for generated code."""

from conftest import TEMPLATE, run


def test_ruff_and_mypy_are_clean_on_the_templates_code() -> None:
    run(["ruff", "check", "--no-cache", "sqlmodel_scaffold", "tests", "bench"], cwd=TEMPLATE)
    run(["ruff", "format", "--check", "--no-cache", "sqlmodel_scaffold", "tests", "bench"], cwd=TEMPLATE)
    run(["mypy", "--no-incremental"], cwd=TEMPLATE)  # strict, on sqlmodel_scaffold
