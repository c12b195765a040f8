{%- if cookiecutter.primary_key == "uuid" -%}
"""The primary key type every table uses: a UUID made by the application."""

from typing import Annotated
from uuid import UUID

from fastapi import Path
from uuid6 import uuid7

IdPath = Annotated[UUID, Path()]


def new_id() -> UUID:
    """A UUIDv7: it starts with a timestamp, so new rows append to the primary key
    index instead of landing on random pages, and sorting by id follows creation order."""
    return uuid7()
{%- else -%}
"""The primary key type every table uses, and its bounds at the API edge."""

from typing import Annotated

from fastapi import Path

# Ids are INTEGER columns; a larger number could never match, and would overflow the driver.
MAX_ID = 2**31 - 1

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
{%- endif %}
