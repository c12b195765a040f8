"""`domain.yaml`: every answer, written by hand as YAML, read back by cookiecutter as it was meant."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import SPECS, TEMPLATE, render, tree_differences
from fuzz_domains import example

from sqlmodel_scaffold.answers import validate
from sqlmodel_scaffold.domain_file import DOMAIN_FILE, domain_yaml, normalized, one_item_a_line

ANSWERS = {
    "project_name": "Library Desk",
    "project_slug": "library-desk",
    "package_name": "library_desk",
    "author_email": "you@example.com",
    "entities": SPECS["library"][0],
    "many_to_many": SPECS["library"][1],
    "database": "postgresql",
    "primary_key": "int",
    "pagination": "offset",
    "soft_delete": False,
    "auth": "users",
    "run_tests": False,
    "init_git": False,
    "_extensions": ["sqlmodel_scaffold.jinja_extension.ScaffoldExtension"],
}


def test_every_answer_is_read_back_and_each_entity_is_one_line() -> None:
    text = domain_yaml(ANSWERS)
    read = yaml.safe_load(text)["default_context"]
    assert read == {k: v for k, v in normalized(ANSWERS).items() if not k.startswith("_")}
    assert "  entities: |-\n    author { name: str(120), born_on: date? }\n    book { title: str(200)," in text
    assert read["entities"].count("\n") == 4  # five entities, one a line
    assert validate(read) == validate(ANSWERS)
    assert domain_yaml(read) == text  # written again from what it says: the same bytes


def test_quoted_defaults_keep_their_separators_and_line_breaks() -> None:
    spec = 'a { note: str(20)? = "x,\n  y; z" }, b {\n  n: int }'
    assert one_item_a_line(spec, "entities") == 'a { note: str(20)? = "x,\n  y; z" }\nb { n: int }'
    text = domain_yaml({**ANSWERS, "entities": spec, "many_to_many": ""})
    read = yaml.safe_load(text)["default_context"]
    assert read["entities"] == one_item_a_line(spec, "entities")  # not a block: a line starts with spaces
    assert read["many_to_many"] == ""


@pytest.mark.parametrize("seed", range(60))
def test_fuzzed_domains_read_back_unchanged(seed: int) -> None:
    answers = {**ANSWERS, **example(seed).answers}
    read = yaml.safe_load(domain_yaml(answers))["default_context"]
    assert read["entities"] == one_item_a_line(answers["entities"], "entities")
    assert validate(read) == validate(answers)


def test_the_config_file_generates_the_same_project(tmp_path: Path) -> None:
    entities, many_to_many = SPECS["shop"]
    project = render(tmp_path / "first", project_name="Shop Desk", entities=entities, many_to_many=many_to_many)
    assert (project / DOMAIN_FILE).is_file()
    command = [sys.executable, "-m", "cookiecutter", "--no-input", "--config-file", str(project / DOMAIN_FILE)]
    done = subprocess.run([*command, "-o", str(tmp_path / "again"), str(TEMPLATE)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert tree_differences(project, tmp_path / "again" / project.name) == []


def test_add_keeps_domain_yaml_in_step_and_leaves_pending_edits_alone(tmp_path: Path) -> None:
    project = render(tmp_path, project_name="Shop Desk", entities="team, hero:team")
    env = {**os.environ, "SQLMODEL_TEMPLATE_RUN_TESTS": "0"}
    command = [sys.executable, "-m", "sqlmodel_scaffold.add", str(project)]
    added = subprocess.run([*command, "entities=power"], cwd=TEMPLATE, env=env, capture_output=True, text=True)
    assert added.returncode == 0, added.stderr
    read = yaml.safe_load((project / DOMAIN_FILE).read_text())["default_context"]
    assert read["entities"] == "team\nhero:team\npower"

    edited = (project / DOMAIN_FILE).read_text().replace("    power", "    power\n    villain")
    (project / DOMAIN_FILE).write_text(edited)
    refused = subprocess.run([*command, "entities=ship"], cwd=TEMPLATE, env=env, capture_output=True, text=True)
    assert refused.returncode == 1
    assert refused.stderr.startswith("ERROR: domain.yaml holds changes that are not applied yet"), refused.stderr
    assert (project / DOMAIN_FILE).read_text() == edited
