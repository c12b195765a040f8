{%- set E = entity.class_name -%}
{%- set parent = plan.parent_of(entity) -%}
{%- set own_links = plan.links | selectattr("left", "equalto", entity) | list -%}
{%- set uuid = cookiecutter.primary_key == "uuid" -%}
{%- set ID = "UUID" if uuid else "int" -%}
{#- The parent id as requests give it: in updates and list filters. -#}
{%- set PARENT_ID = "UUID | None = None" if uuid else "int | None = Field(default=None, ge=1, le=MAX_ID)" -%}
{%- set soft = cookiecutter.soft_delete -%}
"""{{ entity.plural | replace("_", " ") | capitalize }}: the table, and the models that cross the API boundary."""

from datetime import datetime
from typing import Any{% if entity.is_tree %}, Optional{% endif %}
{%- if uuid %}
from uuid import UUID
{%- endif %}

from sqlmodel import Field, {% if parent %}Relationship, {% endif %}SQLModel

{% set imports = [("..core.pagination", ["PageQuery"]), ("..core.tables", ["JSON_OBJECT", "utc_now"]), ("..core.text", ["StorableInput"])] -%}
{% if soft %}{% set _ = imports.append(("..core.tables", ["unique_among_live_rows"])) %}{% endif -%}
{% if uuid %}{% set _ = imports.append(("..core.ids", ["new_id"])) %}{% elif parent %}{% set _ = imports.append(("..core.ids", ["MAX_ID"])) %}{% endif -%}
{% if parent and not entity.is_tree -%}
{% set _ = imports.append(("..%s.models" % parent.plural, [parent.class_name, parent.class_name ~ "Public"])) -%}
{% endif -%}
{{ imports | import_block }}


class {{ E }}Base(SQLModel):
{%- if soft %}
    name: str = Field(min_length=1, max_length=255)
{%- else %}
    name: str = Field(min_length=1, max_length=255, unique=True, index=True)
{%- endif %}
    description: str | None = Field(default=None, max_length=2000)
    attributes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_OBJECT)
{%- if parent %}
    {{ entity.parent_attr }}_id: {{ ID }} | None = Field(
        default=None,
{%- if not uuid %}
        ge=1,
        le=MAX_ID,
{%- endif %}
        foreign_key="{{ parent.table }}.id",
        ondelete="{{ 'CASCADE' if entity.is_tree else 'SET NULL' }}",
        index=True,
    )
{%- endif %}


class {{ E }}({{ E }}Base, table=True):
    __tablename__ = "{{ entity.table }}"
{%- if soft %}
    __table_args__ = (unique_among_live_rows("{{ entity.table }}", "name"),)
{%- endif %}

{% if uuid %}    id: UUID = Field(default_factory=new_id, primary_key=True)
{% else %}    id: int | None = Field(default=None, primary_key=True)
{% endif %}    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
{%- if soft %}
    # Set by DELETE; every read skips rows where it is set.
    deleted_at: datetime | None = None
{%- endif %}
{%- if entity.is_tree %}
    # lazy="raise": a hidden lazy load (impossible under asyncio) fails loudly at the
    # line that needs it; the service loads the parent explicitly. Only the parent side
    # is mapped: children are listed page by page, never as an unbounded collection.
    # Optional["..."], not "... | None": SQLAlchemy cannot evaluate the latter string.
    parent: Optional["{{ E }}"] = Relationship(
        sa_relationship_kwargs={"lazy": "raise", "remote_side": "{{ E }}.id"},
    )
{%- elif parent %}
    # lazy="raise": a hidden lazy load (impossible under asyncio) fails loudly at the
    # line that needs it; the service loads the {{ parent.label }} explicitly. Only this side is
    # mapped: a {{ parent.label }}'s {{ entity.plural | replace("_", " ") }} are listed page by page, never as an unbounded collection.
    {{ entity.parent_attr }}: {{ parent.class_name }} | None = Relationship(
        sa_relationship_kwargs={"lazy": "raise"},
    )
{%- endif %}


class {{ E }}Create({{ E }}Base, StorableInput):
    pass


class {{ E }}Update(SQLModel, StorableInput):
    # Omitted fields stay as they are; `null` is refused where a value is required.
    name: str = Field(default=None, min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=2000)
    attributes: dict[str, Any] = Field(default=None)
{%- if parent %}
    {{ entity.parent_attr }}_id: {{ PARENT_ID }}
{%- endif %}


class {{ E }}Public({{ E }}Base):
    id: {{ ID }}
    created_at: datetime
    updated_at: datetime
{%- if parent %}


class {{ entity.read_model }}({{ E }}Public):
    {{ entity.parent_attr }}: {{ parent.class_name }}Public | None
{%- endif %}


class {{ E }}Query(PageQuery, StorableInput):
    name: str | None = Field(
        default=None,
        max_length=255,
        description="Only {{ entity.plural | replace('_', ' ') }} whose name contains this text",
    )
{%- if parent %}
    {{ entity.parent_attr }}_id: {{ PARENT_ID }}
{%- endif %}
{%- for link in own_links %}


class {{ link.class_name }}(SQLModel, table=True):
    """Links {{ link.left.plural | replace("_", " ") }} and {{ link.right.plural | replace("_", " ") }}; it carries data of its own: when the link was made."""

    __tablename__ = "{{ link.table }}"

    {{ link.left.name }}_id: {{ ID }} = Field(
        foreign_key="{{ link.left.table }}.id",
        primary_key=True,
        ondelete="CASCADE",
    )
    # The primary key's index serves lookups by {{ link.left.label }}; this one serves the other side.
    {{ link.right.name }}_id: {{ ID }} = Field(
        foreign_key="{{ link.right.table }}.id",
        primary_key=True,
        ondelete="CASCADE",
        index=True,
    )
    created_at: datetime = Field(default_factory=utc_now)
{%- endfor %}
