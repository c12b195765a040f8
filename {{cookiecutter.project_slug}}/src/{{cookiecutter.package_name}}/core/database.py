"""The async engine, the session factory and the `get_session` dependency."""

from collections.abc import AsyncIterator
from typing import Annotated, Any
from uuid import uuid4

from fastapi import Depends
from sqlalchemy import event, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel.ext.asyncio.session import AsyncSession

from .settings import Settings, get_settings


def create_engine(settings: Settings, url: str | None = None) -> AsyncEngine:
    """An engine for `url` (default: settings.database_url); nothing connects until first use."""
    database_url = make_url(url or settings.database_url)
    if database_url.get_backend_name() == "sqlite":
        engine = create_async_engine(database_url, echo=settings.db_echo)
        event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
        event.listen(engine.sync_engine, "begin", _on_sqlite_begin)
        return engine
    connect_args: dict[str, Any] = {
        "timeout": settings.db_connect_timeout,
        "command_timeout": settings.db_command_timeout,
    }
    if settings.db_pgbouncer:
        # In transaction mode, the next transaction may run on another server connection,
        # where this one's prepared statements do not exist: cache none, name each uniquely.
        connect_args |= {
            "statement_cache_size": 0,
            "prepared_statement_cache_size": 0,
            "prepared_statement_name_func": _unique_statement_name,
        }
    pool_args: dict[str, Any]
    if settings.db_null_pool:
        # A connection per session, closed after it: the pooling is PgBouncer's.
        pool_args = {"poolclass": NullPool}
    else:
        pool_args = {
            "pool_size": settings.db_pool_size,
            "max_overflow": settings.db_max_overflow,
            "pool_timeout": settings.db_pool_timeout,
            "pool_recycle": settings.db_pool_recycle,
            "pool_pre_ping": settings.db_pool_pre_ping,
        }
    engine = create_async_engine(
        database_url, echo=settings.db_echo, connect_args=connect_args, **pool_args
    )
    event.listen(engine.sync_engine, "checkout", _replace_if_closed)
    return engine


def _replace_if_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    # A connection the server closed (restart, idle timeout, PgBouncer) is known to the
    # driver without a round trip; this error makes the pool connect anew and go on.
    # pool_pre_ping (DB_POOL_PRE_PING) also finds one that a NAT or firewall forgot while
    # idle, which fails only when used; it costs three round trips per request with
    # asyncpg (BEGIN, ping, ROLLBACK), so it is off unless the network needs it.
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("The database closed this pooled connection")


def _unique_statement_name() -> str:
    return f"__asyncpg_{uuid4()}__"


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys unless asked, per connection. The driver's own
    # transaction handling is switched off so that SQLAlchemy's BEGIN (below) rules,
    # which makes SAVEPOINT and rollback behave as on PostgreSQL (SQLAlchemy's SQLite docs).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


engine = create_engine(get_settings())

# expire_on_commit=False: reading an attribute after commit must not trigger
# an implicit (and, under asyncio, impossible) lazy refresh.
session_factory = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def get_session() -> AsyncIterator[AsyncSession]:
    # Closing rolls back whatever the request did not commit, and returns the connection.
    async with session_factory() as session:
        yield session


# scope="function": the session closes before the response is sent, so a database lost
# at that moment is answered (503) instead of failing after the client was told 200.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
