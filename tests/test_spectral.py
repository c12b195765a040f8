"""Spectral's `spectral:oas` rules, a linter nobody here wrote, against generated OpenAPI schemas.

Needs the `spectral` command (`npm install -g @stoplight/spectral-cli`); .ci/run installs it.
Without it the test skips, except with CI or REQUIRE_SPECTRAL set, where it fails.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import choose, render_variant

RUNS = [("default", choose(0, 0, 0, 0, 0)), ("library", choose(1, 1, 1, 1, 1)), ("field-rich", choose(0, 1, 0, 1, 0))]


@pytest.mark.parametrize(("spec", "options"), RUNS, ids=[spec for spec, _ in RUNS])
def test_the_schema_passes_spectral_oas_without_warnings(spec: str, options: dict[str, object], tmp_path: Path) -> None:
    spectral = shutil.which("spectral")
    if spectral is None:
        message = "spectral is not on PATH: npm install -g @stoplight/spectral-cli"
        if os.environ.get("CI") or os.environ.get("REQUIRE_SPECTRAL"):
            pytest.fail(message)
        pytest.skip(message)
    project = render_variant(tmp_path, spec, options)
    package = next((project / "src").iterdir()).name
    dump = f"import json; from {package}.main import app; print(json.dumps(app.openapi()))"
    # From the project, whose .env holds the SECRET_KEY the app needs with auth=users.
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    schema = subprocess.run(
        [sys.executable, "-c", dump], cwd=project, env=env, capture_output=True, text=True, check=True, timeout=120
    ).stdout
    (project / "openapi.json").write_text(schema)
    (project / ".spectral.yaml").write_text('extends: ["spectral:oas"]\n')
    result = subprocess.run(
        [spectral, "lint", "--fail-severity", "warn", "openapi.json"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No results with a severity of 'warn' or higher found!" in result.stdout, result.stdout
