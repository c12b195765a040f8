"""What the cookiecutter hooks do; hooks/*.py only pass the answers in."""

import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import project_tests
from .answers import validate
from .entities import AnswerError
from .git_repo import first_commit
from .render import render_entity_files
from .replay import write_replay_file

KEEP_HINT = "Rerun cookiecutter with --keep-project-on-failure to keep the project for inspection."


def pre_gen(answers: Mapping[str, Any]) -> int:
    """Validate every answer; on a mistake print one ERROR line and return 1."""
    try:
        validate(answers)
    except AnswerError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    return 0


def post_gen(answers: Mapping[str, Any], project_dir: Path | None = None) -> int:
    """Finish the project: entity packages, answers file, then the test run and git when asked."""
    started = time.monotonic()
    project_dir = project_dir or Path.cwd()
    plan = validate(answers)
    render_entity_files(answers, plan, project_dir)
    write_replay_file(answers, project_dir)

    if "_commit" in answers:
        # cruft renders through cookiecutter's internals (create, and temporary copies for
        # diff and update): installing or committing there would be slow or wrong.
        print("cruft render: no test run and no git commit; run `make install test`", file=sys.stderr)
        return 0

    uv = project_tests.find_uv()
    status, counts = "not run", ""
    if answers["run_tests"] and project_tests.turned_off(os.environ):
        print(f"Test run skipped: {project_tests.RUN_TESTS_VARIABLE} is off.")
    elif answers["run_tests"]:
        status, counts = install_and_test(project_dir, uv)
        if status == "failed":
            return 1
    if answers["init_git"]:
        # No `uv lock` when the install just failed to reach an index: it would fail the same way.
        commit(project_dir, answers, uv if status != "not installed" else None)

    summary = f" ({counts})" if counts else ""
    print(f"Generated {project_dir.name} in {time.monotonic() - started:.1f} s{summary}.")
    next_targets = "run" if status == "passed" else "install test run"
    print(f"Next: cd {project_dir.name} && make {next_targets}  (README.md says more)")
    return 0


def install_and_test(project_dir: Path, uv: str | None) -> tuple[str, str]:
    """Install, then run the tests; return "passed", "failed" or "not installed", and pytest's counts."""
    if not uv and sys.version_info < project_tests.PROJECT_PYTHON:
        print(
            f"WARNING: the project needs Python 3.11+ and cookiecutter runs on {sys.version.split()[0]}, "
            f"so it was not installed. Install uv (it finds or fetches a Python), then: cd {project_dir.name} && make install test",
            file=sys.stderr,
        )
        return "not installed", ""
    for label, command in project_tests.install_steps(project_dir, uv):
        result = project_tests.run(command, project_dir, project_tests.INSTALL_TIMEOUT)
        _report(label, result.seconds, "ok" if result.ok else "failed")
        if result.ok:
            continue
        if project_tests.is_network_error(result.output):
            print(
                "WARNING: no package index could be reached, so the project is not installed and its tests did not run:\n"
                f"{project_tests.tail(result.output, 5)}\n"
                f"When you are online: cd {project_dir.name} && make install test",
                file=sys.stderr,
            )
            return "not installed", ""
        print(
            f"ERROR: installing the project failed:\n{project_tests.tail(result.output)}\n{KEEP_HINT}", file=sys.stderr
        )
        return "failed", ""

    result = project_tests.run(project_tests.test_command(project_dir), project_dir, project_tests.TEST_TIMEOUT)
    counts = project_tests.test_counts(result.output)
    _report("tests (pytest)", result.seconds, counts)
    if result.ok:
        return "passed", counts
    failed = "\n".join(project_tests.failed_tests(result.output)) or "(no FAILED lines; see the output below)"
    print(
        f"ERROR: the generated tests failed ({counts}):\n{failed}\n\n"
        f"Last lines of the test output:\n{project_tests.tail(result.output)}\n\n{KEEP_HINT}",
        file=sys.stderr,
    )
    return "failed", counts


def commit(project_dir: Path, answers: Mapping[str, Any], uv: str | None) -> None:
    """The first commit; with uv, lock the dependencies first if the install did not."""
    if uv and not (project_dir / "uv.lock").exists():
        # The first commit should pin dependencies even when the test run was off.
        locked = project_tests.run([uv, "lock"], project_dir, project_tests.INSTALL_TIMEOUT)
        _report("lock (uv lock)", locked.seconds, "ok" if locked.ok else "failed; committing without it")
    started = time.monotonic()
    try:
        short_hash = first_commit(project_dir, answers["author_name"], answers["author_email"])
    except RuntimeError as error:
        print(f"WARNING: no git repository was made: {error}", file=sys.stderr)
        return
    _report("git (init, commit)", time.monotonic() - started, short_hash)


def _report(label: str, seconds: float, outcome: str) -> None:
    """One line per step: what ran, how long it took, how it ended."""
    print(f"  {label:<20} {seconds:5.1f} s  {outcome}", flush=True)
