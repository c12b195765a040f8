"""Render entity specs and hold each generated project to what its users will check."""

import os
import re
from pathlib import Path

from conftest import SPECS, render, run, tree_differences

# A Jinja expression, statement or comment; nested Python dicts (`}}`) are fine.
LEFTOVER_JINJA = re.compile(r"\{\{-?\s*[A-Za-z_(]|\{%|%\}|\{#|cookiecutter\.")


def test_no_jinja_survives_rendering(project: Path) -> None:
    for path in project.rglob("*"):
        if path.is_file():
            assert not LEFTOVER_JINJA.search(path.read_text(encoding="utf-8")), path


def test_rendering_twice_gives_identical_trees(project: Path, tmp_path: Path) -> None:
    spec = project.parent.name.rstrip("0123456789")
    again = render(tmp_path, entities=SPECS[spec][0], many_to_many=SPECS[spec][1])
    assert tree_differences(project, again) == []


def test_ruff_and_mypy_are_clean(project: Path, mypy_cache: Path) -> None:
    run(["ruff", "check", "--no-cache", "."], cwd=project)
    run(["ruff", "format", "--check", "--no-cache", "."], cwd=project)
    run(["mypy", "--cache-dir", str(mypy_cache)], cwd=project)  # src, tests and migrations


def test_generated_suite_passes_on_sqlite(project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    output = run(["pytest", "-p", "no:cacheprovider"], cwd=project, env=env)
    assert "database: sqlite" in output
    assert re.search(r"\d+ passed", output) and " failed" not in output


def test_generated_suite_passes_on_postgresql(project: Path, postgres_database: str) -> None:
    env = {**os.environ, "TEST_DATABASE_URL": postgres_database}
    output = run(["pytest", "-p", "no:cacheprovider"], cwd=project, env=env)
    assert "database: postgresql+asyncpg" in output
    assert re.search(r"\d+ passed", output) and " failed" not in output
