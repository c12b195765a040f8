"""Parsing the braces of an entity or a pair: `{ title: str(200), isbn: str(17) unique, unique(a, b) }`.

item     := field | "unique" "(" fname ("," fname)+ ")"
field    := fname ":" type ["?"] modifier*
type     := "str" ["(" N ")"] | "text" | "int" | "bigint" | "float" | "decimal" "(" P "," S ")"
          | "bool" | "date" | "datetime" | "uuid" | "json" | "email" | "url"
          | "enum" "(" word ("|" word)* ")" | entity-name
          | "user"                              (auth=users: the built-in user)
modifier := "unique" | "index" | "hidden" | "cascade" | "owner" | "=" literal | ">=" number | "<=" number
"""

import keyword
import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import AnswerError
from .fields import BIGINT_RANGE, DEFAULT_STR_LENGTH, GRAMMAR_TYPES, INT_RANGE, TYPES, Field
from .naming import SNAKE_NAME, normalise
from .splitting import split_top_level

MAX_FIELD_NAME_LENGTH = 30
MAX_STR_LENGTH = 10_000
MAX_PRECISION = 38
# Types with a handful of values: unique over them alone allows a handful of rows.
FEW_VALUES = ("bool", "enum")
# A unique number must allow this many values: the generated tests make rows by the dozen.
MIN_UNIQUE_VALUES = 100
# Characters the generated tests' samples use where a prefix does not fit (tests/samples.py).
SAMPLE_CHARACTERS = 36
RESERVED_FIELD_NAMES = {"id", "created_at", "updated_at", "deleted_at", "row_version", "metadata", "registry"}
# Query parameters every list takes; a field of that name could not be filtered.
PAGE_PARAMETERS = {"limit", "offset", "cursor", "sort"}
# Attributes pydantic's BaseModel already has.
MODEL_ATTRIBUTES = {"copy", "dict", "json", "schema", "schema_json", "validate", "construct", "parse_obj", "fields"}

_ITEM = re.compile(r"^(?P<name>[^:]+?)\s*:\s*(?P<rest>.+)$", re.DOTALL)
_TYPE = re.compile(r"^(?P<type>[A-Za-z][A-Za-z0-9_-]*)\s*(?:\((?P<args>[^()]*)\))?\s*(?P<optional>\?)?")
_MODIFIER = re.compile(r"\s*(?:(?P<op>>=|<=|=)\s*(?P<value>\"[^\"]*\"|'[^']*'|[^\s]+)|(?P<word>[A-Za-z_]+))")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_WORD = re.compile(r"^[a-z][a-z0-9_]*$")
_COMPOSITE = re.compile(r"^unique\s*\((?P<names>[^()]*)\)$")
# The entity name auth=users builds in: a reference to it is a foreign key to the user table.
BUILTIN_USER = "user"
# Modifiers written as a word, and the Field attribute each sets (`owner` is taken by the declaring entity).
WORD_MODIFIERS = {"unique": "unique", "index": "index", "hidden": "hidden", "cascade": "cascade", "owner": "is_owner"}


def parse_fields(
    body: str, owner: str, entity_names: set[str], entity: bool, auth: str = "none"
) -> tuple[tuple[Field, ...], tuple[tuple[str, ...], ...]]:
    """The fields and composite unique groups between an entity's braces (entity=False: a link's);
    with auth=users, `user` names the built-in user."""
    items = _split_items(body, owner)
    fields: list[Field] = []
    groups: list[list[str]] = []
    for item in items:
        composite = _COMPOSITE.match(item)
        if composite:
            if not entity:
                raise AnswerError(f"{owner}: unique(...) does not apply to a link, whose pair is unique already")
            groups.append([_field_name(n, owner) for n in composite["names"].split(",") if n.strip()])
            continue
        fields.append(_parse_field(item, owner, entity_names, entity, auth))
    owners = [f.name for f in fields if f.is_owner]
    if len(owners) > 1:
        raise AnswerError(
            f"{owner} has {len(owners)} owners ({', '.join(owners)}); a row belongs to one user: keep 'owner' on one"
        )
    names = {f.name for f in fields}
    columns = {f.column: f.name for f in fields if f.is_reference}
    for group in groups:
        where = f"{owner}: unique({', '.join(group)})"
        if len(group) < 2:
            raise AnswerError(f"{where} names fewer than two fields; for one field write 'unique' after its type")
        if len(set(group)) != len(group):
            raise AnswerError(f"{where} names a field twice; name each once")
        for name in group:
            if name in columns:
                raise AnswerError(f"{where} names the column {name!r}; name the reference instead: {columns[name]!r}")
            if name not in names:
                raise AnswerError(
                    f"{where} names {name!r}, which is not a field of {owner}; declare it or fix the name"
                )
        _check_group(where, [next(f for f in fields if f.name == name) for name in group])
    return tuple(fields), tuple(tuple(g) for g in groups)


