"""What the cookiecutter hooks do; hooks/*.py only pass the answers in."""

import os
import shlex
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import TEMPLATE_DIR, project_tests
from .answers import validate
from .domain_file import normalized, write_domain_file
from .dotenv import sign_in_lines, write_dotenv
from .entities import AnswerError
from .git_repo import first_commit
from .render import initial_revision, render_auth_files, render_entity_files, render_revision
from .replay import saved_answers_file, write_replay_file

KEEP_HINT = "Rerun cookiecutter with --keep-project-on-failure to keep the project for inspection."


def pre_gen(answers: Mapping[str, Any], caller_cwd: str | None = None) -> int:
    """Validate every answer; on a mistake print one ERROR line, how to retry, and return 1."""
    try:
        validate(answers)
    except AnswerError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        try:
            hint = retry_hint(answers, caller_cwd, os.environ)
        except OSError:  # a hint is a courtesy; never a traceback after the ERROR line
            hint = None
        if hint:
            print(hint, file=sys.stderr)
        return 1
    return 0


def retry_hint(answers: Mapping[str, Any], caller_cwd: str | None, environ: Mapping[str, str]) -> str | None:
    """How to rerun without retyping: cookiecutter saved the answers before the hooks ran.

    None when the saved file cannot be found (or under cruft, which saves none).
    """
    if "_commit" in answers:
        return None
    saved = saved_answers_file(answers, environ)
    if saved is None:
        return None
    template = str(answers.get("_template") or TEMPLATE_DIR)
    if caller_cwd is None and not Path(template).is_absolute() and "://" not in template:
        template = str(TEMPLATE_DIR)
    # `--replay` reads <replay_dir>/<template folder name>.json; any other file needs --replay-file.
    repo_dir = os.path.abspath(os.path.join(caller_cwd or "", str(answers.get("_repo_dir", ""))))
    if caller_cwd and saved.stem == os.path.basename(repo_dir):
        replay = ["--replay"]
    else:
        replay = ["--replay-file", _shortest(saved, caller_cwd)]
    output_dir = str(answers.get("_output_dir") or "")
    output = ["--output-dir", _shortest(Path(output_dir), caller_cwd)] if output_dir else []
    if output and caller_cwd and os.path.abspath(output_dir) == os.path.abspath(caller_cwd):
        output = []
    command = [_shortest(Path(sys.executable), caller_cwd), "-m", "cookiecutter", *replay, *output, template]
    return f"To retry without retyping: fix the answer in {_home_relative(saved)}, then run: {shlex.join(command)}"


def shown_path(path: Path, caller_cwd: str | None) -> str:
    """`path` as the user can type it where they stand: relative below their directory, else absolute."""
    absolute = Path(os.path.abspath(path))
    if caller_cwd:
        try:
            return shlex.quote(str(absolute.relative_to(os.path.abspath(caller_cwd))))
        except ValueError:
            pass
    return shlex.quote(str(absolute))


def _shortest(path: Path, caller_cwd: str | None) -> str:
    """`path` relative to the caller's directory (`..` allowed) or absolute, whichever is shorter."""
    absolute = os.path.abspath(path)
    if not caller_cwd:
        return absolute
    relative = os.path.relpath(absolute, caller_cwd)
    return relative if len(relative) < len(absolute) else absolute


def _home_relative(path: Path) -> str:
    home = Path.home()
    try:
        return f"~/{path.relative_to(home).as_posix()}"
    except ValueError:
        return str(path)


def post_gen(answers: Mapping[str, Any], project_dir: Path | None = None, caller_cwd: str | None = None) -> int:
    """Finish the project: entity packages, answers file, then the test run, uv.lock and git when asked.

    `caller_cwd` is where cookiecutter was started (see jinja_extension.CALLER_CWD): printed paths
    are relative to it.
    """
    started = time.monotonic()
    project_dir = project_dir or Path.cwd()
    where = shown_path(project_dir, caller_cwd)
    plan = validate(answers)
    render_entity_files(answers, plan, project_dir)
    render_auth_files(answers, plan, project_dir)
    render_revision(answers, plan, initial_revision(plan), project_dir)
    write_answers(answers, project_dir)

    if "_commit" in answers:
        # cruft renders through cookiecutter's internals (create, and temporary copies for
        # diff and update): installing or committing there would be slow or wrong.
        print("cruft render: no test run and no git commit; run `make install test`", file=sys.stderr)
        return 0

    # Before the tests: a test that starts the app reads .env as the service does.
    first_superuser = write_dotenv(answers, project_dir)
    uv = project_tests.find_uv()
    status, counts = "not run", ""
    if answers["run_tests"] and project_tests.turned_off(os.environ):
        print(f"Test run skipped: {project_tests.RUN_TESTS_VARIABLE} is off.")
    elif answers["run_tests"]:
        status, counts = install_and_test(project_dir, uv, where)
        if status == "failed":
            return 1
    # Every route that installs or commits leaves a uv.lock, which the CI workflow
    # (`uv sync --locked`) and the Dockerfile need. Not when the install just failed to
    # reach an index: locking would fail the same way.
    if (answers["run_tests"] or answers["init_git"]) and status != "not installed":
        lock(project_dir, uv, where)
    if answers["init_git"]:
        commit(project_dir, answers)

    summary = f" ({counts})" if counts else ""
    print(f"Generated {project_dir.name} in {time.monotonic() - started:.1f} s{summary}.")
    next_targets = "run" if status == "passed" else "install test run"
    print(f"Next: cd {where} && make {next_targets}  (README.md says more)")
    if first_superuser:
        print("\n".join(sign_in_lines(where, *first_superuser)))
    return 0


