{%- set plan = cookiecutter.entities | entity_plan(cookiecutter.many_to_many, cookiecutter.auth) -%}
"""What the service answers to browsers on other origins, forged hosts and oversized requests."""

from httpx import AsyncClient

{% set imports = [("apps", ["client_with"]), (cookiecutter.package_name ~ ".core.errors", ["MAX_VALIDATION_ERRORS"]), (cookiecutter.package_name ~ ".core.limits", ["MAX_HEADER_BYTES", "MAX_HEADERS"])] -%}
{{ imports | import_block }}

LIST_URL = "/api/v1/{{ plan.entities[0].route }}"
FRONT_END = "https://app.example"


async def test_a_preflight_from_an_allowed_origin_is_answered() -> None:
    async with client_with(cors_origins=f"{FRONT_END},https://admin.example") as client:
        response = await client.options(
            LIST_URL,
            headers={"Origin": FRONT_END, "Access-Control-Request-Method": "POST"},
        )
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == FRONT_END
        assert "POST" in response.headers["access-control-allow-methods"]
        refused = await client.options(
            LIST_URL,
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert "access-control-allow-origin" not in refused.headers
        live = await client.get("/health/live", headers={"Origin": FRONT_END})
        assert live.headers["access-control-allow-origin"] == FRONT_END
        assert "X-Request-ID" in live.headers["access-control-expose-headers"]


async def test_without_cors_origins_no_cors_headers_are_sent() -> None:
    async with client_with(cors_origins="") as client:
        response = await client.get("/health/live", headers={"Origin": FRONT_END})
    assert "access-control-allow-origin" not in response.headers


async def test_an_untrusted_host_gets_400() -> None:
    async with client_with(trusted_hosts="api.example,*.api.example") as client:
        for trusted in ("api.example", "eu.api.example"):
            response = await client.get("/health/live", headers={"Host": trusted})
            assert response.status_code == 200
        refused = await client.get("/health/live", headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert refused.headers["x-request-id"]


async def test_no_redirect_is_built_from_the_host_header(client: AsyncClient) -> None:
    response = await client.get(f"{LIST_URL}/", headers={"Host": "evil.example"})
    assert response.status_code == 404
    assert "location" not in response.headers


async def test_a_validation_error_lists_a_bounded_number_of_errors(client: AsyncClient) -> None:
    params = {f"unknown_{n}": "x" for n in range(2000)}
    response = await client.get(LIST_URL, params=params)
    assert response.status_code == 422
    assert len(response.json()["detail"]) == MAX_VALIDATION_ERRORS
    assert len(response.content) < len(str(response.request.url))


async def test_too_many_or_too_large_headers_get_431(client: AsyncClient) -> None:
    many = [(f"x-extra-{n}", "1") for n in range(MAX_HEADERS + 1)]
    response = await client.get("/health/live", headers=many)
    assert response.status_code == 431
    assert response.headers["x-request-id"]
    large = await client.get("/health/live", headers={"X-Large": "a" * MAX_HEADER_BYTES})
    assert large.status_code == 431
    assert (await client.get("/health/live", headers={"X-Fine": "a" * 4000})).status_code == 200
