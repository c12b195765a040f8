{%- set plan = cookiecutter.entities | entity_plan(cookiecutter.many_to_many, cookiecutter.auth) -%}
"""Every table model, one import line each, so that the metadata knows them all (Alembic, tests).

`python -m sqlmodel_scaffold.add` (from the template) adds the lines of the entities and links
it adds; an entity added by hand adds its own.
"""

{% set imports = [(".core.tables", ["metadata as metadata"])] -%}
{% if cookiecutter.auth == "users" %}{% set _ = imports.extend([(".users.models", ["User as User"]), (".auth.models", ["LoginFailure as LoginFailure", "RefreshToken as RefreshToken"])]) %}{% endif -%}
{% for entity in plan.entities %}{% set _ = imports.extend(entity | model_imports) %}{% endfor -%}
{% for link in plan.links %}{% set _ = imports.extend(link | link_model_imports) %}{% endfor -%}
{{ imports | import_block }}
