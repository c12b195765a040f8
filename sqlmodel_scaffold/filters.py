"""Jinja filters shared by the cookiecutter extension and the per-entity renderer.

Rendered code must pass `ruff format --check` and ruff's import sorting for any
entity names, so the lines whose length depends on names are built here, the way
ruff would write them.
"""

import hashlib
import json
from collections.abc import Iterable
from typing import Any

LINE_LENGTH = 100  # the generated project's ruff line-length
MAX_IDENTIFIER = 63  # PostgreSQL's limit on names


def quoted(value: str) -> str:
    """A double-quoted string literal, valid in Python and TOML (JSON's escapes are valid in both)."""
    return json.dumps(value, ensure_ascii=False)


def python_literal(value: Any) -> str:
    """A Python literal of JSON-like data, with its strings quoted as ruff formats them."""
    text = repr(json.loads(json.dumps(value)))
    out, position = [], 0
    while position < len(text):
        char = text[position]
        if char not in "'\"":
            out.append(char)
            position += 1
            continue
        end = position + 1
        while text[end] != char:
            end += 2 if text[end] == "\\" else 1
        literal = text[position : end + 1]
        # repr prefers single quotes; ruff prefers double, unless the text holds a double quote.
        if char == "'" and '"' not in literal:
            literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
        out.append(literal)
        position = end + 1
    return "".join(out)


def import_block(imports: Iterable[tuple[str, Iterable[str]]]) -> str:
    """`from M import a, B` lines, merged per module and sorted as ruff's isort sorts them.

    Relative modules go furthest first (`..core` before `.models`), as ruff's default does.
    """
    merged: dict[str, set[str]] = {}
    for module, names in imports:
        merged.setdefault(module, set()).update(names)
    return "\n".join(_from_import(m, merged[m]) for m in sorted(merged, key=module_sort_key))


def module_sort_key(module: str) -> tuple[int, str]:
    """Where ruff's isort puts `from <module> import ...` among a block's relative imports."""
    dots = len(module) - len(module.lstrip("."))
    return (-dots, module.lstrip(".").lower())


def _member_key(name: str) -> tuple[int, str]:
    # ruff's order-by-type: CONSTANTS, then Classes, then functions and variables.
    if name.isupper() and len(name) > 1:
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return (kind, name.lower())


def _from_import(module: str, names: Iterable[str]) -> str:
    # As ruff's isort does by default, aliased names get a statement each, after the others.
    plain = sorted((n for n in names if " as " not in n), key=_member_key)
    aliased = sorted((n for n in names if " as " in n), key=_member_key)
    lines = [_from_import_line(module, plain)] if plain else []
    return "\n".join(lines + [_from_import_line(module, [name]) for name in aliased])


def _from_import_line(module: str, members: list[str]) -> str:
    line = f"from {module} import {', '.join(members)}"
    if len(line) <= LINE_LENGTH:
        return line
    body = "".join(f"    {name},\n" for name in members)
    return f"from {module} import (\n{body})"


def def_line(name: str, params: Iterable[str], returns: str, is_async: bool = True) -> str:
    """A top-level `async def` (or `def`) line, laid out as ruff formats it."""
    params = list(params)
    keyword = "async def" if is_async else "def"
    # Like black, ruff gives a lone parameter its own line and a trailing comma.
    return _layout(f"{keyword} {name}(", params, f") -> {returns}:", indent="", hug=len(params) > 1)


def class_line(name: str, bases: Iterable[str]) -> str:
    """A `class Name(Base, Other):` line, laid out as ruff formats it."""
    return _layout(f"class {name}(", list(bases), "):", indent="")


def call_line(head: str, args: Iterable[str], indent: str = "    ", tail: str = ")") -> str:
    """A call such as `rows = await f(a, b)`, laid out as ruff formats it.

    `head` runs up to the call's opening parenthesis, e.g. `rows = await service.list_heroes`;
    `tail` is what closes the line: `),` for a call that is itself an argument.
    """
    return _layout(f"{indent}{head}(", list(args), tail, indent=indent)


class Call(str):
    """A call written as an argument or item, `enum_column(A, "a")`, that splits as ruff splits it
    when its line is too long."""

    head: str
    args: list[str]

    def __new__(cls, head: str, args: Iterable[str]) -> "Call":
        args = list(args)
        call = super().__new__(cls, f"{head}({', '.join(args)})")
        call.head, call.args = head, args
        return call