def _check_group(where: str, group: list[Field]) -> None:
    """A composite unique must be able to hold more than a handful of rows, and say something."""
    for f in group:
        if f.type == "json":
            raise AnswerError(f"{where} names the json field {f.name!r}; unique does not apply to json")
        if f.unique:
            raise AnswerError(
                f"{where} always holds, since {f.name!r} is unique by itself; remove the group or that 'unique'"
            )
    if all(f.type in FEW_VALUES for f in group):
        raise AnswerError(
            f"{where} allows only a few rows, since every field in it is a bool or an enum; add another field"
        )
    owner = next((f for f in group if f.is_owner), None)
    if owner is not None:
        _check_per_owner(where, owner.name, [f for f in group if f is not owner])


def _check_per_owner(where: str, owner: str, rest: list[Field]) -> None:
    """A group over the owner holds per owner, and one user makes the generated tests' rows: the
    rest of it must allow them as a group (or, alone, a unique field) of its own would."""
    few = f"{where} allows each {owner} only a few rows"
    if all(f.type in FEW_VALUES for f in rest):
        raise AnswerError(f"{few}, since every other field in it is a bool or an enum; add another field")
    if len(rest) > 1:
        return
    (f,) = rest
    if (values := _whole_values(f)) is not None and values < MIN_UNIQUE_VALUES:
        raise AnswerError(
            f"{few}, since {f.name!r} allows only {values} values, too few for the rows the generated tests "
            f"make; allow at least {MIN_UNIQUE_VALUES} or add another field"
        )
    if f.has_default:
        raise AnswerError(
            f"{where}: {f.name!r} has a default, so {owner}'s second row left without a value would clash "
            "with the first; remove the default or add another field"
        )


def _split_items(body: str, owner: str) -> list[str]:
    if "{" in body or "}" in body:
        raise AnswerError(f"{owner}: braces cannot nest inside a field list; close the list with one '}}'")
    return split_top_level(body, f"{owner}'s fields")


def _field_name(raw: str, owner: str) -> str:
    where = f"{owner}.{raw.strip()}"
    if "__" in raw:
        raise AnswerError(f"{where}: names with '__' are reserved for list filters (title__contains); use one '_'")
    name = normalise(raw)
    if not SNAKE_NAME.fullmatch(name):
        raise AnswerError(
            f"{where}: {raw.strip()!r} is not a valid field name; use letters, digits and '_', starting with a letter"
        )
    if len(name) > MAX_FIELD_NAME_LENGTH:
        raise AnswerError(f"{where}: field names are at most {MAX_FIELD_NAME_LENGTH} characters; choose a shorter one")
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise AnswerError(f"{where}: {name!r} is a Python keyword; choose another name, for example '{name}_value'")
    if name in RESERVED_FIELD_NAMES or name.startswith("model_"):
        raise AnswerError(f"{where}: {name!r} is a name every table or model has already; choose another name")
    if name in PAGE_PARAMETERS:
        raise AnswerError(f"{where}: {name!r} is a query parameter of every list; choose another name")
    if name in MODEL_ATTRIBUTES:
        raise AnswerError(f"{where}: {name!r} would hide a method of the models; choose another name")
    return name


