"""Probes for orchestrators: `/health/live` (the process) and `/health/ready` (the database).

`/health` answers as `/health/ready` does, for what already calls it.
"""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from .core.database import SessionDep
from .core.errors import COMMON_RESPONSES

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    database: Literal["ok"] = "ok"


class Liveness(BaseModel):
    status: Literal["ok"] = "ok"


@router.get("/health/live")
async def live() -> Liveness:
    """Whether the process serves requests; never touches the database, so an orchestrator
    does not restart a healthy service while its database is away."""
    return Liveness()


@router.get("/health/ready", responses=COMMON_RESPONSES)
async def ready(session: SessionDep) -> Health:
    """Whether the service can reach its database: 200, or 503 while it cannot (send no traffic)."""
    connection = await session.connection()
    await connection.exec_driver_sql("SELECT 1")
    return Health()


@router.get("/health", responses=COMMON_RESPONSES)
async def health(session: SessionDep) -> Health:
    """Whether the service can reach its database: 200, or 503 while it cannot (as /health/ready)."""
    return await ready(session)
