"""The hook's parts, one by one: the answers file, the installer's choices and its readings."""

from pathlib import Path

import pytest

from sqlmodel_scaffold import project_tests
from sqlmodel_scaffold.git_repo import first_commit, git
from sqlmodel_scaffold.replay import replay_context

UV_OFFLINE = """error: Failed to fetch: `http://127.0.0.1:9/simple/fastapi/`
  Caused by: error sending request for url (http://127.0.0.1:9/simple/fastapi/)
  Caused by: tcp connect error: Connection refused (os error 111)"""
PIP_OFFLINE = """ERROR: Could not find a version that satisfies the requirement hatchling (from versions: none)
ERROR: No matching distribution found for hatchling"""
UV_CONFLICT = """  x No solution found when resolving dependencies:
  `-> Because only fastapi<0.1 is available and your project depends on fastapi>=0.115, we can conclude
      that your project's requirements are unsatisfiable."""
PYTEST_FAILED = """F.
FAILED tests/test_teams.py::test_create - assert 500 == 201
ERROR tests/test_heroes.py::test_list - RuntimeError: boom
1 failed, 57 passed, 1 error in 2.31s"""


def test_the_replay_context_keeps_answers_and_extensions_only() -> None:
    answers = {
        "project_name": "Shop",
        "run_tests": True,
        "_extensions": ["sqlmodel_scaffold.jinja_extension.ScaffoldExtension"],
        "_template": "/home/ada/templates/fastapi",
        "_output_dir": "/home/ada/src",
        "_repo_dir": "/home/ada/templates/fastapi",
        "_checkout": None,
        "_commit": "0123abcd",
    }
    assert replay_context(answers) == {
        "cookiecutter": {
            "project_name": "Shop",
            "run_tests": True,
            "_extensions": ["sqlmodel_scaffold.jinja_extension.ScaffoldExtension"],
        }
    }


@pytest.mark.parametrize(("output", "offline"), [(UV_OFFLINE, True), (PIP_OFFLINE, True), (UV_CONFLICT, False)])
def test_network_failures_are_told_from_other_install_failures(output: str, offline: bool) -> None:
    assert project_tests.is_network_error(output) is offline


def test_pytest_output_gives_counts_and_failures() -> None:
    assert project_tests.test_counts(PYTEST_FAILED) == "1 failed, 57 passed, 1 error"
    assert project_tests.test_counts("==== 29 passed in 0.59s ====") == "29 passed"
    assert project_tests.failed_tests(PYTEST_FAILED) == [
        "FAILED tests/test_teams.py::test_create - assert 500 == 201",
        "ERROR tests/test_heroes.py::test_list - RuntimeError: boom",
    ]


@pytest.mark.parametrize(("value", "off"), [("0", True), ("false", True), ("No", True), ("1", False), ("", False)])
def test_the_variable_reads_like_a_boolean(value: str, off: bool) -> None:
    assert project_tests.turned_off({project_tests.RUN_TESTS_VARIABLE: value}) is off


def test_uv_is_preferred_and_pip_gets_the_dev_group(tmp_path: Path) -> None:
    assert project_tests.install_steps(tmp_path, uv="/usr/bin/uv") == [("install (uv sync)", ["/usr/bin/uv", "sync"])]
    (_, make_venv), (_, upgrade_pip), (_, install) = project_tests.install_steps(tmp_path, uv=None)
    assert make_venv[1:] == ["-m", "venv", ".venv"]
    assert upgrade_pip[-1] == "pip>=25.1"
    assert install[-4:] == ["--editable", ".", "--group", "dev"]


def test_a_configured_identity_signs_the_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Grace Hopper\n\temail = grace@example.com\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    project = tmp_path / "project"
    project.mkdir()
    (project / "README.md").write_text("hello\n")
    first_commit(project, "Your Name", "you@example.com")
    assert git(project, "log", "--format=%an <%ae>").stdout.strip() == "Grace Hopper <grace@example.com>"
