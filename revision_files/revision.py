{%- set ID = "sa.Uuid()" if cookiecutter.primary_key == "uuid" else "sa.Integer()" -%}
{%- set soft = cookiecutter.soft_delete -%}
{#- The initial revision creates the user's tables; a later one (`add`) only the new entities'. -#}
{%- set auth_tables = cookiecutter.auth == "users" and not revision.down_revision -%}
{%- macro foreign_key(table, column, target, ondelete) %}
        sa.ForeignKeyConstraint(
            ["{{ column }}"],
            ["{{ target }}.id"],
{{ "name=op.f" | call_line([("fk_%s_%s_%s" % (table, column, target)) | quoted], indent="            ", tail="),") }}
            ondelete="{{ ondelete }}",
        ),
{%- endmacro -%}
{%- macro index(table, columns, name=None, unique=False, live=False, ignore_case=()) %}
    op.create_index(
        op.f("{{ name or "_".join(["ix", table] + columns) }}"),
        "{{ table }}",
{%- set keys = [] %}
{%- for column in columns %}
{%- set _ = keys.append(("sa.text('lower(\"%s\")')" % column) if column in ignore_case else (column | quoted)) %}
{%- endfor %}
        [{{ keys | join(", ") }}],
{%- if ignore_case %}
        # Unique ignoring case: `Ann@x.org` and `ann@x.org` clash.
{%- endif %}
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
# The database's clock, for rows that SQL inserts without their timestamps.
NOW = sa.text("CURRENT_TIMESTAMP")
{%- if soft %}
LIVE = sa.text("deleted_at IS NULL")
{%- endif %}
{%- set checked = [] %}
{%- for table in revision.entities + revision.links %}{% for f in table.fields if f.not_blank %}{% set _ = checked.append(f) %}{% endfor %}{% endfor %}
{%- if checked %}
# Unicode's white space, which the `\S` pattern of a required text does not count.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
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

{%- if checked %}


def not_blank(column: str) -> str:
    """A CHECK's SQL: the text holds something besides white space."""
    return f"trim(\"{column}\", '{WHITE_SPACE}') <> ''"
{%- endif %}


def upgrade() -> None:
{%- if auth_tables %}
{#- The tables of the built-in user and of signing in, first: entities may reference the user. #}
{% include "auth_tables.py" %}
{%- endif %}
{%- for entity in revision.entities %}
    op.create_table(
        "{{ entity.table }}",
        sa.Column("id", {{ ID }}, nullable=False),
{%- for f in entity.fields %}
{{ f.migration_column(ID) }}
{%- endfor %}
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=NOW),
        sa.Column("updated_at", TIMESTAMP, nullable=False, server_default=NOW),
{%- if soft %}
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
{%- endif %}
        sa.Column("row_version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_{{ entity.table }}")),
{%- for f in entity.references %}
{{- foreign_key(entity.table, f.column, f.target, f.ondelete) }}
{%- endfor %}
{%- for f in entity.fields %}
{%- for line in f.migration_checks() %}
{{ line }}
{%- endfor %}
{%- endfor %}
    )
{%- for f in entity.references %}
{{- index(entity.table, [f.column]) }}
{%- endfor %}
{%- for column in entity.sort_indexes %}
{{- index(entity.table, [column, "id"], name=[column] | index_name(entity.table)) }}
{%- endfor %}
{%- for column in entity.unique_sort_indexes %}
{{- index(entity.table, [column, "id"], name=[column, "_sort"] | index_name(entity.table)) }}
{%- endfor %}
{%- for group in entity.unique_groups %}
{{- index(entity.table, group | list, name=group | index_name(entity.table), unique=True, live=soft, ignore_case=entity.ignore_case_in(group)) }}
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
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint(
            "{{ link.left.name }}_id",
            "{{ link.right.name }}_id",
            name=op.f("pk_{{ link.table }}"),
        ),
{%- for side in [link.left, link.right] %}
{{- foreign_key(link.table, side.name ~ "_id", side.table, "CASCADE") }}
{%- endfor %}
{%- for f in link.fields %}
{%- for line in f.migration_checks() %}
{{ line }}
{%- endfor %}
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
{%- if auth_tables %}
    op.drop_table("login_failure")
    op.drop_table("refresh_token")
    op.drop_table("user")
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION notify_user_changed()")
{%- endif %}
