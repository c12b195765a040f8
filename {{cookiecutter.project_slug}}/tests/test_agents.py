"""AGENTS.md, the guide for whoever changes this project, and its copy as an agent skill:
every command it names works here."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
GUIDE = PROJECT_DIR / "AGENTS.md"
SKILL = PROJECT_DIR / ".agents" / "skills" / "{{ cookiecutter.project_slug }}" / "SKILL.md"
# Programs a backticked span may start with; each is run or checked below.
PROGRAMS = {"make", "python", "python3", "uv", "alembic", "pytest", "ruff", "mypy", "docker"}
# Run from a checkout of the template, not from here: README documents it the same way.
# Commands run from a checkout of the template, which README.md shows in full.
FROM_THE_TEMPLATE = ("python3 -m sqlmodel_scaffold.sync", "python3 -m sqlmodel_scaffold.add")


def commands() -> list[str]:
    spans = re.findall(r"`([^`\n]+)`", GUIDE.read_text(encoding="utf-8"))
    return [
        span
        for span in spans
        if span.partition(" ")[0] in PROGRAMS or span.startswith(".venv/bin/")
    ]


def test_the_skill_is_the_guide_under_a_header() -> None:
    skill = SKILL.read_text(encoding="utf-8")
    assert skill.startswith("---\nname: {{ cookiecutter.project_slug }}\ndescription: ")
    _, _, body = skill.removeprefix("---\n").partition("\n---\n")
    assert body == GUIDE.read_text(encoding="utf-8")


def test_every_command_the_guide_names_runs() -> None:
    named = commands()
    makes = [shlex.split(command) for command in named if command.startswith("make ")]
    assert {"install", "test", "lint", "run", "migrate", "revision"} <= {m[1] for m in makes}
    for make in makes:
        # A dry run: the target exists and its recipe expands (running them would nest the suite).
        done = subprocess.run(
            ["make", "--dry-run", *make[1:]], cwd=PROJECT_DIR, capture_output=True, text=True
        )
        assert done.returncode == 0, f"`{shlex.join(make)}`: {done.stdout}{done.stderr}"
    for command in named:
        if command.startswith("make "):
            continue
        if command.startswith(FROM_THE_TEMPLATE):
            module = command.split()[2]
            assert module in (PROJECT_DIR / "README.md").read_text(), command
            continue
        program, *arguments = shlex.split(command)
        assert program == ".venv/bin/pytest", f"a command this test does not know: `{command}`"
        # Collected, not run: the same tests, without running the suite inside itself.
        collect = ["--collect-only", "-q", "-p", "no:cacheprovider", *arguments]
        done = subprocess.run(
            [sys.executable, "-m", "pytest", *collect],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"`{command}`: {done.stdout[-2000:]}{done.stderr[-2000:]}"
