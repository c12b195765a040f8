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


def test_lists_are_read_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://app.example, https://admin.example")
    monkeypatch.setenv("TRUSTED_HOSTS", "api.example,*.api.example")
    settings = Settings()
    assert settings.cors_origins == ["https://app.example", "https://admin.example"]
    assert settings.trusted_hosts == ["api.example", "*.api.example"]
    monkeypatch.setenv("CORS_ORIGINS", "")
    assert Settings().cors_origins == []
