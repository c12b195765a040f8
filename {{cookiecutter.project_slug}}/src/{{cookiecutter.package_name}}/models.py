{%- set plan = cookiecutter.entities | entity_plan(cookiecutter.many_to_many) -%}
"""Every table model in one place, so that SQLModel.metadata is complete (Alembic, tests)."""

from sqlmodel import SQLModel

{% set imports = [] -%}
{% for entity in plan.entities -%}
{% set names = [entity.class_name] -%}
{% for link in plan.links if link.left == entity %}{% set _ = names.append(link.class_name) %}{% endfor -%}
{% set _ = imports.append(("." ~ entity.plural ~ ".models", names)) -%}
{% endfor -%}
{{ imports | import_block }}

metadata = SQLModel.metadata

__all__ = [
{%- set names = [] -%}
{% for entity in plan.entities %}{% set _ = names.append(entity.class_name) %}{% endfor -%}
{% for link in plan.links %}{% set _ = names.append(link.class_name) %}{% endfor -%}
{% for name in names | sort %}
    "{{ name }}",
{%- endfor %}
    "metadata",
]
