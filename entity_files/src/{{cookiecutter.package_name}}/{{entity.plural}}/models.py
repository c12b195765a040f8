{%- set E = entity.class_name -%}
{%- set uuid = cookiecutter.primary_key == "uuid" -%}
{%- set ID = "UUID" if uuid else "int" -%}
{%- set soft = cookiecutter.soft_delete -%}
{%- set refs = entity.references -%}
{%- set enums = entity.fields | selectattr("type", "equalto", "enum") | list -%}
{%- set types = entity.fields | map(attribute="type") | list -%}
{%- set std = [] -%}
{%- if "decimal" in types %}{% set _ = std.append(("decimal", ["Decimal"])) %}{% endif -%}
{%- if enums %}{% set _ = std.append(("enum", ["StrEnum"])) %}{% endif -%}
{%- set _ = std.append(("typing", ["Literal"])) -%}
{%- if entity.is_tree %}{% set _ = std.append(("typing", ["Optional"])) %}{% endif -%}
{%- set _ = std.append(("typing", ["Any"])) -%}
{%- if uuid or "uuid" in types %}{% set _ = std.append(("uuid", ["UUID"])) %}{% endif -%}
{%- set third = [("pydantic", ["AwareDatetime"]), ("sqlmodel", ["Field", "SQLModel"])] -%}
{%- if entity.fields | selectattr("type", "equalto", "json") | selectattr("optional") | list %}{% set _ = third.append(("pydantic", ["JsonValue"])) %}{% endif -%}
{%- if "email" in types or "url" in types %}{% set _ = third.append(("sqlalchemy", ["String"])) %}{% endif -%}
{%- if "text" in types %}{% set _ = third.append(("sqlalchemy", ["Text"])) %}{% endif -%}
{%- if "bigint" in types %}{% set _ = third.append(("sqlalchemy", ["BigInteger"])) %}{% endif -%}
{%- if refs %}{% set _ = third.append(("sqlmodel", ["Relationship"])) %}{% endif -%}
{%- set _ = third.append(("sqlalchemy.orm", ["declared_attr"])) -%}
{%- for f in entity.fields if f.sqlalchemy_names %}{% set _ = third.append(("sqlalchemy", f.sqlalchemy_names)) %}{% endfor -%}
{%- set own = [("..core.pagination", ["PageQuery", "SORT_DESCRIPTION"]), ("..core.tables", ["utc_now"]), ("..core.text", ["AlwaysShown", "StorableInput"])] -%}
{%- if entity.fields | selectattr("keeps_null") | rejectattr("type", "equalto", "enum") | list %}{% set _ = own.append(("..core.tables", ["null_kept"])) %}{% endif -%}
{%- if entity.fields | selectattr("type", "equalto", "json") | rejectattr("optional") | list %}{% set _ = own.append(("..core.text", ["RequiredJson"])) %}{% endif -%}
{%- if entity.unique_groups %}{% set _ = own.append(("..core.tables", ["unique_index"])) %}{% endif -%}
{%- if entity.sort_indexes or entity.unique_sort_indexes %}{% set _ = own.append(("..core.tables", ["sort_index"])) %}{% endif -%}
{%- set _ = own.append(("..core.tables", ["FIRST_VERSION", "NOW", "counts_versions"])) -%}
{%- for module, names in entity.table_imports %}{% set _ = (third if module == "sqlalchemy" else own).append((module if module == "sqlalchemy" else ".." ~ module, names)) %}{% endfor -%}
{%- if enums %}{% set _ = own.append(("..core.tables", ["enum_column"])) %}{% endif -%}
{%- if "json" in types or "object" in types %}{% set _ = own.append(("..core.tables", ["JSON_VALUE"])) %}{% endif -%}
{%- if "text" in types %}{% set _ = own.append(("..core.text", ["MAX_TEXT"])) %}{% endif -%}
{%- if "url" in types %}{% set _ = own.append(("..core.text", ["Url"])) %}{% endif -%}
{%- if "email" in types %}{% set _ = own.append(("..core.text", ["Email"])) %}{% endif -%}
{%- if entity.fields | selectattr("filters_need_query_limit") | list %}{% set _ = own.append(("..core.text", ["MAX_QUERY_TEXT"])) %}{% endif -%}
{%- for f in entity.fields if f.filter_imports %}{% set _ = own.append(("..core.filters", f.filter_imports)) %}{% endfor -%}
{%- if "date" in types %}{% set _ = own.append(("..core.text", ["IsoDate"])) %}{% endif -%}
{%- if "datetime" in types %}{% set _ = own.append(("..core.text", ["IsoDateTime"])) %}{% endif -%}
{%- if entity.shown_fields | selectattr("type", "equalto", "decimal") | list %}{% set _ = own.append(("..core.tables", ["at_scale"])) %}{% set _ = third.append(("pydantic", ["field_validator"])) %}{% endif -%}
{%- if uuid %}{% set _ = own.append(("..core.ids", ["new_id"])) %}{% elif refs %}{% set _ = own.append(("..core.ids", ["MAX_ID"])) %}{% endif -%}
{%- for f in refs | unique(attribute="target") if f.target != entity.name -%}
{%- set T = plan.referenced(f) -%}
{%- set _ = own.append(("..%s.models" % T.plural, [T.class_name, T.class_name ~ "Public"])) -%}
{%- endfor -%}
"""{{ entity.plural | replace("_", " ") | capitalize }}: the table, and the models that cross the API boundary."""

