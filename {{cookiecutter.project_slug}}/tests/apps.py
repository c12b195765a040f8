"""Apps built with the settings a test chooses, and clients of them."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from httpx import ASGITransport, AsyncClient

from {{ cookiecutter.package_name }}.core.settings import Settings
from {{ cookiecutter.package_name }}.main import create_app


@asynccontextmanager
async def client_with(**settings: Any) -> AsyncIterator[AsyncClient]:
    """A client of an app built with these settings: `client_with(docs_enabled=False)`."""
    transport = ASGITransport(app=create_app(Settings(**settings)))
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
