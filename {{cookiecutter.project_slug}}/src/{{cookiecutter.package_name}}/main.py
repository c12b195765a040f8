"""The application factory: routers, middleware, error handlers and the lifespan; nothing else."""

{% if cookiecutter.auth == "users" -%}
import asyncio
{% endif -%}
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager{{ ", suppress" if cookiecutter.auth == "users" }}

from fastapi import APIRouter, {% if cookiecutter.auth == "users" %}Depends, {% endif %}FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.trustedhost import TrustedHostMiddleware
from fastapi.routing import APIRoute, iter_route_contexts

from . import routers
{%- if cookiecutter.auth == "users" %}
from .auth.callers import listen
from .auth.dependencies import UNAUTHORIZED, current_user
from .auth.router import router as auth_router
{%- endif %}
from .core.access import AccessLog
from .core.database import engine
from .core.docs import docs_router
from .core.errors import register_error_handlers
from .core.limits import HeaderLimits
from .core.logs import configure_logging
from .core.metrics import Metrics
{%- if cookiecutter.auth == "users" %}
from .core.security import dummy_hash, require_secret_key
{%- endif %}
from .core.settings import Settings, get_settings
from .core.tracing import instrument
from .health import router as health_router
{%- if cookiecutter.auth == "users" %}
from .users.first_superuser import create_first_superuser
{%- endif %}

API_PREFIX = "/api/v1"
# Larger bodies get a 413 before they are read: a full bulk create is far below this.
MAX_BODY_BYTES = 1_000_000
# Allocations between two young-generation collections (Python's default is 700).
GC_THRESHOLD = 50_000


def operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}"


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # A request allocates thousands of short-lived objects (ORM rows, models), so by default
    # the collector runs several times per request and its older generations rescan all
    # that the imports created. Freezing those and collecting young objects less often
    # serves about 15% more list requests per second.
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD)
{%- if cookiecutter.auth == "users" %}
    # Made now, not by the first sign-in with an unknown email, which would take twice as long.
    dummy_hash()
    settings = get_settings()
    await create_first_superuser(settings)
    # Only PostgreSQL tells every worker of a changed user; PgBouncer's transaction mode
    # cannot pass notifications on, so there every request reads its user.
    listening = engine.dialect.name == "postgresql" and not settings.db_pgbouncer
    listener = asyncio.create_task(listen(engine)) if listening else None
{%- endif %}
    yield
{%- if cookiecutter.auth == "users" %}
    if listener is not None:
        listener.cancel()
        with suppress(asyncio.CancelledError):
            await listener
{%- endif %}
    # Close pooled connections cleanly when the server stops.
    await engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_format, settings.log_level)
{%- if cookiecutter.auth == "users" %}
    require_secret_key(settings)
{%- endif %}
    app = FastAPI(
        title={{ cookiecutter.project_name | quoted }},
        description={{ cookiecutter.description | quoted }},
        version="0.1.0",
        contact={"name": {{ cookiecutter.author_name | quoted }}, "email": {{ cookiecutter.author_email | quoted }}},
        # Paths are relative to wherever the service is served.
        servers=[{"url": "/"}],
        lifespan=lifespan,
        max_body_size=MAX_BODY_BYTES,
        # Operation ids `<tag>-<function>` (`heroes-create_hero`): what generated clients name
        # their methods after, instead of FastAPI's path-derived defaults.
        generate_unique_id_function=operation_id,
        # Served by core/docs.py from a pinned package instead of a CDN.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.docs_enabled else None,
        # Starlette's redirect from `/heroes/` to `/heroes` builds its Location from the
        # request's Host header, which a client chooses: a 404 instead.
        redirect_slashes=False,
    )
    instrument(app, engine, settings)
    register_error_handlers(app)
    # The last added runs first: the access log sees every answer, the limits' 431 included.
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            # What a browser script may read of a response: the request id, and the ETag that
            # If-Match sends back.
            expose_headers=["X-Request-ID", "ETag"],
        )
    # No www redirect: it would build a Location from the Host header.
    app.add_middleware(
        TrustedHostMiddleware, allowed_hosts=settings.trusted_hosts, www_redirect=False
    )
    app.add_middleware(HeaderLimits)
    metrics = Metrics(engine) if settings.metrics_enabled else None
    app.add_middleware(AccessLog, metrics=metrics)
    if metrics is not None:
        app.include_router(metrics.router())
    if settings.docs_enabled:
        app.include_router(docs_router(app))
    app.include_router(health_router)
{%- if cookiecutter.auth == "users" %}
    # Signing in is the one part of the API open without a token.
    app.include_router(auth_router, prefix=API_PREFIX)
{%- endif %}
    # Every router routers.py imports, in its order: adding an entity adds a line there.
    for router in vars(routers).values():
        if isinstance(router, APIRouter):
{%- if cookiecutter.auth == "users" %}
            # Each of their routes needs an active user's access token (401 otherwise).
            app.include_router(
                router,
                prefix=API_PREFIX,
                dependencies=[Depends(current_user)],
                responses=UNAUTHORIZED,
            )
{%- else %}
            app.include_router(router, prefix=API_PREFIX)
{%- endif %}
    app.openapi_tags = tags(app)
    return app


def tags(app: FastAPI) -> list[dict[str, str]]:
    """Every tag the routes use, declared with a description (what OpenAPI linters ask for)."""
    routes = [context.route for context in iter_route_contexts(app.routes)]
    api_routes = [r for r in routes if isinstance(r, APIRoute) and r.include_in_schema]
    used = sorted({str(tag) for route in api_routes for tag in route.tags})
    return [{"name": tag, "description": f"The {tag.replace('-', ' ')} endpoints"} for tag in used]


app = create_app()
