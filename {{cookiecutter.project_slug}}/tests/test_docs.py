"""/docs and /redoc load nothing from other sites; DOCS_ENABLED=false turns them off."""

import re

import pytest

from apps import client_with


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_the_docs_pages_load_their_assets_from_the_service(page: str) -> None:
    async with client_with(docs_enabled=True) as client:
        response = await client.get(page)
        assert response.status_code == 200
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", response.text)
        assert urls, response.text
        for url in urls:
            assert url.startswith("/"), f"{page} loads {url} from elsewhere"
            asset = await client.get(url)
            assert asset.status_code == 200, url
            if url.endswith(".js"):
                # The pages declare no charset: the scripts must, or a browser misreads them.
                assert asset.headers["content-type"] == "text/javascript; charset=utf-8"
        assert "http://" not in response.text and "https://" not in response.text
        assert (await client.get("/openapi.json")).status_code == 200


async def test_only_the_docs_assets_are_served() -> None:
    async with client_with(docs_enabled=True) as client:
        for name in ("core.py", "..%2Fcore.py", "LICENSE"):
            assert (await client.get(f"/docs/assets/{name}")).status_code == 404


async def test_docs_enabled_false_turns_off_the_docs_and_the_schema() -> None:
    async with client_with(docs_enabled=False) as client:
        for path in ("/docs", "/redoc", "/openapi.json", "/docs/assets/swagger-ui-bundle.js"):
            assert (await client.get(path)).status_code == 404, path
        assert (await client.get("/health/live")).status_code == 200