def _parse_field(item: str, owner: str, entity_names: set[str], entity: bool, auth: str) -> Field:
    match = _ITEM.match(item)
    if not match:
        raise AnswerError(f"{owner}: {item!r} is not a field; write 'name: type', for example 'title: str(200)'")
    name = _field_name(match["name"], owner)
    where = f"{owner}.{name}"
    rest = match["rest"].strip()
    typed = _TYPE.match(rest)
    if not typed:
        raise AnswerError(
            f"{where}: {rest!r} does not start with a type; for example 'str(200)', 'int' or an entity's name"
        )
    spec: dict[str, Any] = {"optional": typed["optional"] is not None}
    spec |= _type(typed["type"], typed["args"], where, entity_names, entity, auth)
    _modifiers(rest[typed.end() :], spec, where)
    field = Field(owner, name, **spec)
    _check(field, where, entity, auth)
    if field.has_default:
        field = replace(field, default=_default(field, where))
    return field


def _type(word: str, args: str | None, where: str, entity_names: set[str], entity: bool, auth: str) -> dict[str, Any]:
    lowered = word.lower()
    if lowered in GRAMMAR_TYPES:
        return {"type": lowered, **_type_args(lowered, args, where)}
    target = normalise(word)
    builtin = target == BUILTIN_USER and auth == "users"
    if target == BUILTIN_USER and not builtin and target not in entity_names:
        raise AnswerError(
            f"{where}: 'user' is the built-in user of auth=users, and auth is {auth!r}; "
            "choose auth=users or declare a 'user' entity"
        )
    if target in entity_names or builtin:
        if not entity:
            raise AnswerError(
                f"{where}: a link's fields cannot reference an entity; link the entities with another pair"
            )
        if args is not None:
            raise AnswerError(f"{where}: a reference to {target!r} takes no arguments; write '{target}'")
        return {"type": "ref", "target": target, "builtin_user": builtin}
    known = ", ".join(GRAMMAR_TYPES)
    raise AnswerError(
        f"{where}: {word!r} is neither a type ({known}) nor an entity in the list; fix the type or add the entity"
    )


def _type_args(kind: str, args: str | None, where: str) -> dict[str, Any]:
    if kind == "str":
        if args is None:
            return {"length": DEFAULT_STR_LENGTH}
        if not args.strip().isdigit() or not 1 <= int(args) <= MAX_STR_LENGTH:
            raise AnswerError(
                f"{where}: str({args.strip()}) needs a length from 1 to {MAX_STR_LENGTH}; for unbounded text use 'text'"
            )
        return {"length": int(args)}
    if kind == "decimal":
        parts = [p.strip() for p in (args or "").split(",")]
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise AnswerError(f"{where}: decimal needs a precision and a scale, for example 'decimal(8,2)'")
        precision, scale = int(parts[0]), int(parts[1])
        if not 1 <= precision <= MAX_PRECISION:
            raise AnswerError(f"{where}: decimal precision {precision} must be from 1 to {MAX_PRECISION}")
        if scale > precision:
            raise AnswerError(
                f"{where}: decimal({precision},{scale}) has more places than digits; the scale must be at most {precision}"
            )
        return {"precision": precision, "scale": scale}
    if kind == "enum":
        words = tuple(w.strip() for w in (args or "").split("|"))
        if args is None or words == ("",):
            raise AnswerError(f"{where}: an enum needs its words, for example 'enum(draft|published)'")
        if "" in words:
            raise AnswerError(f"{where}: enum({args}) has an empty word; remove the extra '|'")
        for w in words:
            if not _WORD.fullmatch(w):
                raise AnswerError(
                    f"{where}: enum word {w!r} must be lowercase letters, digits and '_', starting with a letter"
                )
        if len(set(words)) != len(words):
            repeated = next(w for w in words if words.count(w) > 1)
            raise AnswerError(f"{where}: enum word {repeated!r} is repeated; list each word once")
        return {"words": words}
    if args is not None:
        raise AnswerError(f"{where}: {kind} takes no arguments; write '{kind}'")
    return {}


