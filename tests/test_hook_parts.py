"""The hook's parts, one by one: the answers file, the installer's choices and its readings."""

import json
import os
from pathlib import Path

import pytest

from sqlmodel_scaffold import TEMPLATE_DIR, hooks, project_tests
from sqlmodel_scaffold.git_repo import first_commit, git
from sqlmodel_scaffold.replay import replay_context, saved_answers_file

UV_OFFLINE = """error: Failed to fetch: `http://127.0.0.1:9/simple/fastapi/`
  Caused by: error sending request for url (http://127.0.0.1:9/simple/fastapi/)
  Caused by: tcp connect error: Connection refused (os error 111)"""
PIP_OFFLINE = """ERROR: Could not find a version that satisfies the requirement hatchling (from versions: none)
ERROR: No matching distribution found for hatchling"""
UV_CONFLICT = """  x No solution found when resolving dependencies:
  `-> Because only fastapi<0.1 is available and your project depends on fastapi>=0.115, we can conclude
      that your project's requirements are unsatisfiable."""
PIP_OFFLINE_UV = """WARNING: Retrying ... Failed to establish a new connection: [Errno 111] Connection refused
ERROR: Could not find a version that satisfies the requirement uv (from versions: none)"""
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


def test_the_first_commit_is_on_main_whatever_git_defaults_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = master\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    project = tmp_path / "project"
    project.mkdir()
    (project / "README.md").write_text("hello\n")
    first_commit(project, "Ada Lovelace", "ada@example.com")
    assert git(project, "branch", "--show-current").stdout.strip() == "main"


def test_uv_comes_from_the_index_into_the_projects_venv(tmp_path: Path) -> None:
    (_, make_venv), (_, install_uv) = project_tests.uv_install_steps(tmp_path)
    assert make_venv[1:] == ["-m", "venv", ".venv"]
    assert install_uv[0] == str(tmp_path / ".venv" / "bin" / "python") and install_uv[-1] == "uv"
    project_tests.venv_python(tmp_path).parent.mkdir(parents=True)
    project_tests.venv_python(tmp_path).touch()
    assert [label for label, _ in project_tests.uv_install_steps(tmp_path)] == ["uv (pip install uv)"]
    assert project_tests.venv_uv(tmp_path) == tmp_path / ".venv" / "bin" / "uv"


def fake_run(outputs: dict[str, tuple[bool, str]], ran: list[list[str]]) -> object:
    """project_tests.run that answers by the command's last word, and records what ran."""

    def run(command: list[str], _project_dir: Path, _timeout: int) -> project_tests.Result:
        ran.append(command)
        ok, output = outputs.get(command[-1], (True, ""))
        return project_tests.Result(ok, output, 0.1)

    return run


def test_without_uv_the_lock_uses_uv_from_the_projects_venv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[list[str]] = []
    monkeypatch.setattr(project_tests, "run", fake_run({}, ran))
    assert hooks.lock(tmp_path, None, "hero-service")
    assert ran[-2][-4:] == ["install", "--quiet", "--disable-pip-version-check", "uv"]
    assert ran[-1] == [str(tmp_path / ".venv" / "bin" / "uv"), "lock"]


def test_with_uv_or_a_lock_already_there_nothing_is_fetched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[list[str]] = []
    monkeypatch.setattr(project_tests, "run", fake_run({}, ran))
    assert hooks.lock(tmp_path, "/usr/bin/uv", "hero-service")
    assert ran == [["/usr/bin/uv", "lock"]]
    (tmp_path / "uv.lock").touch()
    assert hooks.lock(tmp_path, None, "hero-service")
    assert len(ran) == 1


def test_no_index_for_uv_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran: list[list[str]] = []
    monkeypatch.setattr(project_tests, "run", fake_run({"uv": (False, PIP_OFFLINE_UV)}, ran))
    assert not hooks.lock(tmp_path, None, "../hero-service")
    assert not any(command[-1] == "lock" for command in ran)
    warning = capsys.readouterr().err
    assert warning.startswith("WARNING: no package index could be reached, so there is no uv.lock")
    assert "cd ../hero-service && uv lock" in warning


