"""The generated CI workflow passes zizmor's audits, and dependabot keeps its pins and the lock current."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import render

TOOLS = Path(sys.executable).parent  # where the test extra installed zizmor
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp(request.param), database=request.param)


def test_zizmor_finds_nothing(project: Path) -> None:
    # --offline: no GitHub API (no token in CI); the audits that need one check tags and advisories.
    result = subprocess.run(
        [str(TOOLS / "zizmor"), "--offline", "--no-progress", str(project)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_the_workflow_has_a_read_only_token_and_pinned_actions(project: Path) -> None:
    text = (project / ".github" / "workflows" / "ci.yml").read_text()
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {"contents": "read"}
    steps = workflow["jobs"]["check"]["steps"]
    uses = [step["uses"] for step in steps if "uses" in step]
    assert uses and all(PINNED.match(action) for action in uses), uses
    for action in uses:
        # The tag stays readable next to its commit, for people and for dependabot.
        assert re.search(re.escape(action) + r" # v\d+\.\d+\.\d+\n", text), action
    [checkout] = [step for step in steps if step.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["persist-credentials"] is False


def test_dependabot_updates_the_actions_and_the_lock(project: Path) -> None:
    config = yaml.safe_load((project / ".github" / "dependabot.yml").read_text())
    assert config["version"] == 2
    ecosystems = {update["package-ecosystem"]: update for update in config["updates"]}
    assert set(ecosystems) == {"github-actions", "uv"}
    assert all(update["directory"] == "/" for update in ecosystems.values())
