{%- set plan = cookiecutter.entities | entity_plan(cookiecutter.many_to_many) -%}
{%- set ID = "sa.Uuid()" if cookiecutter.primary_key == "uuid" else "sa.Integer()" -%}
{%- macro foreign_key(table, column, target, ondelete) %}
        sa.ForeignKeyConstraint(
            ["{{ column }}"],
            ["{{ target }}.id"],
{{ "name=op.f" | call_line([("fk_%s_%s_%s" % (table, column, target)) | quoted], indent="            ", tail="),") }}
            ondelete="{{ ondelete }}",
        ),
{%- endmacro -%}
"""The initial schema: one table per entity{% if plan.links %} and one per many-to-many link{% endif %}.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A migration keeps its own copy of the types: the models may change, this file must not.
JSON_OBJECT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
{%- if cookiecutter.soft_delete %}
LIVE = sa.text("deleted_at IS NULL")
{%- endif %}


def upgrade() -> None:
{%- for entity in plan.in_dependency_order %}
{%- set parent = plan.parent_of(entity) %}
    op.create_table(
        "{{ entity.table }}",
        sa.Column("id", {{ ID }}, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("attributes", JSON_OBJECT, nullable=False),
{%- if parent %}
        sa.Column("{{ entity.parent_attr }}_id", {{ ID }}, nullable=True),
{%- endif %}
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
{%- if cookiecutter.soft_delete %}
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
{%- endif %}
        sa.PrimaryKeyConstraint("id", name=op.f("pk_{{ entity.table }}")),
{%- if parent %}
{{- foreign_key(entity.table, entity.parent_attr ~ "_id", parent.table, "CASCADE" if entity.is_tree else "SET NULL") }}
{%- endif %}
    )
    op.create_index(
        op.f("ix_{{ entity.table }}_name"),
        "{{ entity.table }}",
        ["name"],
        unique=True,
{%- if cookiecutter.soft_delete %}
        # Partial: names are unique among rows that are not soft-deleted.
        postgresql_where=LIVE,
        sqlite_where=LIVE,
{%- endif %}
    )
{%- if parent %}
    op.create_index(
        op.f("ix_{{ entity.table }}_{{ entity.parent_attr }}_id"),
        "{{ entity.table }}",
        ["{{ entity.parent_attr }}_id"],
    )
{%- endif %}
{%- endfor %}
{%- for link in plan.links %}
    op.create_table(
        "{{ link.table }}",
        sa.Column("{{ link.left.name }}_id", {{ ID }}, nullable=False),
        sa.Column("{{ link.right.name }}_id", {{ ID }}, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint(
            "{{ link.left.name }}_id",
            "{{ link.right.name }}_id",
            name=op.f("pk_{{ link.table }}"),
        ),
{%- for side in [link.left, link.right] %}
{{- foreign_key(link.table, side.name ~ "_id", side.table, "CASCADE") }}
{%- endfor %}
    )
    op.create_index(
        op.f("ix_{{ link.table }}_{{ link.right.name }}_id"),
        "{{ link.table }}",
        ["{{ link.right.name }}_id"],
    )
{%- endfor %}


def downgrade() -> None:
    # Dropping a table drops its indexes; links first, then children before parents.
{%- for link in plan.links | reverse %}
    op.drop_table("{{ link.table }}")
{%- endfor %}
{%- for entity in plan.in_dependency_order | reverse %}
    op.drop_table("{{ entity.table }}")
{%- endfor %}
