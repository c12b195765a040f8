"""The floors in a generated pyproject are true: its suite passes with the lowest versions they allow."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import render
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

TOOLS = Path(sys.executable).parent  # where the test extra installed uv


def uv(project: Path, *args: str, **env: str) -> str:
    # Without VIRTUAL_ENV, uv uses the project's own .venv rather than warning about ours.
    environment = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    result = subprocess.run(
        [str(TOOLS / "uv"), *args],
        cwd=project,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"uv {' '.join(args)} failed:\n{output[-6000:]}"
    return output


def floors(project: Path) -> dict[str, Version]:
    """Each direct requirement's lower bound, from the runtime dependencies and the dev group."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    requirements = [Requirement(text) for text in pyproject["project"]["dependencies"]]
    requirements += [Requirement(text) for text in pyproject["dependency-groups"]["dev"]]
    found = {}
    for requirement in requirements:
        [bound] = [spec.version for spec in requirement.specifier if spec.operator == ">="]
        found[canonicalize_name(requirement.name)] = Version(bound)
    return found


def locked(project: Path) -> dict[str, Version]:
    lock = tomllib.loads((project / "uv.lock").read_text())
    return {canonicalize_name(package["name"]): Version(package["version"]) for package in lock["package"]}


def test_the_suite_passes_with_the_lowest_versions_allowed(tmp_path: Path, postgres_database: str) -> None:
    project = render(tmp_path)
    uv(project, "sync", "--resolution", "lowest-direct")
    installed = locked(project)
    # A floor below what another dependency requires would be raised silently here; it must not be.
    raised = {
        name: f"floor {floor}, installed {installed[name]}"
        for name, floor in floors(project).items()
        if installed[name] != floor
    }
    assert raised == {}
    for database_url in ("sqlite+aiosqlite:///:memory:", postgres_database):
        # --no-sync: a plain `uv run` would re-resolve to the highest versions first.
        output = uv(
            project, "run", "--no-sync", "pytest", "-q", "-p", "no:cacheprovider", TEST_DATABASE_URL=database_url
        )
        assert " passed" in output and "failed" not in output, output[-3000:]
