"""/docs and /redoc with Swagger UI and ReDoc served by the service itself, not by a CDN.

FastAPI's own pages load them from a CDN at floating versions: blank without internet, and
whatever the CDN serves runs in the page. The fastapi-offline package ships both, pinned
by the lock file, so the pages work offline and change only when the lock does.
"""

from importlib.resources import files

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

ASSETS_PATH = "/docs/assets"
_ASSETS = files("fastapi_offline") / "static"
# The only files served, with their types: the pages declare no charset, so the scripts carry
# theirs (a browser reading them as Latin-1 fails in Swagger UI's bundle).
_MEDIA_TYPES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}
# A year: an asset changes only with the package, and then so does its content.
_CACHE = {"Cache-Control": "public, max-age=31536000"}


def docs_router(app: FastAPI) -> APIRouter:
    router = APIRouter(tags=["docs"], include_in_schema=False)
    openapi_url = app.openapi_url or "/openapi.json"
    title = app.title

    @router.get("/docs")
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} - Swagger UI",
            swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_PATH}/favicon.png",
        )

    @router.get("/redoc")
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{title} - ReDoc",
            redoc_js_url=f"{ASSETS_PATH}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_PATH}/favicon.png",
            # Google's fonts would be the one thing still fetched from elsewhere.
            with_google_fonts=False,
        )

    @router.api_route(ASSETS_PATH + "/{name}", methods=["GET", "HEAD"])
    async def asset(name: str) -> FileResponse:
        if name not in _MEDIA_TYPES:
            raise HTTPException(status_code=404, detail="Not Found")
        return FileResponse(str(_ASSETS / name), media_type=_MEDIA_TYPES[name], headers=_CACHE)

    return router
