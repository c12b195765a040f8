"""Owned rows: an entity whose reference to the user says `owner` belongs to that user.

A user who is not a superuser sees, changes and references only their own rows; another
user's row answers 404, as if it did not exist. Each owned entity's service has one
`visible(caller)` built on `visible_to`, and every query of its rows goes through it (reads,
lists, nested and link listings, updates, deletes, restores, references to them), so a route
cannot forget it. It costs no query: the caller is the user the request's token named, read
once per request by the authentication dependency, and the condition is one more term in the
WHERE clause of the query the route makes anyway, served by the owner column's index.
"""

from typing import Any

from sqlalchemy import ColumnElement, true

from ..auth.models import Caller


def visible_to(caller: Caller, owner_id: Any) -> ColumnElement[bool]:
    """The rows whose owner column `owner_id` names the caller; every row for a superuser."""
    if caller.is_superuser:
        return true()
    return owner_id == caller.id  # type: ignore[no-any-return]
