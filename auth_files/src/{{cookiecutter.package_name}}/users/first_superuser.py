"""The first superuser: from FIRST_SUPERUSER_EMAIL and FIRST_SUPERUSER_PASSWORD at start-up,
or asked for on the terminal (`make superuser`, which runs this module)."""

import asyncio
import getpass
import logging
import sys

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from ..core.database import session_factory
from ..core.settings import Settings
from .service import create_superuser

logger = logging.getLogger(__name__)


async def create_first_superuser(settings: Settings) -> None:
    """Make the configured superuser when no user has that email. A database that is down
    or not migrated yet only gets a warning: the service starts anyway (and tries again at
    the next start)."""
    email = settings.first_superuser_email
    password = settings.first_superuser_password.get_secret_value()
    if not email or not password:
        return
    try:
        async with session_factory() as session:
            if await create_superuser(session, email, password):
                logger.info("Made the first superuser from FIRST_SUPERUSER_EMAIL")
    except (SQLAlchemyError, OSError) as error:
        logger.warning("The first superuser was not made: %s", type(error).__name__)
    except ValidationError:
        logger.warning("The first superuser was not made: FIRST_SUPERUSER_* is not valid")


def ask_and_create() -> int:
    """`make superuser`: ask for an email and a password, and make that superuser."""
    email = input("Email: ").strip()
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password again: "):
        print("ERROR: the passwords differ; nothing was made", file=sys.stderr)
        return 1
    try:
        made = asyncio.run(_create(email, password))
    except ValidationError as error:
        problem = error.errors()[0]
        print(f"ERROR: {problem['loc'][0]}: {problem['msg']}; nothing was made", file=sys.stderr)
        return 1
    if not made:
        print(f"ERROR: a user with the email {email} exists already", file=sys.stderr)
        return 1
    print(f"Superuser {email} made: sign in at /docs (Authorize) or POST /api/v1/auth/token")
    return 0


async def _create(email: str, password: str) -> bool:
    async with session_factory() as session:
        return await create_superuser(session, email, password)


if __name__ == "__main__":
    sys.exit(ask_and_create())