@pytest.mark.parametrize(
    ("project", "cwd", "shown"),
    [
        ("/home/ada/src/hero-service", "/home/ada/src", "hero-service"),
        ("/home/ada/src/hero-service", "/home/ada", "src/hero-service"),
        ("/home/ada/hero-service", "/home/ada/templates/fastapi", "/home/ada/hero-service"),
        ("/home/ada/my projects/hero-service", "/home/ada/templates", "'/home/ada/my projects/hero-service'"),
        ("/home/ada/hero-service", None, "/home/ada/hero-service"),
    ],
)
def test_the_next_step_names_the_project_from_where_the_user_stands(project: str, cwd: str | None, shown: str) -> None:
    assert hooks.shown_path(Path(project), cwd) == shown


ANSWERS = {
    "project_name": "Hero Service",
    "entities": "class",
    "_template": ".",
    "_output_dir": "/home/ada/src",
    "_repo_dir": ".",
}


@pytest.fixture
def replay_dir(tmp_path: Path) -> dict[str, str]:
    """A cookiecutter user config that moves the replay directory into tmp_path; the environment naming it."""
    config = tmp_path / "cookiecutterrc"
    config.write_text(f"default_context:\n  author_name: Ada\nreplay_dir: '{tmp_path / 'replay'}'\n")
    (tmp_path / "replay").mkdir()
    return {"COOKIECUTTER_CONFIG": str(config)}


def saved(tmp_path: Path, name: str, answers: dict[str, str]) -> Path:
    path = tmp_path / "replay" / f"{name}.json"
    path.write_text(json.dumps({"cookiecutter": answers, "_cookiecutter": {"project_name": "Hero Service"}}))
    return path


def test_the_saved_answers_are_found_in_the_configured_replay_dir(tmp_path: Path, replay_dir: dict[str, str]) -> None:
    assert saved_answers_file(ANSWERS, replay_dir) is None
    saved(tmp_path, "other-template", {**ANSWERS, "entities": "hero"})
    assert saved_answers_file(ANSWERS, replay_dir) is None
    path = saved(tmp_path, "fastapi-template", ANSWERS)
    assert saved_answers_file(ANSWERS, replay_dir) == path


def test_the_retry_hint_is_a_command_to_rerun_with_the_saved_answers(
    tmp_path: Path, replay_dir: dict[str, str]
) -> None:
    assert hooks.retry_hint(ANSWERS, str(TEMPLATE_DIR), replay_dir) is None  # nothing saved
    path = saved(tmp_path, TEMPLATE_DIR.name, ANSWERS)
    hint = hooks.retry_hint(ANSWERS, str(TEMPLATE_DIR), replay_dir)
    assert hint is not None
    assert hint.startswith(f"To retry without retyping: fix the answer in {path}, then run: ")
    assert hint.endswith(" -m cookiecutter --replay --output-dir /home/ada/src .")
    # A replay file named otherwise (saved after --replay-file) is named in the command.
    named = path.rename(path.with_name("hero-service.json"))
    hint = hooks.retry_hint(ANSWERS, str(TEMPLATE_DIR), replay_dir)
    # The path as typed from where cookiecutter ran: relative or absolute, whichever is shorter.
    relative = os.path.relpath(named, TEMPLATE_DIR)
    shown = relative if len(relative) < len(str(named)) else str(named)
    assert hint is not None and f"--replay-file {shown} " in hint
    assert hooks.retry_hint({**ANSWERS, "_commit": "0123abcd"}, str(TEMPLATE_DIR), replay_dir) is None  # cruft


RUFF_FAILED = """tests/test_extra.py:1:8: F401 [*] `os` imported but unused
Found 1 error.
[*] 1 fixable with the `--fix` option."""


