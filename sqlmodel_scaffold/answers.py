"""Validation of every answer in cookiecutter.json before anything is written."""

import keyword
import re
from collections.abc import Mapping
from typing import Any

from .entities import AnswerError, Plan, parse

CHOICES = {
    "database": ("postgresql", "sqlite"),
    "primary_key": ("int", "uuid"),
    "pagination": ("offset", "cursor"),
    "auth": ("users", "none"),
}
BOOLEANS = ("soft_delete", "run_tests", "init_git")
# Import names the generated project already depends on.
TAKEN_PACKAGE_NAMES = {
    "alembic", "asyncpg", "aiosqlite", "fastapi", "httpx", "migrations", "pydantic",
    "pydantic_settings", "pytest", "sqlalchemy", "sqlmodel", "starlette", "tests", "uvicorn",
}  # fmt: skip

PROJECT_SLUG = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
PACKAGE_NAME = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
# Roughly an address: the service itself checks it fully when it makes the first superuser.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def validate(answers: Mapping[str, Any]) -> Plan:
    """Check every answer; return the parsed domain or raise AnswerError."""
    if not str(answers["project_name"]).strip():
        raise AnswerError("project_name is empty: give the service a name, for example 'Hero Service'")
    slug = answers["project_slug"]
    if not PROJECT_SLUG.fullmatch(slug):
        raise AnswerError(
            f"project_slug {slug!r} is not kebab-case; use lowercase letters, digits and '-', for example 'hero-service'"
        )
    package = answers["package_name"]
    if not PACKAGE_NAME.fullmatch(package) or keyword.iskeyword(package):
        raise AnswerError(
            f"package_name {package!r} is not a valid import name; use lowercase letters, digits and '_', "
            "for example 'hero_service'"
        )
    if package in TAKEN_PACKAGE_NAMES:
        raise AnswerError(
            f"package_name {package!r} would shadow a dependency; choose another, for example 'my_{package}'"
        )
    for key, allowed in CHOICES.items():
        if answers[key] not in allowed:
            raise AnswerError(f"{key} {answers[key]!r} is not one of {', '.join(allowed)}")
    if answers["auth"] == "users" and not EMAIL.fullmatch(str(answers["author_email"])):
        raise AnswerError(
            f"author_email {answers['author_email']!r} is not an email address, and with auth=users it signs "
            "in the first superuser; give one, for example 'you@example.com'"
        )
    for key in BOOLEANS:
        if not isinstance(answers[key], bool):
            raise AnswerError(f"{key} must be true or false (yes/no), not {answers[key]!r}")
    # Answers recorded before the auth option existed meant an open API.
    return parse(answers["entities"], answers["many_to_many"], answers.get("auth", "none"))