def write_answers(answers: Mapping[str, Any], project_dir: Path, domain: bool = True) -> list[Path]:
    """The answers files: `.cookiecutter-replay.json` (what was applied) and `domain.yaml` (what a
    team edits; not when `sync` applied it), both with the entities one a line."""
    answers = normalized(answers)
    written = [write_replay_file(answers, project_dir)]
    if domain:
        written.append(write_domain_file(answers, project_dir))
    return written


def install_and_test(project_dir: Path, uv: str | None, where: str | None = None) -> tuple[str, str]:
    """Install, then run the tests; return "passed", "failed" or "not installed", and pytest's counts."""
    status = install(project_dir, uv, where or project_dir.name, KEEP_HINT)
    if status != "installed":
        return status, ""
    passed, counts = run_tests(project_dir, KEEP_HINT)
    return "passed" if passed else "failed", counts


def install(project_dir: Path, uv: str | None, where: str, hint: str = "") -> str:
    """Install the project into its .venv; return "installed", "failed" or "not installed" (no index)."""
    if not uv and sys.version_info < project_tests.PROJECT_PYTHON:
        print(
            f"WARNING: the project needs Python 3.11+ and cookiecutter runs on {sys.version.split()[0]}, "
            f"so it was not installed. Install uv (it finds or fetches a Python), then: cd {where} && make install test",
            file=sys.stderr,
        )
        return "not installed"
    for label, command in project_tests.install_steps(project_dir, uv):
        result = project_tests.run(command, project_dir, project_tests.INSTALL_TIMEOUT)
        _report(label, result.seconds, "ok" if result.ok else "failed")
        if result.ok:
            continue
        if project_tests.is_network_error(result.output):
            print(
                "WARNING: no package index could be reached, so the project is not installed and its tests did not run:\n"
                f"{project_tests.tail(result.output, 5)}\n"
                f"When you are online: cd {where} && make install test",
                file=sys.stderr,
            )
            return "not installed"
        print(f"ERROR: installing the project failed:\n{project_tests.tail(result.output)}\n{hint}", file=sys.stderr)
        return "failed"
    return "installed"


def run_tests(project_dir: Path, hint: str = "") -> tuple[bool, str]:
    """Run the installed project's linters (as its CI does) and its tests, one report line each;
    on a failure, print what failed and `hint`. Return whether all passed, and pytest's counts."""
    failures = []
    for label, command in project_tests.lint_steps(project_dir):
        result = project_tests.run(command, project_dir, project_tests.LINT_TIMEOUT)
        _report(label, result.seconds, "ok" if result.ok else "failed")
        if not result.ok:
            failures.append(
                f"ERROR: the generated project fails `{label}`, which its CI runs:\n{project_tests.tail(result.output)}"
            )
    # The tests run even after a linter failed: the user then sees everything at once.
    result = project_tests.run(project_tests.test_command(project_dir), project_dir, project_tests.TEST_TIMEOUT)
    counts = project_tests.test_counts(result.output)
    _report("tests (pytest)", result.seconds, counts)
    if not result.ok:
        failed = "\n".join(project_tests.failed_tests(result.output)) or "(no FAILED lines; see the output below)"
        failures.append(
            f"ERROR: the generated tests failed ({counts}):\n{failed}\n\n"
            f"Last lines of the test output:\n{project_tests.tail(result.output)}"
        )
    if failures:
        print("\n\n".join(failures) + (f"\n\n{hint}" if hint else ""), file=sys.stderr)
    return not failures, counts


def lock(project_dir: Path, uv: str | None, where: str, relock: bool = False) -> bool:
    """Write uv.lock unless `uv sync` did (or again, with `relock`: `sync` changed pyproject.toml);
    without uv on PATH, install uv into the project's .venv first.

    A failure is a warning: the project works without the lock, until CI runs `uv sync --locked`.
    """
    if (project_dir / "uv.lock").exists() and not relock:
        return True
    if not uv:
        for label, command in project_tests.uv_install_steps(project_dir):
            result = project_tests.run(command, project_dir, project_tests.INSTALL_TIMEOUT)
            _report(label, result.seconds, "ok" if result.ok else "failed")
            if not result.ok:
                _no_lock(result, where)
                return False
        uv = str(project_tests.venv_uv(project_dir))
    result = project_tests.run([uv, "lock"], project_dir, project_tests.INSTALL_TIMEOUT)
    if not result.ok and project_tests.is_certificate_error(result.output):
        # uv trusts its own roots; a proxy's or a company's certificate is in the system's store.
        result = project_tests.run([uv, "lock", "--native-tls"], project_dir, project_tests.INSTALL_TIMEOUT)
    _report("lock (uv lock)", result.seconds, "ok" if result.ok else "failed")
    if not result.ok:
        _no_lock(result, where)
    return result.ok


def _no_lock(result: project_tests.Result, where: str) -> None:
    reason = "no package index could be reached" if project_tests.is_network_error(result.output) else "locking failed"
    print(
        f"WARNING: {reason}, so there is no uv.lock (CI runs `uv sync --locked`, which needs it):\n"
        f"{project_tests.tail(result.output, 5)}\n"
        f"Later: cd {where} && uv lock  (with uv installed), then commit uv.lock",
        file=sys.stderr,
    )


def commit(project_dir: Path, answers: Mapping[str, Any]) -> None:
    """The first commit, on branch main."""
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
