"""The domain fuzzer (SPEC section 6): random valid domains, crossed with the options, held to the
checks a user's CI makes.

Every example renders with no leftover Jinja and passes ruff check, ruff format --check and mypy;
every SUITE_EVERY-th also runs its generated suite on SQLite, and every POSTGRES_EVERY-th on
PostgreSQL (whose suite runs the migrations and `alembic check`). A failure names the command
that reproduces it.

TEMPLATE_FUZZ_SEED (default 0) and TEMPLATE_FUZZ_EXAMPLES (default CI_EXAMPLES) choose the sample:
examples seed, seed + 1, ... For a wide run of the linters only, TEMPLATE_FUZZ_SUITES=0 skips the
generated suites.
"""

import os
import re
import shlex
import sys
from pathlib import Path

import pytest
from conftest import TEMPLATE, render, run
from fuzz_domains import Example, example, reproduce
from test_generation import LEFTOVER_JINJA

CI_EXAMPLES = 24
SUITE_EVERY = 3
POSTGRES_EVERY = 6

SEED = int(os.environ.get("TEMPLATE_FUZZ_SEED", "0"))
COUNT = int(os.environ.get("TEMPLATE_FUZZ_EXAMPLES", str(CI_EXAMPLES)))
SUITES = os.environ.get("TEMPLATE_FUZZ_SUITES", "1") != "0"
EXAMPLES = [example(seed) for seed in range(SEED, SEED + COUNT)]


# This run's own cookiecutter, as the checkout's README installs it (.venv/bin/cookiecutter).
COOKIECUTTER = os.path.relpath(Path(sys.executable).with_name("cookiecutter"), TEMPLATE)


def _reproduce(example: Example) -> str:
    return f"Reproduce with (from the template checkout):\n  {reproduce(example.answers, COOKIECUTTER)}"


def _check(example: Example, args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    try:
        return run(args, cwd=cwd, env=env)
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n{_reproduce(example)}") from None


@pytest.fixture(scope="module", params=EXAMPLES, ids=[e.id for e in EXAMPLES])
def fuzzed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Example, Path]:
    chosen: Example = request.param
    return chosen, render(tmp_path_factory.mktemp(chosen.id), **chosen.answers)


def test_renders_and_lints(fuzzed: tuple[Example, Path], mypy_cache: Path) -> None:
    chosen, path = fuzzed
    for file in path.rglob("*"):
        if file.is_file() and LEFTOVER_JINJA.search(file.read_text(encoding="utf-8")):
            raise AssertionError(f"Jinja left in {file}\n{_reproduce(chosen)}")
    _check(chosen, ["ruff", "check", "--no-cache", "."], path)
    _check(chosen, ["ruff", "format", "--check", "--no-cache", "."], path)
    _check(chosen, ["mypy", "--cache-dir", str(mypy_cache)], path)


def _suite(chosen: Example, path: Path, env: dict[str, str]) -> str:
    output = _check(chosen, ["pytest", "-p", "no:cacheprovider", "-x"], path, env)
    assert re.search(r"\d+ passed", output) and " failed" not in output
    return output


@pytest.mark.parametrize("index", range(0, COUNT, SUITE_EVERY) if SUITES else [])
def test_generated_suite_passes_on_sqlite(index: int, tmp_path: Path) -> None:
    chosen = EXAMPLES[index]
    path = render(tmp_path, **chosen.answers)
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    assert "database: sqlite" in _suite(chosen, path, env)


@pytest.mark.parametrize("index", range(1, COUNT, POSTGRES_EVERY) if SUITES else [])
def test_generated_suite_passes_on_postgresql(index: int, tmp_path: Path, postgres_database: str) -> None:
    chosen = EXAMPLES[index]
    path = render(tmp_path, **chosen.answers)
    output = _suite(chosen, path, {**os.environ, "TEST_DATABASE_URL": postgres_database})
    assert "database: postgresql+asyncpg" in output


def test_the_generator_covers_the_grammar() -> None:
    """Over the CI sample's first hundred seeds, every type, modifier and default form occurs."""
    text = "\n".join(f"{e.answers['entities']}\n{e.answers['many_to_many']}" for e in map(example, range(100)))
    for word in ["str(", "text", "bigint", "float", "decimal(", "bool", "date", "datetime", "uuid", "json",
                 "email", "url", "enum(", "unique(", " unique", " index", " hidden", " cascade", ">=", "<=",
                 "= true", "= false", '= "', "= '", "?", "_items)", "+", "{"]:  # fmt: skip
        assert word in text, word
    assert re.search(r"[A-Za-z]:[A-Za-z]", text), "a parent given with ':'"
    assert re.search(r": [Uu]ser owner", text), "an owned entity"
    assert re.search(r": user\??[,}\s]", text), "a reference to the built-in user that is no owner"
    assert re.search(r"decimal\(\d+,(\d+)\)[^,}]*= \d+[,\s}]", text), "a decimal default with fewer places"
    redrawn = sum(example(seed).redraws for seed in range(100))
    assert redrawn < 100, f"the generator made {redrawn} domains the parser refused, for 100 it kept"


def test_a_failure_names_the_command_that_reproduces_it(tmp_path: Path) -> None:
    chosen = example(SEED)
    with pytest.raises(AssertionError) as failed:
        _check(chosen, ["ruff", "check", "no-such-folder"], tmp_path)
    # Everything after the heading: a domain written over several lines keeps its newlines, quoted.
    command = str(failed.value).split("Reproduce with (from the template checkout):\n", 1)[1].strip()
    assert command.startswith(f"{COOKIECUTTER} --no-input --keep-project-on-failure ")
    words = shlex.split(command)
    assert f"entities={chosen.answers['entities']}" in words
    assert f"soft_delete={str(chosen.answers['soft_delete']).lower()}" in words
