"""Install the generated project in its own environment and run its test suite (`run_tests`)."""

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# Turns the test run off without editing answers (CI, scripted generation): set it to 0.
RUN_TESTS_VARIABLE = "SQLMODEL_TEMPLATE_RUN_TESTS"
# Bounds so that a stuck download or test never hangs the generation.
INSTALL_TIMEOUT = 900
TEST_TIMEOUT = 900
LINT_TIMEOUT = 300
# What uv and pip print when no package index answers (DNS, refused, offline, proxy).
NETWORK_ERROR = re.compile(
    r"failed to fetch|error sending request|dns error|failed to lookup address|connection refused"
    r"|could not connect|network is unreachable|tcp connect error|timed out|offline"
    r"|failed to establish a new connection|temporary failure in name resolution"
    r"|no matching distribution found|from versions: none|proxyerror",
    re.IGNORECASE,
)
# What uv prints when it does not trust the index's certificate (uv's own roots, not the system's).
CERTIFICATE_ERROR = re.compile(r"UnknownIssuer|invalid peer certificate|certificate verify failed", re.IGNORECASE)
PYTEST_COUNTS = re.compile(r"^=*\s*((?:\d+ \w+(?:, )?)+) in [\d.]+s", re.MULTILINE)
PROJECT_PYTHON = (3, 11)


@dataclass(frozen=True)
class Result:
    ok: bool
    output: str
    seconds: float


def turned_off(environ: Mapping[str, str]) -> bool:
    return environ.get(RUN_TESTS_VARIABLE, "").strip().lower() in {"0", "false", "no", "off"}


def find_uv() -> str | None:
    return shutil.which("uv")


def venv_python(project_dir: Path) -> Path:
    scripts = "Scripts/python.exe" if os.name == "nt" else "bin/python"
    return project_dir / ".venv" / scripts


def is_installed(project_dir: Path) -> bool:
    """Whether the project's .venv has its dev tools: without a test run, the hook may have
    made a .venv that holds only uv (for `uv lock`)."""
    pytest = venv_python(project_dir).with_name("pytest.exe" if os.name == "nt" else "pytest")
    return pytest.exists()


def install_steps(project_dir: Path, uv: str | None) -> list[tuple[str, list[str]]]:
    """(label, command) pairs: uv when it is on PATH (it also writes uv.lock), else venv and pip.

    The same route as the generated Makefile's `install` target.
    """
    if uv:
        return [("install (uv sync)", [uv, "sync"])]
    pip = [str(venv_python(project_dir)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    return [
        ("venv", [sys.executable, "-m", "venv", ".venv"]),
        ("pip>=25.1", [*pip, "pip>=25.1"]),  # for --group, which installs the dev dependency group
        ("install (pip)", [*pip, "--editable", ".", "--group", "dev"]),
    ]


def venv_uv(project_dir: Path) -> Path:
    return venv_python(project_dir).with_name("uv.exe" if os.name == "nt" else "uv")


def uv_install_steps(project_dir: Path) -> list[tuple[str, list[str]]]:
    """(label, command) pairs that put uv from the package index into the project's .venv.

    For `uv lock` when uv is not installed: the lock is what CI and the Dockerfile install from.
    The .venv is made first if the test run did not make it.
    """
    steps = []
    if not venv_python(project_dir).exists():
        steps.append(("venv", [sys.executable, "-m", "venv", ".venv"]))
    pip = [str(venv_python(project_dir)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    steps.append(("uv (pip install uv)", [*pip, "uv"]))
    return steps


def lint_steps(project_dir: Path) -> list[tuple[str, list[str]]]:
    """(label, command) pairs: the project's own ruff, as its CI runs it (`make lint`).

    A project that would fail its CI on the first push is a failed generation. mypy, which
    `make lint` runs too, is left to the template's own checks: it takes a minute per project.
    """
    ruff = [str(venv_python(project_dir)), "-m", "ruff"]
    return [
        # concise: one line per finding, which is what the failure message shows
        ("ruff check", [*ruff, "check", "--output-format", "concise", "."]),
        ("ruff format --check", [*ruff, "format", "--check", "."]),
    ]


def test_command(project_dir: Path) -> list[str]:
    return [str(venv_python(project_dir)), "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider"]


def run(command: list[str], project_dir: Path, timeout: int) -> Result:
    # An activated virtualenv of the caller's is not the project's; uv would warn about it.
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    started = time.monotonic()
    try:
        done = subprocess.run(command, cwd=project_dir, env=env, capture_output=True, text=True, timeout=timeout)
        ok, output = done.returncode == 0, done.stdout + done.stderr
    except subprocess.TimeoutExpired as expired:
        ok, output = False, f"{_text(expired.stdout)}{_text(expired.stderr)}\n{command[0]} timed out after {timeout} s"
    except OSError as error:
        ok, output = False, f"{command[0]}: {error}"
    return Result(ok, output, time.monotonic() - started)


def _text(stream: bytes | str | None) -> str:
    return stream.decode(errors="replace") if isinstance(stream, bytes) else stream or ""


def is_network_error(output: str) -> bool:
    return bool(NETWORK_ERROR.search(output))


def is_certificate_error(output: str) -> bool:
    return bool(CERTIFICATE_ERROR.search(output))


def test_counts(output: str) -> str:
    """pytest's closing counts, e.g. '58 passed' or '1 failed, 57 passed'."""
    matches = PYTEST_COUNTS.findall(output)
    return str(matches[-1]) if matches else "no test summary"


def failed_tests(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("FAILED ", "ERROR "))]


def tail(output: str, lines: int = 30) -> str:
    return "\n".join(output.rstrip().splitlines()[-lines:])
