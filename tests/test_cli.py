"""The generate command as a user runs it: bad answers end in one clear line and leave nothing."""

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEMPLATE


def cookiecutter_cli(tmp_path: Path, *answers: str) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "cookiecutter", "--no-input", str(TEMPLATE), "-o", str(tmp_path)]
    return subprocess.run([*args, "run_tests=no", "init_git=no", *answers], capture_output=True, text=True)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ("entities=hero:team", "ERROR: entity 'hero' belongs to 'team', which is not in the list"),
        ("entities=class", "ERROR: entity 'class': 'class' is a Python keyword"),
        ("many_to_many=team+villain", "ERROR: many_to_many pair 'team+villain' names 'villain'"),
        ("project_slug=Bad Slug", "ERROR: project_slug 'Bad Slug' is not kebab-case"),
    ],
)
def test_bad_answer_prints_one_error_first_and_leaves_no_project(tmp_path: Path, answer: str, error: str) -> None:
    result = cookiecutter_cli(tmp_path, answer)
    assert result.returncode != 0
    assert result.stderr.startswith(error), result.stderr[:500]
    assert list(tmp_path.iterdir()) == []


def test_good_answers_generate_a_project(tmp_path: Path) -> None:
    result = cookiecutter_cli(tmp_path, "project_name=Shop", "entities=customer, order:customer")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "shop" / "src" / "shop" / "orders" / "router.py").is_file()


def test_a_refused_answer_says_how_to_retry_with_the_saved_answers(tmp_path: Path) -> None:
    """Cookiecutter saves the answers before the hooks run: the second line names the file and the rerun."""
    config = tmp_path / "cookiecutterrc"
    config.write_text(f"replay_dir: {tmp_path / 'replay'}\n")
    env = {**os.environ, "COOKIECUTTER_CONFIG": str(config)}
    here, out = tmp_path / "here", tmp_path / "out"
    here.mkdir()
    args = [sys.executable, "-m", "cookiecutter", "--no-input", str(TEMPLATE), "-o", "../out"]
    refused = subprocess.run(
        [*args, "run_tests=no", "init_git=no", "entities=class, hero:class"],
        capture_output=True,
        text=True,
        cwd=here,
        env=env,
    )
    assert refused.returncode != 0
    error, hint = refused.stderr.splitlines()[:2]
    assert error.startswith("ERROR: entity 'class': 'class' is a Python keyword")
    saved = tmp_path / "replay" / f"{TEMPLATE.name}.json"
    prefix = f"To retry without retyping: fix the answer in {saved}, then run: "
    assert hint.startswith(prefix), hint
    assert hint.endswith(f" -m cookiecutter --replay --output-dir ../out {TEMPLATE}")

    saved.write_text(saved.read_text().replace('"class, hero:class"', '"klass, hero:klass"'))
    again = subprocess.run(shlex.split(hint.removeprefix(prefix)), capture_output=True, text=True, cwd=here, env=env)
    assert again.returncode == 0, again.stderr
    assert (out / "hero-service" / "src" / "hero_service" / "klasses" / "router.py").is_file()
