"""The primary key type every table uses, and its bounds at the API edge."""

from typing import Annotated

from fastapi import Path

# Ids are INTEGER columns; a larger number could never match, and would overflow the driver.
MAX_ID = 2**31 - 1

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
