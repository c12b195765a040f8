"""The template under the tools users render it with besides plain cookiecutter."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import TEMPLATE

SPEC = {"entities": "team, hero:team, category:category", "run_tests": False, "init_git": False}


def test_pytest_cookies_bakes_the_entity_packages(cookies: Any) -> None:
    result = cookies.bake(extra_context=SPEC, template=str(TEMPLATE))
    assert result.exit_code == 0, result.exception
    package = Path(result.project_path) / "src" / "hero_service"
    routed = sorted(p.name for p in package.iterdir() if (p / "router.py").is_file())
    assert routed == ["auth", "categories", "heroes", "teams", "users"]  # auth=users builds in two


def test_pytest_cookies_reports_a_bad_answer_as_a_failed_bake(cookies: Any) -> None:
    result = cookies.bake(extra_context={**SPEC, "entities": "hero:team"}, template=str(TEMPLATE))
    assert result.exit_code != 0
    assert result.exception is not None


def test_cruft_create_then_diff_shows_nothing(tmp_path: Path) -> None:
    """With run_tests and init_git at their defaults (on): cruft renders skip both."""
    cruft = [sys.executable, "-m", "cruft"]
    answers = {"entities": SPEC["entities"]}
    created = subprocess.run(
        [*cruft, "create", "--no-input", str(TEMPLATE), "--extra-context", json.dumps(answers)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert created.returncode == 0, created.stderr
    project = tmp_path / "hero-service"
    assert (project / "src" / "hero_service" / "categories" / "service.py").is_file()
    assert not (project / ".venv").exists() and not (project / ".git").exists()
    assert "cruft render: no test run and no git commit" in created.stderr
    diff = subprocess.run([*cruft, "diff", "--exit-code"], cwd=project, capture_output=True, text=True)
    assert diff.returncode == 0, diff.stdout + diff.stderr
    assert diff.stdout.strip() == ""