def _layout(head: str, items: list[str], tail: str, indent: str, hug: bool = True) -> str:
    # ruff's order of preference: all on one line; else the items together on one
    # indented line; else one item per line with a trailing comma, an item that is a call
    # too long for its line split in turn.
    one_line = head + ", ".join(items) + tail
    if len(one_line) <= LINE_LENGTH:
        return one_line
    inner = f"{indent}    " + ", ".join(items)
    if hug and len(inner) <= LINE_LENGTH:
        return f"{head}\n{inner}\n{indent}{tail}"
    return f"{head}\n{_one_per_line(items, indent)}{indent}{tail}"


def _one_per_line(items: list[str], indent: str) -> str:
    """Each item on a line of its own with a trailing comma; a call too long for its line is split in turn."""
    deeper = f"{indent}    "
    return "".join(
        _layout(f"{deeper}{item.head}(", item.args, "),", deeper) + "\n"
        if isinstance(item, Call) and len(f"{deeper}{item},") > LINE_LENGTH
        else f"{deeper}{item},\n"
        for item in items
    )


def _tuple(items: list[str]) -> str:
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def index_name(columns: Iterable[str], table: str) -> str:
    """The generated core/tables.py's index_name: `ix_book_isbn`, or a hash where that is too long."""
    name = "_".join(("ix", table, *columns))
    if len(name) <= MAX_IDENTIFIER:
        return name
    return f"ix_{table}_{hashlib.sha256(name.encode()).hexdigest()[:12]}"


def string_tuple(names: Iterable[str]) -> str:
    """`("member_id", "book_id")`."""
    return _tuple([quoted(name) for name in names])


def string_tuple_raw(items: Iterable[str]) -> str:
    """`(a, b)` of items already written as Python."""
    return _tuple(list(items))


def assignment(head: str, items: list[str], brackets: str = "()", indent: str = "") -> str:
    """`name = (a, b)`, `name: T = [a]` or `{k: v}`, laid out as ruff formats a collection.

    A tuple of one item keeps its comma.
    """
    opening, closing = brackets[0], brackets[1]
    if not items:
        return f"{indent}{head} = {brackets}"
    if brackets == "()" and len(items) == 1:
        line = f"{indent}{head} = ({items[0]},)"
        if len(line) <= LINE_LENGTH:
            return line
        return f"{indent}{head} = (\n{_one_per_line(items, indent)}{indent})"
    # Unlike a call's arguments, a collection that does not fit on one line takes one item per line.
    return _layout(f"{indent}{head} = {opening}", items, closing, indent=indent, hug=False)


def keyword_dict(name: str, items: list[str], indent: str = "        ") -> str:
    """`name={k: v, ...},` as a call's argument on a line of its own, laid out as ruff lays out a dict."""
    return _layout(f"{indent}{name}={{", items, "},", indent=indent, hug=False)


def dict_item(key: str, value: str, indent: str = "        ") -> str:
    """`"key": value,` on a line of its own in a dict literal; a call too long for it is split."""
    line = f"{indent}{quoted(key)}: {value},"
    if len(line) <= LINE_LENGTH or not isinstance(value, Call):
        return line
    return _layout(f"{indent}{quoted(key)}: {value.head}(", value.args, "),", indent=indent)


def wrapped(head: str, inner: str, brackets: str, indent: str = "    ") -> str:
    """`head {inner}`, or the inner part on its own line between the brackets, as ruff lays out
    a comprehension that does not fit."""
    opening, closing = brackets[0], brackets[1]
    line = f"{indent}{head} {opening}{inner}{closing}"
    if len(line) <= LINE_LENGTH:
        return line
    return f"{indent}{head} {opening}\n{indent}    {inner}\n{indent}{closing}"


FILTERS = {
    "class_line": class_line,
    "wrapped": wrapped,
    "assignment": assignment,
    "string_tuple": string_tuple,
    "string_tuple_raw": string_tuple_raw,
    "index_name": index_name,
    "quoted": quoted,
    "pyrepr": python_literal,
    "import_block": import_block,
    "def_line": def_line,
    "call_line": call_line,
    "call": Call,
    "keyword_dict": keyword_dict,
    "dict_item": dict_item,
}
