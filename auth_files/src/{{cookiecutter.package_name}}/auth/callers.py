"""The callers this worker has found active lately, so that most requests read no user.

Reading its user on each request is what lets a deactivation, a password change or a lost
superuser flag act at once, but that read costs about as much as a read by id itself. So each
worker keeps, per user, the token version and the superuser flag it last read, and forgets
them as soon as the user's row changes: a trigger on "user" (the first migration) sends a
PostgreSQL notification on every UPDATE and DELETE, whoever writes it, and each worker
receives it on a connection it holds for that (`listen`, started by main.py's lifespan).
The worker that made the change forgets at once, before it answers; the others when the
notification arrives, within milliseconds. Where no notification can arrive (SQLite,
PgBouncer in transaction mode, no trigger, the listening connection lost), nothing is kept
and every request reads its user.
"""

import asyncio
import logging
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from .models import Caller

CHANNEL = "user_changed"
# Enough for the active users of most services; past it, the cache starts afresh.
MAX_ENTRIES = 10_000
# A connection that died without a word (a firewall) delivers nothing: it is checked this
# often, and a check that fails turns the cache off until the connection is made anew.
CHECK_SECONDS = 5.0

logger = logging.getLogger(__name__)


class Callers:
    """Callers by their token's subject (the user id as text, which is the notification's
    payload too), with the token version they were found with."""

    def __init__(self) -> None:
        self._found: dict[str, tuple[int, Caller]] = {}
        # Counts what was forgotten: a read that began before a change is not kept after it.
        self.changes = 0
        self.listening = False

    def get(self, subject: str, version: int) -> Caller | None:
        found = self._found.get(subject) if self.listening else None
        return found[1] if found is not None and found[0] == version else None

    def keep(self, subject: str, version: int, caller: Caller, changes_before_read: int) -> None:
        if self.listening and changes_before_read == self.changes:
            if len(self._found) >= MAX_ENTRIES:
                self._found.clear()
            self._found[subject] = (version, caller)

    def forget(self, subject: str | None = None) -> None:
        """Forget one user (by id as text), or everyone."""
        self.changes += 1
        if subject is None:
            self._found.clear()
        else:
            self._found.pop(subject, None)


callers = Callers()


async def listen(engine: AsyncEngine) -> None:
    """Keep `callers` in step with the "user" table for as long as the worker runs."""
    # A connection of its own, not the pool's: it is held for good, and a LISTEN must never
    # go back to a pool.
    listener_engine = create_async_engine(engine.url, poolclass=NullPool)
    try:
        while True:
            if not await _listen_until_lost(listener_engine):
                return
            await asyncio.sleep(CHECK_SECONDS)  # then connect anew
    finally:
        await listener_engine.dispose()


async def _listen_until_lost(engine: AsyncEngine) -> bool:
    """Listen until the connection fails (True: try again) or there is no trigger (False)."""
    try:
        async with engine.connect() as connection:
            trigger = text("SELECT 1 FROM pg_trigger WHERE tgname = :name")
            if (await connection.execute(trigger, {"name": CHANNEL})).first() is None:
                # Not migrated yet, most likely: reading users is right until a restart.
                logger.warning("No %s trigger: every request reads its user", CHANNEL)
                return False
            await connection.commit()
            driver: Any = (await connection.get_raw_connection()).driver_connection
            await driver.add_listener(CHANNEL, _on_change)
            callers.forget()
            callers.listening = True
            try:
                while True:
                    await asyncio.sleep(CHECK_SECONDS)
                    await driver.execute("SELECT 1", timeout=CHECK_SECONDS)
            finally:
                callers.listening = False
                callers.forget()
    except Exception as error:  # whatever it was, read users meanwhile and try again
        logger.warning("Not listening for user changes (%s): every request reads its user", error)
        return True


def _on_change(_connection: Any, _pid: int, _channel: str, payload: str) -> None:
    callers.forget(payload)