def test_the_projects_own_ruff_runs_as_its_ci_does(tmp_path: Path) -> None:
    python = str(project_tests.venv_python(tmp_path))
    assert project_tests.lint_steps(tmp_path) == [
        ("ruff check", [python, "-m", "ruff", "check", "--output-format", "concise", "."]),
        ("ruff format --check", [python, "-m", "ruff", "format", "--check", "."]),
    ]


def fake_steps(failing: dict[str, str], ran: list[str]) -> object:
    """project_tests.run where the commands named in `failing` (by a word they hold) fail with its output."""

    def run(command: list[str], _project_dir: Path, _timeout: int) -> project_tests.Result:
        word = next((w for w in ("check", "format", "pytest") if w in command), command[-1])
        ran.append(word)
        output = failing.get(word, "==== 3 passed in 0.1s ====" if word == "pytest" else "")
        return project_tests.Result(word not in failing, output, 0.1)

    return run


def test_a_linter_failure_fails_the_run_with_ruffs_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran: list[str] = []
    monkeypatch.setattr(project_tests, "run", fake_steps({"check": RUFF_FAILED}, ran))
    assert hooks.run_tests(tmp_path, hooks.KEEP_HINT) == (False, "3 passed")
    assert ran == ["check", "format", "pytest"]  # the tests run anyway: every failure at once
    out, err = capsys.readouterr()
    assert [line.split()[:2] for line in out.splitlines()] == [
        ["ruff", "check"],
        ["ruff", "format"],
        ["tests", "(pytest)"],
    ]
    assert "failed" in out.splitlines()[0] and out.splitlines()[1].endswith("ok")
    assert err.startswith("ERROR: the generated project fails `ruff check`, which its CI runs:\n")
    assert "tests/test_extra.py:1:8: F401 [*] `os` imported but unused" in err
    assert err.rstrip().endswith(hooks.KEEP_HINT) and err.count(hooks.KEEP_HINT) == 1


def test_format_and_test_failures_are_both_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran: list[str] = []
    failing = {"format": "Would reformat: src/app/main.py\n1 file would be reformatted", "pytest": PYTEST_FAILED}
    monkeypatch.setattr(project_tests, "run", fake_steps(failing, ran))
    assert hooks.run_tests(tmp_path) == (False, "1 failed, 57 passed, 1 error")
    err = capsys.readouterr().err
    assert "ERROR: the generated project fails `ruff format --check`" in err
    assert "Would reformat: src/app/main.py" in err
    assert "ERROR: the generated tests failed (1 failed, 57 passed, 1 error)" in err


def test_clean_linters_and_passing_tests_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(project_tests, "run", fake_steps({}, []))
    assert hooks.run_tests(tmp_path, hooks.KEEP_HINT) == (True, "3 passed")
    assert capsys.readouterr().err == ""


def test_a_venv_with_only_uv_is_not_an_installed_project(tmp_path: Path) -> None:
    bin_dir = project_tests.venv_python(tmp_path).parent
    bin_dir.mkdir(parents=True)
    for name in ("python", "uv"):  # what the lock route leaves when the tests did not run
        (bin_dir / name).touch()
    assert not project_tests.is_installed(tmp_path)
    (bin_dir / "pytest").touch()
    assert project_tests.is_installed(tmp_path)


def test_a_relock_locks_again_and_trusts_the_systems_certificates_when_uvs_own_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[list[str]] = []
    unknown_issuer = "error: invalid peer certificate: UnknownIssuer"
    monkeypatch.setattr(project_tests, "run", fake_run({"lock": (False, unknown_issuer)}, ran))
    (tmp_path / "uv.lock").touch()
    assert hooks.lock(tmp_path, "/usr/bin/uv", "hero-service", relock=True)
    assert ran == [["/usr/bin/uv", "lock"], ["/usr/bin/uv", "lock", "--native-tls"]]
