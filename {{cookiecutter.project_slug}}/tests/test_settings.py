"""DATABASE_URL as hosting platforms hand it out: a URL without a driver gets the async one."""

import pytest

from {{ cookiecutter.package_name }}.core.settings import Settings


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://ada:pw@db:5432/shop", "postgresql+asyncpg://ada:pw@db:5432/shop"),
        ("postgresql://ada@localhost/shop", "postgresql+asyncpg://ada@localhost/shop"),
        ("POSTGRESQL://ada@localhost/shop", "postgresql+asyncpg://ada@localhost/shop"),
        ("postgresql+asyncpg://ada@localhost/shop", "postgresql+asyncpg://ada@localhost/shop"),
        ("sqlite:///./shop.db", "sqlite+aiosqlite:///./shop.db"),
        ("sqlite://", "sqlite+aiosqlite://"),
        ("sqlite+aiosqlite:///:memory:", "sqlite+aiosqlite:///:memory:"),
    ],
)
def test_database_url_gets_the_async_driver(
    given: str, used: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", given)
    assert Settings().database_url == used