def _modifiers(text: str, spec: dict[str, Any], where: str) -> None:
    position = 0
    while position < len(text.rstrip()):
        match = _MODIFIER.match(text, position)
        if not match or match.end() == position:
            raise AnswerError(
                f"{where}: cannot read {text[position:].strip()!r}; modifiers are unique, index, hidden, cascade, owner, "
                "= value, >= n, <= n"
            )
        position = match.end()
        if match["word"]:
            word = match["word"].lower()
            if word not in WORD_MODIFIERS:
                raise AnswerError(
                    f"{where}: {match['word']!r} is not a modifier; use unique, index, hidden, cascade, owner, "
                    "= value, >= n or <= n"
                )
            if spec.get(WORD_MODIFIERS[word]):
                raise AnswerError(f"{where}: {word!r} is given twice; keep one")
            spec[WORD_MODIFIERS[word]] = True
            continue
        op, value = match["op"], match["value"]
        if op == "=":
            if value[0] in "'\"" and (len(value) == 1 or value[-1] != value[0]):
                raise AnswerError(
                    f"{where}: the quoted default {value!r} is not closed, or holds a ',' or ';' (which separate "
                    "fields); close the quote and leave ',' and ';' out of it"
                )
            if spec.get("has_default"):
                raise AnswerError(f"{where}: two defaults; keep one")
            spec["has_default"], spec["default"] = True, value
        else:
            if not _NUMBER.match(value):
                raise AnswerError(f"{where}: the bound {op} {value} is not a number; write one, for example {op} 0")
            key = "minimum" if op == ">=" else "maximum"
            if spec.get(key) is not None:
                raise AnswerError(f"{where}: two {op} bounds; keep one")
            spec[key] = int(value) if re.fullmatch(r"-?\d+", value) else float(value)


def _check(field: Field, where: str, entity: bool, auth: str) -> None:
    info = TYPES["uuid"] if field.is_reference else TYPES[field.type]
    kind = _kind(field)
    if field.cascade and not field.is_reference:
        raise AnswerError(f"{where}: cascade applies to references only; remove it")
    if not entity:
        for modifier, attribute in WORD_MODIFIERS.items():
            if getattr(field, attribute):
                raise AnswerError(f"{where}: {modifier} does not apply to a link's fields; remove it")
    if field.is_owner:
        _check_owner(field, where, auth)
    if field.hidden and field.is_reference:
        raise AnswerError(f"{where}: a reference cannot be hidden (reads embed it); remove 'hidden'")
    if field.unique and field.type in ("json", *FEW_VALUES):
        raise AnswerError(f"{where}: unique does not apply to {kind}; remove it")
    if field.unique and (values := _whole_values(field)) is not None and values < MIN_UNIQUE_VALUES:
        raise AnswerError(
            f"{where}: unique, but its bounds or length allow only {values} values, too few for the rows the generated "
            f"tests make; allow at least {MIN_UNIQUE_VALUES} or remove 'unique'"
        )
    if field.unique and field.has_default:
        raise AnswerError(
            f"{where}: a unique field cannot have a default (the second row left without a value would clash "
            "with the first); remove the default or 'unique'"
        )
    if field.index and field.type == "json":
        raise AnswerError(f"{where}: index does not apply to json; remove it")
    if (field.minimum is not None or field.maximum is not None) and not info.bounded:
        raise AnswerError(f"{where}: bounds (>=, <=) apply to numbers only, not to {kind}; remove them")
    if field.type in ("int", "bigint"):
        for bound in (field.minimum, field.maximum):
            if isinstance(bound, float):
                raise AnswerError(f"{where}: {field.type} bounds must be whole numbers, not {bound}")
        limits = INT_RANGE if field.type == "int" else BIGINT_RANGE
        for bound in (field.minimum, field.maximum):
            if bound is not None and not limits[0] <= bound <= limits[1]:
                raise AnswerError(
                    f"{where}: the bound {bound} is outside what {field.type} holds; use bigint or another bound"
                )
    if field.minimum is not None and field.maximum is not None and field.minimum > field.maximum:
        raise AnswerError(
            f"{where}: the lower bound {field.minimum} is above the upper bound {field.maximum}; swap them"
        )


def _check_owner(field: Field, where: str, auth: str) -> None:
    """`owner` marks the one required reference to the built-in user that says whose row it is."""
    if not field.builtin_user:
        if auth != "users":
            raise AnswerError(
                f"{where}: owner makes rows belong to the built-in user of auth=users, and auth is {auth!r}; "
                "choose auth=users or remove 'owner'"
            )
        target = f"a reference to {field.target!r}" if field.is_reference else _kind(field)
        raise AnswerError(
            f"{where}: owner applies to a reference to user only, not to {target}; "
            f"write '{field.name}: user owner' or remove 'owner'"
        )
    if field.optional:
        raise AnswerError(f"{where}: an owner is always the user who creates the row; remove the '?'")
    if field.cascade:
        raise AnswerError(
            f"{where}: a user who owns rows is deactivated, not deleted, so their rows stay; remove 'cascade'"
        )


