"""Settings read from the environment and from `.env`."""

from functools import lru_cache
from typing import Annotated, Literal

from pydantic import {% if cookiecutter.pagination == "cursor" or cookiecutter.auth == "users" %}SecretStr, {% endif %}field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Hosting platforms hand out URLs without a driver (`postgres://`, `postgresql://`), which
# SQLAlchemy would open with a sync driver the async engine cannot use.
ASYNC_DRIVERS = {
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
}


def async_url(url: str) -> str:
    """`url` with the async driver when it names none; a URL that names a driver is kept."""
    scheme, separator, rest = url.strip().partition("://")
    driver = ASYNC_DRIVERS.get(scheme.lower()) if separator else None
    return f"{driver}://{rest}" if driver else url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

{%- if cookiecutter.database == "postgresql" %}
    database_url: str = "postgresql+asyncpg://postgres@localhost:5432/{{ cookiecutter.package_name }}"
{%- else %}
    database_url: str = "sqlite+aiosqlite:///./{{ cookiecutter.package_name }}.db"
{%- endif %}
    # Pool settings apply to PostgreSQL only; SQLite uses SQLAlchemy's defaults.
    # Connections kept open, per worker process: size it for the usual concurrency, since
    # overflow connections are closed as soon as they are returned and reopened on demand.
    db_pool_size: int = 10
    db_max_overflow: int = 10
    # Seconds to wait for a free pooled connection, then answer 503 instead of hanging.
    db_pool_timeout: float = 5.0
    # Seconds after which a pooled connection is replaced, before servers or proxies drop it.
    db_pool_recycle: int = 1800
    # Test each pooled connection with a round trip before use (see core/database.py).
    db_pool_pre_ping: bool = False
    # Seconds to wait for a new connection when the database does not answer.
    db_connect_timeout: float = 5.0
    # Seconds a statement may take before it is cancelled and the request answered 503: no
    # query of this service needs that long, but a database that stopped answering would hang it.
    db_command_timeout: float = 10.0
    # Behind PgBouncer in transaction mode: no prepared statement caches (see core/database.py).
    db_pgbouncer: bool = False
    # No pool in the service: a connection per request (when PgBouncer pools for it).
    db_null_pool: bool = False
    db_echo: bool = False
{%- if cookiecutter.pagination == "cursor" %}
    # Signs list cursors (core/pagination.py). Every worker and replica must share
    # it, or a cursor from one is refused by the next: so it is not made up per process. Unset,
    # it is derived from DATABASE_URL, which every worker shares and whose password keeps it
    # secret; set it where the URL has no password, and change it to void all cursors out there.
    cursor_secret: SecretStr | None = None
{%- endif %}
{%- if cookiecutter.auth == "users" %}

    # Signs access and refresh tokens (HS256): at least 32 random characters, the same for
    # every worker and replica. The service refuses to start without one (core/security.py).
    secret_key: SecretStr = SecretStr("")
    access_token_minutes: int = 15
    refresh_token_days: int = 14
    # POST /auth/signup: anyone may make an account (never a superuser); off, it answers 404.
    auth_signup: bool = False
    # Made a superuser at start-up when no user has this email (main.py's lifespan).
    first_superuser_email: str = ""
    first_superuser_password: SecretStr = SecretStr("")
    # Argon2's cost per password hash (argon2-cffi's defaults, RFC 9106's second choice):
    # slow on purpose, to slow guessing from a stolen table. The tests lower it.
    password_hash_time_cost: int = 3
    password_hash_memory_kib: int = 65536
{%- endif %}

    # One JSON object per line, what log collectors parse; `text` reads better in a terminal.
    log_format: Literal["json", "text"] = "json"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Origins a browser may call the API from (`https://app.example,https://admin.example`);
    # empty: no CORS headers at all, so browsers allow same-origin calls only.
    cors_origins: Annotated[list[str], NoDecode] = []
    # Host headers the service answers (`api.example,*.api.example`); others get a 400.
    # `*` accepts any: set it in production, where a proxy may pass a client's Host through.
    trusted_hosts: Annotated[list[str], NoDecode] = ["*"]
    # /docs, /redoc and /openapi.json; off where the API should not describe itself publicly.
    docs_enabled: bool = True
    # Prometheus metrics at /metrics, for a scraper inside the network (not behind a proxy).
    metrics_enabled: bool = False
    # OpenTelemetry traces of requests and SQL are exported here (OTLP over HTTP) when set;
    # the standard OTEL_* variables (OTEL_SERVICE_NAME, ...) configure the rest.
    otel_exporter_otlp_endpoint: str = ""

    @field_validator("database_url")
    @classmethod
    def _use_async_driver(cls, url: str) -> str:
        return async_url(url)

    @field_validator("cors_origins", "trusted_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        # A list in the environment reads as `a,b`: JSON arrays are easy to get wrong in a shell.
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
