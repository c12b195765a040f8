"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql
${imports if imports else ""}

## (Mako comments, not copied into revisions.) Autogenerate writes SQLModel's column types
## and the JSONB variant as `sqlmodel.sql.sqltypes.AutoString()` and
## `postgresql.JSONB(astext_type=Text())`: the imports above make a new revision run as
## written, and the ruff hook in alembic.ini drops the ones it does not use.

revision: str = ${repr(up_revision)}
down_revision: str | Sequence[str] | None = ${repr(down_revision)}
branch_labels: str | Sequence[str] | None = ${repr(branch_labels)}
depends_on: str | Sequence[str] | None = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