{{ std | import_block }}

{{ third | import_block }}

{{ own | import_block }}
{%- for f in enums %}


{{ f.enum_class_definition }}
{%- endfor %}


{{ (E ~ "Base") | class_line(["SQLModel"]) }}
{%- for f in entity.base_fields %}
{{ f.model_line(ID) }}
{%- endfor %}
{%- if not entity.base_fields %}
    pass
{%- endif %}
{%- for f in entity.base_fields if f.type == "decimal" %}

{{ f.as_stored_validator }}
{%- endfor %}


{{ E | class_line([E ~ "Base", "table=True"]) }}
    __tablename__ = "{{ entity.table }}"
{%- if entity.has_table_args %}
{%- set indexes = [] %}
{%- for group in entity.unique_groups %}
{%- set ci = entity.ignore_case_in(group) %}
{%- set _ = indexes.append("unique_index" | call([entity.table | quoted] + (group | map("quoted") | list) + (["live_only=True"] if soft else []) + (["ignore_case=%s" % (ci | string_tuple)] if ci else []))) %}
{%- endfor %}
{%- for column in entity.sort_indexes %}
{%- set _ = indexes.append("sort_index" | call([entity.table | quoted, column | quoted])) %}
{%- endfor %}
{%- for column in entity.unique_sort_indexes %}
{%- set _ = indexes.append("sort_index" | call_line([entity.table | quoted, column | quoted, [column, "_sort"] | index_name(entity.table) | quoted], indent="        ") | trim) %}
{%- endfor %}
{%- for check in entity.table_checks %}
{%- set _ = indexes.append(check) %}
{%- endfor %}
{%- if entity.table_checks %}
    # CHECKs: what the API checks, held by the database too (see core/tables.py).
{%- endif %}
{{ "__table_args__" | assignment(indexes, indent="    ") }}
{%- endif %}

