

{{ (link.package ~ "_link_body") | def_line(["n: int | None = None", "**fields: Any"], "dict[str, Any]", False) }}
    """A valid body for PUT on a {{ link.left.label }}-{{ link.right.label }} link: its own fields."""
    n = samples.fresh() if n is None else n
    body: dict[str, Any] = {
{%- for f in link.fields %}
{{ f.column | dict_item(f.sample) }}
{%- endfor %}
    }
    return body | fields
