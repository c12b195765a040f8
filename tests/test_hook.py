"""The post-generation hook as users meet it: install, test, commit, and its failure paths."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import TEMPLATE, tree_differences

AUTHOR = ("Ada Lovelace", "ada@example.com")
SMALL_SPEC = ("entities=team, hero:team", f"author_name={AUTHOR[0]}", f"author_email={AUTHOR[1]}")


def environment(tmp_path: Path, with_uv: bool = True, **extra: str) -> dict[str, str]:
    """This interpreter's environment, with or without uv on PATH, and no git identity of anyone's."""
    tools = str(Path(sys.executable).parent)  # where the test extra installed uv
    dirs = [tools, *os.environ["PATH"].split(os.pathsep)]
    if not with_uv:
        dirs = [d for d in dirs if not (Path(d) / "uv").exists()]
    no_config = tmp_path / "empty-gitconfig"
    no_config.touch()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "VIRTUAL_ENV", "TEST_DATABASE_URL"))}
    env.pop("SQLMODEL_TEMPLATE_RUN_TESTS", None)
    env.update(PATH=os.pathsep.join(dirs), GIT_CONFIG_GLOBAL=str(no_config), GIT_CONFIG_NOSYSTEM="1", **extra)
    return env


def generate(
    output: Path, env: dict[str, str], *answers: str, template: Path = TEMPLATE, keep: bool = False
) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "cookiecutter", "--no-input", str(template), "-o", str(output)]
    if keep:
        args.append("--keep-project-on-failure")
    return subprocess.run([*args, *answers], capture_output=True, text=True, env=env, timeout=900)


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True).stdout.strip()


def test_uv_installs_the_tests_pass_and_one_commit_holds_the_tree(tmp_path: Path) -> None:
    result = generate(tmp_path / "out", environment(tmp_path), *SMALL_SPEC)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "install (uv sync)" in result.stdout
    assert " passed" in next(line for line in result.stdout.splitlines() if "tests (pytest)" in line)
    assert "Generated hero-service in" in result.stdout

    project = tmp_path / "out" / "hero-service"
    assert (project / ".venv").is_dir()
    assert git(project, "rev-list", "--count", "HEAD") == "1"
    assert git(project, "status", "--porcelain") == ""  # .venv and caches are ignored
    assert git(project, "ls-files", "uv.lock", ".cookiecutter-replay.json").split() == [
        ".cookiecutter-replay.json",
        "uv.lock",
    ]
    # No identity in the git config: the author answers sign the commit.
    assert git(project, "log", "--format=%an <%ae>") == f"{AUTHOR[0]} <{AUTHOR[1]}>"
    # The generated CI workflow runs on pushes to main.
    assert git(project, "branch", "--show-current") == "main"


def test_without_uv_pip_installs_uv_locks_and_the_ci_workflow_steps_pass(tmp_path: Path) -> None:
    env = environment(tmp_path, with_uv=False)
    result = generate(tmp_path / "out", env, *SMALL_SPEC)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "install (pip)" in result.stdout
    assert " passed" in next(line for line in result.stdout.splitlines() if "tests (pytest)" in line)
    assert "uv (pip install uv)" in result.stdout and "lock (uv lock)" in result.stdout, result.stdout
    project = tmp_path / "out" / "hero-service"
    assert git(project, "branch", "--show-current") == "main"
    assert git(project, "ls-files", "uv.lock") == "uv.lock"
    assert git(project, "status", "--porcelain") == ""

    # The generated CI workflow's steps, run here (on SQLite), with the uv the hook put in .venv.
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    [job] = workflow["jobs"].values()
    steps = [step["run"] for step in job["steps"] if "run" in step]
    assert steps == ["uv sync --locked", "make lint", "make test"]
    uv = project / ".venv" / "bin" / "uv"
    for step in steps:
        command = f"{uv} {step.removeprefix('uv ')}" if step.startswith("uv ") else step
        done = subprocess.run(command, shell=True, cwd=project, env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"{step}:\n{done.stdout}{done.stderr}"


@pytest.mark.parametrize(
    ("output_dir", "shown"),
    [("projects", "projects/hero-service"), ("../out", "{tmp_path}/out/hero-service")],
    ids=["below", "elsewhere"],
)
def test_next_names_the_project_from_where_cookiecutter_ran(tmp_path: Path, output_dir: str, shown: str) -> None:
    here = tmp_path / "here"
    here.mkdir()
    args = [sys.executable, "-m", "cookiecutter", "--no-input", str(TEMPLATE), "-o", output_dir, *SMALL_SPEC]
    env = environment(tmp_path, PWD="/somewhere/stale")  # a parent process's PWD is no guide
    result = subprocess.run(
        [*args, "run_tests=no", "init_git=no"], capture_output=True, text=True, env=env, cwd=here, timeout=300
    )
    assert result.returncode == 0, result.stderr
    # Then the last lines: how to sign in as the first superuser, whose password is in .env.
    lines = result.stdout.splitlines()
    next_line, *sign_in = lines[lines.index(next(line for line in lines if line.startswith("Next:"))) :]
    assert next_line.startswith(f"Next: cd {shown.format(tmp_path=tmp_path)} && make "), next_line
    project = here / next_line.split()[2]
    assert project.is_dir()
    password = (project / ".env").read_text().split("FIRST_SUPERUSER_PASSWORD=")[1].strip()
    assert (
        sign_in[0]
        == f"Sign in as the first superuser ({shown.format(tmp_path=tmp_path)}/.env has the key and the password):"
    )
    assert password in sign_in[1] and "/api/v1/auth/token" in sign_in[-1]


@pytest.fixture
def failing_template(tmp_path: Path) -> Path:
    """A copy of the template whose generated suite has one failing test."""
    copy = tmp_path / "template"
    shutil.copytree(TEMPLATE, copy, ignore=shutil.ignore_patterns(".git", ".venv", "*cache*"))
    tests = copy / "{{cookiecutter.project_slug}}" / "tests"
    (tests / "test_deliberately_broken.py").write_text("def test_breaks() -> None:\n    assert 1 + 1 == 3\n")
    return copy


@pytest.mark.parametrize("keep", [False, True], ids=["removed", "kept"])
def test_failing_generated_tests_fail_the_generation(tmp_path: Path, failing_template: Path, keep: bool) -> None:
    output = tmp_path / "out"
    result = generate(output, environment(tmp_path), *SMALL_SPEC, template=failing_template, keep=keep)
    assert result.returncode != 0
    assert "ERROR: the generated tests failed (1 failed, " in result.stderr
    assert "FAILED tests/test_deliberately_broken.py::test_breaks" in result.stderr
    assert "assert 1 + 1 == 3" in result.stderr  # the output's tail
    assert "--keep-project-on-failure" in result.stderr
    assert (output / "hero-service").exists() is keep


def test_code_that_fails_the_projects_linters_fails_the_generation(tmp_path: Path) -> None:
    """A project its own CI would refuse (`ruff check`, `ruff format --check`) is a failed generation."""
    copy = tmp_path / "template"
    shutil.copytree(TEMPLATE, copy, ignore=shutil.ignore_patterns(".git", ".venv", "*cache*"))
    tests = copy / "{{cookiecutter.project_slug}}" / "tests"
    # An unused import (ruff check) in a file that is not formatted as ruff would (ruff format).
    (tests / "test_deliberately_unlinted.py").write_text("import os\n\n\ndef test_passes() -> None:\n    assert (1)\n")
    output = tmp_path / "out"
    result = generate(output, environment(tmp_path), *SMALL_SPEC, template=copy)
    assert result.returncode != 0
    assert "ERROR: the generated project fails `ruff check`" in result.stderr, result.stderr
    assert "tests/test_deliberately_unlinted.py:1:8: F401" in result.stderr
    assert "ERROR: the generated project fails `ruff format --check`" in result.stderr
    assert "test_deliberately_unlinted.py" in result.stderr.split("`ruff format --check`")[1]
    assert "--keep-project-on-failure" in result.stderr
    assert "ERROR: the generated tests failed" not in result.stderr  # they pass
    report = [line.split()[:2] for line in result.stdout.splitlines() if line.startswith("  ")]
    assert [["ruff", "check"], ["ruff", "format"], ["tests", "(pytest)"]] == [
        r for r in report if r[0] in ("ruff", "tests")
    ]
    assert not (output / "hero-service").exists()


@pytest.mark.parametrize("with_uv", [True, False], ids=["uv", "pip"])
def test_an_unreachable_index_warns_and_keeps_the_project(tmp_path: Path, with_uv: bool) -> None:
    dead_index = "http://127.0.0.1:9/simple"  # nothing listens on the discard port
    env = environment(
        tmp_path,
        with_uv=with_uv,
        UV_DEFAULT_INDEX=dead_index,
        UV_CACHE_DIR=str(tmp_path / "empty-uv-cache"),
        UV_PYTHON_DOWNLOADS="never",
        PIP_INDEX_URL=dead_index,
        PIP_RETRIES="0",
        PIP_NO_CACHE_DIR="1",
        PIP_CONFIG_FILE=os.devnull,  # this machine's pip config adds local wheel folders
    )
    env.pop("PIP_FIND_LINKS", None)
    result = generate(tmp_path / "out", env, *SMALL_SPEC)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING: no package index could be reached" in result.stderr
    assert "make install test" in result.stderr
    project = tmp_path / "out" / "hero-service"
    assert (project / "src" / "hero_service" / "heroes" / "router.py").is_file()
    assert git(project, "rev-list", "--count", "HEAD") == "1"  # the commit still happens


def test_the_variable_turns_the_test_run_off(tmp_path: Path) -> None:
    env = environment(tmp_path, SQLMODEL_TEMPLATE_RUN_TESTS="0")
    result = generate(tmp_path, env, *SMALL_SPEC, "init_git=no")
    assert result.returncode == 0, result.stderr
    assert "Test run skipped: SQLMODEL_TEMPLATE_RUN_TESTS is off." in result.stdout
    assert not (tmp_path / "hero-service" / ".venv").exists()


def test_the_replay_file_generates_the_same_tree(tmp_path: Path) -> None:
    env = environment(tmp_path)
    answers = ("project_name=Pet Clinic", "entities=owner, pet:owner, vet", "many_to_many=vet+pet", "database=sqlite")
    first = generate(tmp_path / "first", env, *answers, "run_tests=no", "init_git=no")
    assert first.returncode == 0, first.stderr
    replay = tmp_path / "first" / "pet-clinic" / ".cookiecutter-replay.json"
    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--replay-file",
            str(replay),
            str(TEMPLATE),
            "-o",
            str(tmp_path / "again"),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert again.returncode == 0, again.stderr
    assert tree_differences(tmp_path / "first" / "pet-clinic", tmp_path / "again" / "pet-clinic") == []
