"""`GET /health`: whether the service can reach its database."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from .core.database import SessionDep
from .core.errors import COMMON_RESPONSES

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    database: Literal["ok"] = "ok"


@router.get("/health", responses=COMMON_RESPONSES)
async def health(session: SessionDep) -> Health:
    """Whether the service can reach its database: 200, or 503 while it cannot."""
    connection = await session.connection()
    await connection.exec_driver_sql("SELECT 1")
    return Health()
