"""ETags and If-Match: a client that read a row changes it only if nobody changed it since.

A row's ETag is its `row_version`, which every change counts up. A PATCH reads the row
locked (FOR UPDATE), compares its version with If-Match, and SQLAlchemy compares it again in
the UPDATE it writes (`WHERE id = ... AND row_version = <the version read>`); a DELETE puts
the versions If-Match names in its WHERE. Either way the comparison and the write are one
step: of several requests carrying the same If-Match, exactly one changes the row and the
others answer 412.
"""

import re
from typing import Annotated

from fastapi import Header, Response, status

from .errors import ErrorBody, PreconditionFailedError

IfMatch = Annotated[
    str | None,
    Header(description="Change the row only if its ETag is still one of these (or `*`)"),
]
# A tag this service issues: a quoted row version, which an INTEGER column holds.
_TAG = re.compile(r'"([0-9]{1,10})"')
MAX_VERSION = 2**31 - 1
# An If-Match listing more tags than this is cut there: no client sends so many.
MAX_TAGS = 100
# What PATCH and DELETE may answer when If-Match names an ETag the row no longer has.
PRECONDITION_FAILED: dict[int | str, dict[str, object]] = {
    status.HTTP_412_PRECONDITION_FAILED: {
        "model": ErrorBody,
        "description": "Changed since the If-Match ETag was read: read it again",
    },
}


def etag(version: int) -> str:
    return f'"{version}"'


def tag(response: Response, version: int) -> None:
    """Answer the row's ETag, which a later PATCH or DELETE may send back as If-Match."""
    response.headers["ETag"] = etag(version)


def versions(if_match: str | None) -> list[int] | None:
    """The row versions an If-Match accepts; None for any (no header, or `*`).

    RFC 9110 compares If-Match strongly: a weak tag (`W/"3"`) or one this service never
    issued matches no version, so such a request changes nothing and answers 412.
    """
    if if_match is None or if_match.strip() == "*":
        return None
    wanted = set()
    for candidate in if_match.split(",")[:MAX_TAGS]:
        found = _TAG.fullmatch(candidate.strip())
        if found is not None and int(found[1]) <= MAX_VERSION:
            wanted.add(int(found[1]))
    return sorted(wanted)


def refuse_if_changed(if_match: str | None, version: int, label: str) -> None:
    """A 412 when If-Match names ETags, none of them the row's."""
    wanted = versions(if_match)
    if wanted is not None and version not in wanted:
        raise precondition_failed(label)


def precondition_failed(label: str) -> PreconditionFailedError:
    return PreconditionFailedError(f"{label} has changed since that ETag; read it again")
