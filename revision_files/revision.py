{%- set ID = "sa.Uuid()" if cookiecutter.primary_key == "uuid" else "sa.Integer()" -%}
{%- set soft = cookiecutter.soft_delete -%}
{%- macro foreign_key(table, column, target, ondelete) %}
        sa.ForeignKeyConstraint(
            ["{{ column }}"],
            ["{{ target }}.id"],
{{ "name=op.f" | call_line([("fk_%s_%s_%s" % (table, column, target)) | quoted], indent="            ", tail="),") }}
            ondelete="{{ ondelete }}",
        ),
{%- endmacro -%}
{%- macro index(table, columns, name=None, unique=False, live=False) %}
    op.create_index(
        op.f("{{ name or "_".join(["ix", table] + columns) }}"),
        "{{ table }}",
        [{{ columns | map("quoted") | join(", ") }}],
{%- if unique %}
        unique=True,
{%- endif %}
{%- if live %}
        # Partial: unique among rows that are not soft-deleted.
        postgresql_where=LIVE,
        sqlite_where=LIVE,
{%- endif %}
    )
{%- endmacro -%}
"""{{ revision.message }}

Revision ID: {{ revision.id }}
Revises:{% if revision.down_revision %} {{ revision.down_revision }}{% endif %}
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "{{ revision.id }}"
down_revision: str | Sequence[str] | None = {{ revision.down_revision | quoted if revision.down_revision else "None" }}
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A migration keeps its own copy of the types: the models may change, this file must not.
JSON_VALUE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
{%- if soft %}
LIVE = sa.text("deleted_at IS NULL")
{%- endif %}
{%- for entity in revision.entities %}
{%- for f in entity.fields if f.type == "enum" %}
{{ f.enum_definition }}
{%- endfor %}
{%- endfor %}
{%- for link in revision.links %}
{%- for f in link.fields if f.type == "enum" %}
{{ f.enum_definition }}
{%- endfor %}
{%- endfor %}


def upgrade() -> None:
{%- for entity in revision.entities %}
    op.create_table(
        "{{ entity.table }}",
        sa.Column("id", {{ ID }}, nullable=False),
{%- for f in entity.fields %}
{{ f.migration_column(ID) }}
{%- endfor %}
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
{%- if soft %}
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
{%- endif %}
        sa.PrimaryKeyConstraint("id", name=op.f("pk_{{ entity.table }}")),
{%- for f in entity.references %}
{{- foreign_key(entity.table, f.column, f.target, f.ondelete) }}
{%- endfor %}
    )
{%- for f in entity.references %}
{{- index(entity.table, [f.column]) }}
{%- endfor %}
{%- for column in entity.sort_indexes %}
{{- index(entity.table, [column, "id"], name=[column] | index_name(entity.table)) }}
{%- endfor %}
{%- for group in entity.unique_groups %}
{{- index(entity.table, group | list, name=group | index_name(entity.table), unique=True, live=soft) }}
{%- endfor %}
{{- index(entity.table, ["created_at"]) }}
{{- index(entity.table, ["updated_at"]) }}
{%- endfor %}
{%- for link in revision.links %}
    op.create_table(
        "{{ link.table }}",
        sa.Column("{{ link.left.name }}_id", {{ ID }}, nullable=False),
        sa.Column("{{ link.right.name }}_id", {{ ID }}, nullable=False),
{%- for f in link.fields %}
{{ f.migration_column(ID) }}
{%- endfor %}
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
{{- index(link.table, [link.right.name ~ "_id"]) }}
{%- endfor %}


def downgrade() -> None:
    # Dropping a table drops its indexes; links first, then referencing tables before referenced ones.
{%- for link in revision.links | reverse %}
    op.drop_table("{{ link.table }}")
{%- endfor %}
{%- for entity in revision.entities | reverse %}
    op.drop_table("{{ entity.table }}")
{%- endfor %}
