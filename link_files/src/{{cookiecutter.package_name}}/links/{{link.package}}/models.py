{%- set L = link.class_name -%}
{%- set left, right = link.left, link.right -%}
{%- set uuid = cookiecutter.primary_key == "uuid" -%}
{%- set ID = "UUID" if uuid else "int" -%}
{%- set types = link.fields | map(attribute="type") | list -%}
"""The link between {{ left.plural | replace("_", " ") }} and {{ right.plural | replace("_", " ") }}: its table, and what its endpoints take and show."""

{% set std = [] -%}
{% if "decimal" in types %}{% set _ = std.append(("decimal", ["Decimal"])) %}{% endif -%}
{% if "enum" in types %}{% set _ = std.append(("enum", ["StrEnum"])) %}{% endif -%}
{% if uuid or "uuid" in types %}{% set _ = std.append(("uuid", ["UUID"])) %}{% endif -%}
{% if std -%}
{{ std | import_block }}

{% endif -%}
{% set third = [("pydantic", ["AwareDatetime"]), ("sqlmodel", ["Field", "SQLModel"])] -%}
{% if link.fields | selectattr("type", "equalto", "json") | selectattr("optional") | list %}{% set _ = third.append(("pydantic", ["JsonValue"])) %}{% endif -%}
{% if "email" in types or "url" in types %}{% set _ = third.append(("sqlalchemy", ["String"])) %}{% endif -%}
{% if "text" in types %}{% set _ = third.append(("sqlalchemy", ["Text"])) %}{% endif -%}
{% if "bigint" in types %}{% set _ = third.append(("sqlalchemy", ["BigInteger"])) %}{% endif -%}
{% if "decimal" in types %}{% set _ = third.append(("pydantic", ["field_validator"])) %}{% endif -%}
{% for f in link.fields if f.sqlalchemy_names %}{% set _ = third.append(("sqlalchemy", f.sqlalchemy_names)) %}{% endfor -%}
{% for module, names in link.table_imports if module == "sqlalchemy" %}{% set _ = third.append((module, names)) %}{% endfor -%}
{{ third | import_block }}

{% set own = [("...core.tables", ["NOW", "utc_now"]), ("...core.text", ["AlwaysShown"]), ("...%s.models" % left.plural, [left.read_model]), ("...%s.models" % right.plural, [right.read_model])] -%}
{% if link.fields | selectattr("type", "equalto", "json") | rejectattr("optional") | list %}{% set _ = own.append(("...core.text", ["RequiredJson"])) %}{% endif -%}
{% if link.fields %}{% set _ = own.append(("...core.text", ["StorableInput"])) %}{% endif -%}
{% if "enum" in types %}{% set _ = own.append(("...core.tables", ["enum_column"])) %}{% endif -%}
{% if "decimal" in types %}{% set _ = own.append(("...core.tables", ["at_scale"])) %}{% endif -%}
{% if link.fields | selectattr("keeps_null") | rejectattr("type", "equalto", "enum") | list %}{% set _ = own.append(("...core.tables", ["null_kept"])) %}{% endif -%}
{% if "json" in types %}{% set _ = own.append(("...core.tables", ["JSON_VALUE"])) %}{% endif -%}
{% for module, names in link.table_imports if module != "sqlalchemy" %}{% set _ = own.append(("..." ~ module, names)) %}{% endfor -%}
{% if "text" in types %}{% set _ = own.append(("...core.text", ["MAX_TEXT"])) %}{% endif -%}
{% if "url" in types %}{% set _ = own.append(("...core.text", ["Url"])) %}{% endif -%}
{% if "email" in types %}{% set _ = own.append(("...core.text", ["Email"])) %}{% endif -%}
{% if "date" in types %}{% set _ = own.append(("...core.text", ["IsoDate"])) %}{% endif -%}
{% if "datetime" in types %}{% set _ = own.append(("...core.text", ["IsoDateTime"])) %}{% endif -%}
{{ own | import_block }}
{%- for f in link.fields if f.type == "enum" %}


{{ f.enum_class_definition }}
{%- endfor %}


{{ (L ~ "Base") | class_line(["SQLModel"]) }}
{%- for f in link.fields %}
{{ f.model_line(ID) }}
{%- else %}
    pass
{%- endfor %}
{%- for f in link.fields if f.type == "decimal" %}

{{ f.as_stored_validator }}
{%- endfor %}


{{ L | class_line([L ~ "Base", "table=True"]) }}
    __tablename__ = "{{ link.table }}"
{%- if link.table_checks %}
    # What the API checks, held by the database too (see core/tables.py).
{{ "__table_args__" | assignment(link.table_checks, indent="    ") }}
{%- endif %}

    {{ left.name }}_id: {{ ID }} = Field(
        foreign_key="{{ left.table }}.id",
        primary_key=True,
        ondelete="CASCADE",
    )
    # The primary key's index serves lookups by {{ left.label }}; this one serves the other side.
    {{ right.name }}_id: {{ ID }} = Field(
        foreign_key="{{ right.table }}.id",
        primary_key=True,
        ondelete="CASCADE",
        index=True,
    )
    created_at: AwareDatetime = Field(
        default_factory=utc_now, sa_column_kwargs={"server_default": NOW}
    )
{%- if link.fields %}


{{ (L ~ "Data") | class_line([L ~ "Base", "StorableInput"]) }}
    """The body of PUT: the link's own fields; a second PUT changes them."""
{%- endif %}


{{ (L ~ "Public") | class_line([L ~ "Base", "AlwaysShown"]) }}
    created_at: AwareDatetime


{{ (right.class_name ~ "Of" ~ left.class_name) | class_line([right.read_model]) }}
    """{{ right.article | capitalize }} as a {{ left.label }}'s list shows it: with the link that joins them."""

    link: {{ L }}Public


{{ (left.class_name ~ "Of" ~ right.class_name) | class_line([left.read_model]) }}
    """{{ left.article | capitalize }} as a {{ right.label }}'s list shows it: with the link that joins them."""

    link: {{ L }}Public