def _whole_values(field: Field) -> int | None:
    """How many values an int, bigint or decimal may take, when its bounds or digits limit them."""
    if field.type == "decimal":
        low, high = field.decimal_range
        return int((high - low).scaleb(field.scale or 0)) + 1
    if field.type in ("int", "bigint") and field.minimum is not None and field.maximum is not None:
        return int(field.maximum - field.minimum) + 1
    if field.type == "str" and field.length is not None:
        # What the test samples write in it: digits and lowercase letters, which every
        # collation sorts alike.
        return int(SAMPLE_CHARACTERS**field.length)
    return None


def _default(field: Field, where: str) -> Any:
    """The `= literal` as a Python value of the field's type, or an error saying why it does not fit."""
    literal = field.info.literal
    kind = _kind(field)
    raw = str(field.default)
    quoted = len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\""
    if literal is None:
        raise AnswerError(f"{where}: {kind} takes no default; remove '= {raw}'")
    value: Any
    if literal == "string":
        if not quoted:
            raise AnswerError(f'{where}: a text default is quoted, for example = "none"; write = "{raw}"')
        value = raw[1:-1]
        if field.type == "str" and field.length is not None and len(value) > field.length:
            raise AnswerError(
                f"{where}: the default {raw} is longer than the {field.length} characters of str({field.length}); "
                "shorten it or raise the length"
            )
        if not field.optional and not value.strip():
            raise AnswerError(
                f"{where}: the default of a required text is empty; give it words or make the field optional"
            )
        return value
    if literal == "bool":
        if raw not in ("true", "false"):
            raise AnswerError(f"{where}: a bool default is true or false, not {raw}; write = true or = false")
        return raw == "true"
    if literal == "word":
        if raw not in field.words:
            raise AnswerError(
                f"{where}: the default {raw!r} is not one of the enum's words ({'|'.join(field.words)}); "
                "use one of them, unquoted, or add it to the enum"
            )
        return raw
    if not _NUMBER.match(raw) or (literal == "int" and "." in raw):
        example = "= 0" if literal == "int" else "= 1.5"
        number_kind = "a whole number" if literal == "int" else "a number in digits"
        raise AnswerError(f"{where}: the default {raw} is not {number_kind}; write one, for example {example}")
    value = int(raw) if literal == "int" else (float(raw) if field.type == "float" else raw)
    number = Decimal(raw)
    if field.type == "decimal":
        try:
            quantised = number.quantize(Decimal(1).scaleb(-(field.scale or 0)))
        except InvalidOperation:
            quantised = None
        if quantised is None or quantised != number or len(quantised.as_tuple().digits) > (field.precision or 0):
            scale = field.scale or 0
            raise AnswerError(
                f"{where}: the default {raw} does not fit decimal({field.precision},{scale}), which holds "
                f"{(field.precision or 0) - scale} digits before the point and {scale} after; change the default or the type"
            )
    low, high = field.bounds
    if (low is not None and number < Decimal(str(low))) or (high is not None and number > Decimal(str(high))):
        outside_declared = (field.minimum is not None and number < Decimal(str(field.minimum))) or (
            field.maximum is not None and number > Decimal(str(field.maximum))
        )
        if not outside_declared:
            fix = "use bigint or another default" if field.type == "int" else "choose another default"
            raise AnswerError(f"{where}: the default {raw} is outside what {field.type} holds; {fix}")
        declared = " and ".join(
            f"{op} {b}" for op, b in ((">=", field.minimum), ("<=", field.maximum)) if b is not None
        )
        raise AnswerError(
            f"{where}: the default {raw} is outside the field's bounds ({declared}); change the default or the bounds"
        )
    return value


def _kind(field: Field) -> str:
    """`a reference`, `an int`, `a uuid`: the field's type in a message."""
    if field.is_reference:
        return "a reference"
    return f"{'an' if field.type[0] in 'aeio' else 'a'} {field.type}"