{% if uuid %}    id: UUID = Field(default_factory=new_id, primary_key=True)
{% else %}    id: int | None = Field(default=None, primary_key=True)
{% endif -%}
{%- for f in entity.hidden_fields %}
{{ f.model_line(ID) }}
{%- endfor %}
{%- if entity.owner_field %}
    # The user whose row it is: the caller on create, never in a request body (see service.py).
{{ entity.owner_field.model_line(ID) }}
{%- endif %}
    # Indexed: lists sort by them, and a cursor page seeks instead of sorting the table.
    # The server default serves rows that SQL inserts; the service sets both itself.
    created_at: AwareDatetime = Field(
        default_factory=utc_now, index=True, sa_column_kwargs={"server_default": NOW}
    )
    updated_at: AwareDatetime = Field(
        default_factory=utc_now, index=True, sa_column_kwargs={"server_default": NOW}
    )
{%- if soft %}
    # Set by DELETE, cleared by restore; every read skips rows where it is set.
    deleted_at: AwareDatetime | None = None
{%- endif %}
    # Counts the row's changes: its ETag (core/etags.py). SQLAlchemy checks it in every UPDATE
    # it writes, so a change that another request made meanwhile is never overwritten.
    row_version: int = Field(default=1, sa_column_kwargs={"server_default": FIRST_VERSION})
{%- for f in refs %}
{%- set T = plan.referenced(f) %}
{%- set kwargs = ['"lazy": "raise"'] %}
{%- if f.target == entity.name %}{% set _ = kwargs.append('"remote_side": "%s.id"' % E) %}{% endif %}
{%- if (refs | selectattr("target", "equalto", f.target) | list | length) > 1 %}{% set _ = kwargs.append('"foreign_keys": "[%s.%s]"' % (E, f.column)) %}{% endif %}
{%- if loop.first %}
    # lazy="raise": a hidden lazy load (impossible under asyncio) fails loudly at the line
    # that needs it; the service loads every reference in the same query as the row.
    # Only this side is mapped: the other side's rows are listed page by page.
{%- endif %}
{%- if f.target == entity.name %}
    # Optional["..."], not "... | None": SQLAlchemy cannot evaluate the latter string.
    {{ f.name }}: Optional["{{ E }}"] = Relationship(
{%- else %}
    {{ f.name }}: {{ T.class_name }} | None = Relationship(
{%- endif %}
{{ "sa_relationship_kwargs" | keyword_dict(kwargs) }}
    )
{%- endfor %}

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return counts_versions(cls)


{{ (E ~ "Create") | class_line([E ~ "Base", "StorableInput"]) }}
{%- for f in entity.hidden_fields %}
{{ f.model_line(ID, table=False) }}
{%- else %}
    pass
{%- endfor %}


{{ (E ~ "Update") | class_line(["SQLModel", "StorableInput"]) }}
    # Omitted fields stay as they are; `null` is refused where a value is required.
{%- for f in entity.update_fields %}
{{ f.update_line(ID) }}
{%- else %}
    pass
{%- endfor %}


{{ (E ~ "Public") | class_line([E ~ "Base", "AlwaysShown"]) }}
{%- for f in entity.shown_fields if f.type in ("email", "url") %}
{%- if loop.first %}
    # Checked on the way in; shown as stored, without checking every response again.
{%- endif %}
    {{ f.column }}: {{ "str | None" if f.optional else "str" }}
{%- endfor %}
{%- if entity.owner_field %}
    {{ entity.owner_field.column }}: {{ ID }}
{%- endif %}
    id: {{ ID }}
    created_at: AwareDatetime
    updated_at: AwareDatetime
{%- if refs %}


{{ entity.read_model | class_line([E ~ "Public"]) }}
{%- for f in refs %}
{%- set T = plan.referenced(f) %}
    {{ f.name }}: {{ T.class_name }}Public{{ " | None" if f.optional else "" }}
{%- endfor %}
{%- endif %}


{{ E }}Sort = Literal[
{%- for key in entity.sort_keys %}
    "{{ key }}",
    "-{{ key }}",
{%- endfor %}
]
{%- set refs_filtered = entity.references | selectattr("filters") | list %}
{%- if refs_filtered %}


{{ (E ~ "Filters") | class_line(["PageQuery", "StorableInput"]) }}
    """A page, a sort key, and a filter per field but the references (all optional)."""
{%- else %}


{{ (E ~ "Query") | class_line(["PageQuery", "StorableInput"]) }}
    """The list's query parameters: a page, a sort key, and a filter per field (all optional)."""
{%- endif %}

{{ ("sort: %sSort = Field" % E) | call_line(['default="id"', "description=SORT_DESCRIPTION"]) }}
{%- for f in entity.fields if not f.is_reference %}
{%- for param, op in f.filters %}
{{ f.filter_line(param, op, ID) }}
{%- endfor %}
{%- endfor %}
{%- if refs_filtered %}


{{ (E ~ "Query") | class_line([E ~ "Filters"]) }}
    """The list's query parameters: a page, a sort key, and a filter per field (all optional)."""
{% for f in refs_filtered %}
{%- for param, op in f.filters %}
{{ f.filter_line(param, op, ID) }}
{%- endfor %}
{%- endfor %}
{%- endif %}
{%- for parent, ref in plan.listed_under(entity) %}


{{ (E ~ "QueryOf" ~ parent.class_name) | class_line([E ~ "Filters"]) }}
    """`GET /{{ parent.route }}/{id}/{{ entity.route }}`: the list's parameters but its {{ ref.label }}, which the path gives."""
{% for f in refs_filtered if f != ref %}
{%- for param, op in f.filters %}
{{ f.filter_line(param, op, ID) }}
{%- endfor %}
{%- else %}
    pass
{%- endfor %}
{%- endfor %}
