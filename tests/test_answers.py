"""Validation of the other answers, and what the pre-generation hook prints."""

from typing import Any

import pytest

from sqlmodel_scaffold.answers import validate
from sqlmodel_scaffold.entities import AnswerError
from sqlmodel_scaffold.hooks import pre_gen

DEFAULTS: dict[str, Any] = {
    "project_name": "Hero Service",
    "project_slug": "hero-service",
    "package_name": "hero_service",
    "author_email": "you@example.com",
    "entities": "team, hero:team",
    "many_to_many": "",
    "database": "postgresql",
    "primary_key": "int",
    "pagination": "offset",
    "soft_delete": False,
    "auth": "users",
    "run_tests": False,
    "init_git": False,
}


def test_defaults_are_valid() -> None:
    plan = validate(DEFAULTS)
    assert [e.name for e in plan.entities] == ["team", "hero"]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("project_name", " ", "project_name is empty"),
        ("project_slug", "Hero Service", "is not kebab-case"),
        ("project_slug", "hero_service", "is not kebab-case"),
        ("package_name", "hero-service", "is not a valid import name"),
        ("package_name", "class", "is not a valid import name"),
        ("package_name", "sqlmodel", "would shadow a dependency"),
        ("database", "mysql", "database 'mysql' is not one of postgresql, sqlite"),
        ("auth", "oauth", "auth 'oauth' is not one of users, none"),
        ("author_email", "Your Name", "is not an email address, and with auth=users it signs in the first superuser"),
        ("soft_delete", "maybe", "soft_delete must be true or false"),
        ("primary_key", "bigint", "primary_key 'bigint' is not one of int, uuid"),
        ("pagination", "page", "pagination 'page' is not one of offset, cursor"),
        ("entities", "hero:team", "which is not in the list"),
    ],
)
def test_bad_answers_are_refused(key: str, value: Any, message: str) -> None:
    with pytest.raises(AnswerError, match=message.replace("(", r"\(")):
        validate({**DEFAULTS, key: value})


def test_pre_gen_prints_one_error_line_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert pre_gen({**DEFAULTS, "entities": "hero:team"}) == 1
    err = capsys.readouterr().err
    assert err.startswith("ERROR: entity 'hero' belongs to 'team'")
    assert err.count("\n") == 1


def test_pre_gen_accepts_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    assert pre_gen(DEFAULTS) == 0
    assert capsys.readouterr().err == ""
