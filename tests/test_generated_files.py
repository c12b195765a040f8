"""What a user reads first in a generated project: `make`'s targets, and comments about their own code."""

import re
import subprocess
from pathlib import Path

import pytest
from conftest import render

# Every target the generated Makefile documents with a `##` comment (superuser: with auth=users,
# the default).
TARGETS = ("help", "install", "run", "test", "lint", "format", "migrate", "revision", "superuser")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("generated-files"), entities="team, hero:team", many_to_many="")


def make(project: Path, *args: str) -> str:
    done = subprocess.run(["make", "--no-print-directory", *args], cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_make_without_a_target_lists_the_targets(project: Path) -> None:
    listed = make(project)
    assert make(project, "help") == listed
    rows = [line.split(None, 1) for line in listed.splitlines()]
    assert [name for name, _ in rows] == list(TARGETS)
    assert all(description.strip() for _, description in rows)


def test_the_port_of_make_run_is_settable_and_documented(project: Path) -> None:
    assert make(project, "-n", "run").splitlines()[-1].endswith("--reload --port 8000")
    assert make(project, "-n", "run", "PORT=8001").splitlines()[-1].endswith("--reload --port 8001")
    assert "`make run PORT=8001`" in (project / "README.md").read_text()


def test_no_file_refers_to_the_templates_own_tools(project: Path) -> None:
    """The template's bench/ (and its other folders) are not in a user's project."""
    for path in project.rglob("*"):
        if path.is_file():
            assert not re.search(r"\bbench\b", path.read_text(encoding="utf-8"), re.IGNORECASE), path
