{%- set plan = cookiecutter.entities | entity_plan(cookiecutter.many_to_many, cookiecutter.auth) -%}
"""Every router the API serves, one import line each: main.py includes all of them.

`python -m sqlmodel_scaffold.add` (from the template) adds the lines of the entities and links
it adds; an entity added by hand adds its own.
"""

{% set imports = [(".users.router", ["router as users_router"])] if cookiecutter.auth == "users" else [] -%}
{% for entity in plan.entities %}{% set _ = imports.extend(plan | router_imports(entity)) %}{% endfor -%}
{% for link in plan.links %}{% set _ = imports.extend(link | link_router_imports) %}{% endfor -%}
{{ imports | import_block }}
