"""The README's commands, verbatim, in a fresh shell: generate on a venv's python3 and on a
distribution's externally managed one (PEP 668), where `pip install` outside a venv is refused;
then, with the environment that command made, generate from a config file, add and compare."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEMPLATE

SYSTEM_PATH = "/usr/bin:/bin"
NETWORK_SETTING = re.compile(
    r"^(SSL_CERT_(FILE|DIR)|REQUESTS_CA_BUNDLE|PIP_CERT|(HTTPS?|ALL|NO)_PROXY)$", re.IGNORECASE
)
# Enter at every prompt: the defaults (more lines than prompts; extra ones are not read).
DEFAULTS = "\n" * 60


def readme_block(after: str, kind: str = "sh") -> str:
    """The first ```kind block after the text `after` in README.md."""
    readme = (TEMPLATE / "README.md").read_text(encoding="utf-8")
    match = re.search(re.escape(after) + rf".*?```{kind}\n(.+?)\n```", readme, re.DOTALL)
    assert match, f"README.md has no {kind} block after {after!r}"
    return match.group(1)


def readme_command() -> str:
    return readme_block("Generate a service")


def externally_managed(python: str) -> bool:
    marker = (
        "import os, sysconfig; print(os.path.exists(os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED')))"
    )
    return subprocess.run([python, "-c", marker], capture_output=True, text=True).stdout.strip() == "True"


def python_dirs(kind: str, tmp_path: Path) -> str:
    """PATH for the fresh shell: the system's python3, or a venv's python3 before it."""
    if kind == "venv":
        subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "user-venv")], check=True)
        return f"{tmp_path / 'user-venv' / 'bin'}:{SYSTEM_PATH}"
    system_python = shutil.which("python3", path=SYSTEM_PATH)
    if system_python is None or not externally_managed(system_python):
        pytest.skip(f"no externally managed python3 in {SYSTEM_PATH}")
    return SYSTEM_PATH


@pytest.mark.parametrize("kind", ["externally-managed", "venv"])
def test_the_readme_generate_command_works_in_a_fresh_shell(tmp_path: Path, kind: str) -> None:
    path = python_dirs(kind, tmp_path)
    checkout = tmp_path / "src" / "fastapi-template"
    shutil.copytree(TEMPLATE, checkout, ignore=shutil.ignore_patterns(".git", ".venv", "*cache*", "*.egg-info"))
    home = tmp_path / "home"
    home.mkdir()
    # None of this process's environment but the machine's network settings (proxies, CA files);
    # the test run is off, the rest as a user has it.
    network = {key: value for key, value in os.environ.items() if NETWORK_SETTING.search(key)}
    env = {**network, "HOME": str(home), "PATH": path, "LANG": "C.UTF-8", "SQLMODEL_TEMPLATE_RUN_TESTS": "0"}
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", readme_command()],
        cwd=checkout,
        env=env,
        input=DEFAULTS,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    project = tmp_path / "src" / "hero-service"
    assert (project / "src" / "hero_service" / "heroes" / "router.py").is_file(), output[-3000:]
    assert (project / "uv.lock").is_file()
    assert f"Next: cd {project} && make install test run" in result.stdout

    # The other commands, as README writes them, with the environment the first one made.
    def shell(command: str) -> str:
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-c", command],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"[-5000:]
        return done.stdout

    (checkout / "library.yaml").write_text(readme_block("A domain kept in a file", "yaml") + "\n")
    generate_from_file = readme_block("A domain kept in a file", "sh")
    assert generate_from_file.startswith("../.cookiecutter-venv/bin/cookiecutter --no-input --config-file ")
    shell(generate_from_file)
    library = tmp_path / "src" / "library-desk"
    assert (library / "src" / "library_desk" / "loans" / "router.py").is_file()

    add = readme_block("## Day two: adding entities and pairs")
    assert add.startswith("../.cookiecutter-venv/bin/python -m sqlmodel_scaffold.add ../library-desk ")
    added = shell(add)
    assert "  add migrations/versions/0002_add_branch_copy_member_branch_link.py" in added
    assert (library / "src" / "library_desk" / "copies" / "router.py").is_file()

    compare = readme_block("## Comparing two variants")
    assert compare.startswith("../.cookiecutter-venv/bin/python -m sqlmodel_scaffold.compare ")
    assert re.search(r"^\d+ files? differs?", shell(compare), re.MULTILINE)
