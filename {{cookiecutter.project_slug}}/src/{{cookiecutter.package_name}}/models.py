{%- set plan = cookiecutter.entities | entity_plan(cookiecutter.many_to_many) -%}
"""Every table model in one place, so that SQLModel.metadata is complete (Alembic, tests)."""

from sqlmodel import SQLModel

{% set imports = [] -%}
{% for entity in plan.entities -%}
{% set _ = imports.append(("." ~ entity.plural ~ ".models", [entity.class_name])) -%}
{% endfor -%}
{% for link in plan.links -%}
{% set _ = imports.append((".links." ~ link.package ~ ".models", [link.class_name])) -%}
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
