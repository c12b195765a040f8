"""One declared field, and what every layer of the generated project needs to know about it.

The templates never branch on a field's type: they ask the field for its model line, its
migration column, the filters it supports, and the samples and hostile values the tests
use. A type is one entry in TYPES plus, where it needs them, a few lines below.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from .filters import MAX_IDENTIFIER, Call, call_line, python_literal, quoted
from .naming import pascal

INT_RANGE = (-(2**31), 2**31 - 1)
BIGINT_RANGE = (-(2**63), 2**63 - 1)
EMAIL_LENGTH = 320
URL_LENGTH = 2083
DEFAULT_STR_LENGTH = 255
# An enum class name this long or shorter keeps `name__in: InList[Class] | None = Field(` within a line.
MAX_ENUM_CLASS = 36
# Text a list filter takes: a query string must fit the server's request line (h11: 16 KiB).
MAX_QUERY_TEXT = 1000


@dataclass(frozen=True)
class TypeInfo:
    python: str  # annotation in the models
    migration: str  # column type in a migration; {…} filled from the field
    sa_type: str | None = None  # `sa_type=` in the table model, where SQLModel's choice is wrong
    ranged: bool = False  # `__gte`/`__lte` filters
    textual: bool = False  # `__contains` filter
    orderable: bool = True  # may be a sort key
    literal: str | None = None  # the `= default` it takes: int, number, bool, word, string
    bounded: bool = False  # takes `>=`/`<=`


TYPES: dict[str, TypeInfo] = {
    "str": TypeInfo("str", "sa.String(length={length})", textual=True, literal="string"),
    "text": TypeInfo("str", "sa.Text()", sa_type="Text()", textual=True, orderable=False, literal="string"),
    "int": TypeInfo("int", "sa.Integer()", ranged=True, literal="int", bounded=True),
    "bigint": TypeInfo("int", "sa.BigInteger()", sa_type="BigInteger()", ranged=True, literal="int", bounded=True),
    "float": TypeInfo("float", "sa.Float()", ranged=True, literal="number", bounded=True),
    "decimal": TypeInfo(
        "Decimal", "sa.Numeric(precision={precision}, scale={scale})", ranged=True, literal="number", bounded=True
    ),
    "bool": TypeInfo("bool", "sa.Boolean()", literal="bool"),
    "date": TypeInfo("IsoDate", "sa.Date()", ranged=True),
    "datetime": TypeInfo("IsoDateTime", "TIMESTAMP", ranged=True),
    "uuid": TypeInfo("UUID", "sa.Uuid()"),
    "json": TypeInfo("JsonValue", "JSON_VALUE", sa_type="JSON_VALUE", orderable=False),
    "email": TypeInfo("EmailStr", f"sa.String(length={EMAIL_LENGTH})", f"String({EMAIL_LENGTH})", textual=True),
    "url": TypeInfo("Url", f"sa.String(length={URL_LENGTH})", f"String({URL_LENGTH})", textual=True),
    "enum": TypeInfo("{enum}", "{enum}", literal="word"),
    # Not in the grammar: the JSON object `attributes` of entities declared without braces.
    "object": TypeInfo("dict[str, Any]", "JSON_VALUE", sa_type="JSON_VALUE", orderable=False),
}
GRAMMAR_TYPES = tuple(name for name in TYPES if name != "object")


@dataclass(frozen=True)
class Field:
    owner: str  # the entity (or link table) that declares it
    name: str
    type: str  # a key of TYPES, or "ref"
    optional: bool = False
    length: int | None = None  # str(N)
    precision: int | None = None  # decimal(P, S)
    scale: int | None = None
    words: tuple[str, ...] = ()  # enum(a|b)
    target: str | None = None  # the entity a reference points at
    unique: bool = False
    index: bool = False
    hidden: bool = False
    cascade: bool = False
    has_default: bool = False
    default: Any = None
    minimum: Any = None
    maximum: Any = None

    # --- what it is -------------------------------------------------------------

    @property
    def is_reference(self) -> bool:
        return self.type == "ref"

    @property
    def info(self) -> TypeInfo:
        return TYPES["uuid" if self.is_reference else self.type]

    @property
    def column(self) -> str:
        """The column, and the name requests use: `author_id` for the reference `author`."""
        return f"{self.name}_id" if self.is_reference else self.name

    @property
    def required(self) -> bool:
        """Must be given on create."""
        return not self.optional and not self.has_default

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")

    @property
    def enum_class(self) -> str:
        """`BookStatus` for book.status; a long one is cut and made unique by a hash, so that
        `name: BookStatus | None = Field(` always fits a line."""
        name = pascal(self.owner) + pascal(self.name)
        if len(name) <= MAX_ENUM_CLASS:
            return name
        return name[: MAX_ENUM_CLASS - 6] + _digest(name)[:6].upper()

    @property
    def enum_class_definition(self) -> str:
        """`class BookStatus(StrEnum): ...`, its members named after the words in capitals."""
        members = "".join(f'\n    {word.upper()} = "{word}"' for word in self.words)
        return f"class {self.enum_class}(StrEnum):{members}"

    @property
    def enum_constraint(self) -> str:
        """The name of the CHECK constraint that holds an enum column to its words (the naming
        convention puts `ck_<table>_` before it); a hash where the whole would pass PostgreSQL's
        limit, which would cut it and could make two constraints one."""
        name = f"{self.owner}_{self.name}"
        if len(f"ck_{self.owner}_{name}") <= MAX_IDENTIFIER:
            return name
        return _digest(name)[:12]

    @property
    def ondelete(self) -> str:
        if self.cascade:
            return "CASCADE"
        return "SET NULL" if self.optional else "RESTRICT"

    @property
    def filters(self) -> list[tuple[str, str]]:
        """(query parameter, operator) for each filter a list takes on this field."""
        if self.hidden or self.type in ("json", "object"):
            return []
        found = [(self.column, "eq")]
        if self.info.ranged and not self.is_reference:
            found += [(f"{self.name}__gte", "gte"), (f"{self.name}__lte", "lte")]
        if self.info.textual:
            found.append((f"{self.name}__contains", "contains"))
        if self.optional:
            found.append((f"{self.column}__isnull", "isnull"))
        if self.in_item is not None:
            found.append((f"{self.column}__in", "in"))
        return found

    @property
    def sortable(self) -> bool:
        """A sort key: an index serves it, and it is shown."""
        return (self.unique or self.index) and not self.hidden and not self.is_reference and self.info.orderable

    @property
    def bounds(self) -> tuple[Any, Any]:
        """What the API accepts: the declared bounds, within what the column can hold."""
        low, high = self.minimum, self.maximum
        limits = {"int": INT_RANGE, "bigint": BIGINT_RANGE}.get(self.type)
        if limits:
            low = limits[0] if low is None else max(low, limits[0])
            high = limits[1] if high is None else min(high, limits[1])
        return low, high

    # --- models -------------------------------------------------------------------

    def annotation(self, id_type: str) -> str:
        base = id_type if self.is_reference else self.info.python.format(enum=self.enum_class)
        if self.type == "json" and not self.optional:
            base = "RequiredJson"  # JsonValue admits null
        return f"{base} | None" if self.optional else base

    def model_line(self, id_type: str, table: bool = True) -> str:
        """`    title: str = Field(...)` for the base model (table=True: with column arguments)."""
        args = []
        if self.type == "object":
            args.append("default_factory=dict")
        elif self.has_default or self.optional:
            args.append(f"default={self.default_literal}")
        args += self.validation_args(id_type)
        if table:
            args += self.column_args
        return self._line(self.annotation(id_type), args)

    @property
    def as_stored_validator(self) -> str:
        """A decimal's validator in the base model: the value a create answers is the one reads show."""
        return (
            f'    @field_validator("{self.name}")\n'
            "    @classmethod\n"
            f"    def _{self.name}_as_stored(cls, value: Decimal | None) -> Decimal | None:\n"
            f"        # NUMERIC({self.precision}, {self.scale}) keeps {self.scale} places: show what a read will show.\n"
            f"        return at_scale(value, {self.scale})"
        )

    def update_line(self, id_type: str) -> str:
        """The same field in the update model: may be omitted; `null` only where it is optional."""
        return self._line(self.annotation(id_type), ["default=None", *self.validation_args(id_type)])

    def _line(self, annotation: str, args: list[str]) -> str:
        if not args:
            return f"    {self.column}: {annotation}"
        return call_line(f"{self.column}: {annotation} = Field", args)

    def validation_args(self, id_type: str) -> list[str]:
        """Constraints pydantic checks, and writes into the JSON schema."""
        args: list[str] = []
        if self.type in ("str", "text"):
            if not self.optional:
                args.append("min_length=1")
            args.append(f"max_length={self.length}" if self.type == "str" else "max_length=MAX_TEXT")
            if not self.optional:
                # Required text must say something: not empty, not only white space.
                args.append('schema_extra={"pattern": r"\\S"}')
        elif self.type in ("email", "url"):
            args.append(f"max_length={EMAIL_LENGTH if self.type == 'email' else URL_LENGTH}")
        elif self.type == "decimal":
            args += [f"max_digits={self.precision}", f"decimal_places={self.scale}"]
        elif self.type == "float":
            # Strict: JSON `true` or "1.5" is not a number, as the schema says.
            args.append('schema_extra={"allow_inf_nan": False, "strict": True}')
        elif self.type in ("int", "bigint", "bool"):
            args.append('schema_extra={"strict": True}')
        elif self.is_reference and id_type == "int":
            args += ["ge=1", "le=MAX_ID"]
        if self.info.bounded:
            low, high = self.bounds
            if low is not None:
                args.append(f"ge={_number(low)}")
            if high is not None:
                args.append(f"le={_number(high)}")
        return args

    @property
    def column_args(self) -> list[str]:
        """What only the table needs: keys, indexes and column types."""
        args: list[str] = []
        if self.is_reference:
            args += [f'foreign_key="{self.target}.id"', f'ondelete="{self.ondelete}"', "index=True"]
        if self.type == "enum":
            keeps_null = ["keeps_null=True"] if self.keeps_null else []
            args.append(Call("sa_type=enum_column", [self.enum_class, quoted(self.enum_constraint), *keeps_null]))
        elif self.keeps_null:
            args.append(Call("sa_type=null_kept", [self.migration_type("").removeprefix("sa.")]))
        elif not self.is_reference and self.info.sa_type:
            args.append(f"sa_type={self.info.sa_type}")
        return args

    @property
    def keeps_null(self) -> bool:
        """An optional field with a default: SQLAlchemy would store the default in place of a
        null a client sent, unless the column type says None is a value (`null_kept`)."""
        return self.optional and self.has_default

    @property
    def sqlalchemy_names(self) -> list[str]:
        """What the table model imports from sqlalchemy for this field's column type."""
        if self.keeps_null and self.type != "enum":
            return [self.migration_type("").removeprefix("sa.").split("(")[0]]
        return []

    @property
    def default_literal(self) -> str:
        if not self.has_default:
            return "None"
        if self.type == "enum":
            return f"{self.enum_class}.{self.default.upper()}"
        if self.type == "decimal":
            return f'Decimal("{self.default}")'
        return python_literal(self.default)

    @property
    def default_json(self) -> str:
        """The default as a request would send it, as Python source (for `samples.same`)."""
        if self.type == "object":
            return "{}"
        if self.type in ("enum", "decimal"):
            return quoted(str(self.default))
        return python_literal(self.default)

    def filter_line(self, param: str, op: str, id_type: str) -> str:
        """A list filter in the query model: `title__contains: str | None = Field(...)`."""
        if op == "in":
            return call_line(
                f"{param}: InList[{self.in_item}] | None = Field", ["default=None", "description=IN_DESCRIPTION"]
            )
        if op == "isnull":
            return f"    {param}: bool | None = None"
        if op == "contains":
            return call_line(f"{param}: str | None = Field", ["default=None", *self._length_args])
        base = id_type if self.is_reference else self.info.python.format(enum=self.enum_class)
        args = ["default=None"]
        if self.info.textual:
            args += self._length_args
        elif self.type in ("int", "bigint"):
            low, high = INT_RANGE if self.type == "int" else BIGINT_RANGE
            args += [f"ge={low}", f"le={high}"]
        elif self.type == "float":
            args.append('schema_extra={"allow_inf_nan": False}')
        elif self.type == "decimal":
            # A value the column cannot hold would overflow its NUMERIC in the comparison.
            args += [f"max_digits={self.precision}", f"decimal_places={self.scale}"]
        elif self.is_reference and id_type == "int":
            args += ["ge=1", "le=MAX_ID"]
        return call_line(f"{param}: {base} | None = Field", args)

    @property
    def in_item(self) -> str | None:
        """The type of each value of a `__in` filter (see core/filters.py), None for types without one."""
        if self.is_reference:
            return "IdValue"
        items = {"int": "Int32", "bigint": "Int64", "enum": self.enum_class, "uuid": "UUID", "date": "IsoDate"}
        return items.get(self.type)

    @property
    def filter_imports(self) -> list[str]:
        """What a query model imports from core/filters.py for this field's filters."""
        item = self.in_item
        if item is None or not self.filters:
            return []
        return ["InList", "IN_DESCRIPTION", *([item] if item in ("Int32", "Int64", "IdValue") else [])]

    @property
    def in_hostile(self) -> str | None:
        """An item the `__in` filter must refuse, as Python source; None where there is no such filter."""
        if self.in_item is None or not self.filters:
            return None
        if self.is_reference or self.type == "uuid":
            return '"not-an-id"'
        return {"int": '"2147483648"', "bigint": '"9223372036854775808"', "enum": '"not_a_word"'}.get(
            self.type, '"2026-02-30"'
        )

    @property
    def _length_args(self) -> list[str]:
        if self.type == "str" and self.length is not None and self.length <= MAX_QUERY_TEXT:
            return [f"max_length={self.length}"]
        return ["max_length=MAX_QUERY_TEXT"]

    @property
    def filters_need_query_limit(self) -> bool:
        """Whether a text filter is bounded by the URL's limit rather than the column's."""
        return bool(self.filters) and self.info.textual and self._length_args == ["max_length=MAX_QUERY_TEXT"]

    # --- tests -----------------------------------------------------------------------

    @property
    def sample(self) -> str:
        """A valid value in the tests' factories, as Python source; `n` makes it unique."""
        low, high = self.minimum, self.maximum
        if self.type == "str":
            return f'samples.text("{self.label.capitalize()}", n, {self.length})'
        if self.type == "text":
            return f'samples.text("{self.label.capitalize()}", n, 1000)'
        if self.type in ("int", "bigint"):
            return f"samples.number(n, {low}, {high})"
        if self.type == "float":
            return f"float(samples.number(n, {low}, {high}))"
        if self.type == "decimal":
            assert self.precision is not None and self.scale is not None
            if self.precision == self.scale:
                return f"samples.fraction(n, {self.scale})"  # no whole digit: 0.0007
            top = 10 ** (self.precision - self.scale) - 1
            high = top if high is None else min(int(high), top)
            return f"str(samples.number(n, {None if low is None else int(low)}, {high}))"
        if self.type == "bool":
            return "n % 2 == 0"
        if self.type == "date":
            return "samples.day(n)"
        if self.type == "datetime":
            return "samples.moment(n)"
        if self.type == "uuid":
            return "samples.uuid(n)"
        if self.type in ("json", "object"):
            return '{"n": n}'
        if self.type == "email":
            return 'f"reader{n}@example.com"'
        if self.type == "url":
            return 'f"https://example.com/{n}"'
        if self.type == "enum":
            return f"{list(self.words)!r}[n % {len(self.words)}]".replace("'", '"')
        raise AssertionError(self.type)  # references are made by the factory itself

    @property
    def hostile(self) -> list[str]:
        """Values the API must refuse with a 422 at this field, as Python source."""
        found: list[str] = []
        if self.type in ("str", "text"):
            limit = self.length if self.type == "str" else "MAX_TEXT"
            found.append(f'"x" * ({limit} + 1)')
            if not self.optional:
                found += ['""', '"   "']
        elif self.type in ("int", "bigint"):
            top = "2**31" if self.type == "int" else "2**63"
            found += [top, f"-({top}) - 1", '"many"', "1.5", "True", '"7"']
        elif self.type == "float":
            found += ['float("inf")', '"many"', "True", '"1.5"']
        elif self.type == "decimal":
            assert self.precision is not None and self.scale is not None
            found += [f'"0.{"1" * (self.scale + 1)}"', f'"{"9" * (self.precision - self.scale + 1)}"', '"NaN"']
        elif self.type == "bool":
            found += ['"maybe"', '"true"', "1"]
        elif self.type == "date":
            found += ['"2026-02-30"', "0"]
        elif self.type == "datetime":
            # The last one is past year 9999 once converted to UTC.
            found += ['"2026-01-01T00:00:00"', '"yesterday"', '"1700000000"', '"9999-12-31T23:59:59-14:00"']
        elif self.type in ("uuid", "ref"):
            found.append('"not-an-id"')
        elif self.type == "email":
            found += ['"not-an-email"', '"a@"']
        elif self.type == "url":
            found += ['"not a url"', '"javascript:alert(1)"']
        elif self.type == "enum":
            found.append('"not_a_word"')
        elif self.type == "object":
            found.append("[1]")
        if self.info.bounded:
            if self.minimum is not None:
                found.append(repr(self.minimum - 1))
            if self.maximum is not None:
                found.append(repr(self.maximum + 1))
        if not self.optional and not self.is_reference:
            found.append("None")
        return found

    @property
    def filter_hostile(self) -> list[tuple[str, str]]:
        """(query parameter, value as Python source) a list must refuse: beyond what the column holds."""
        if not self.filters or self.is_reference:
            return []
        value = {
            "int": "2**31",
            "bigint": "2**63",
            "decimal": '"1e300"',
            "float": '"inf"',
            "datetime": '"9999-12-31T23:59:59-14:00"',
        }.get(self.type)
        if value is None:
            return []
        return [(param, value) for param, op in self.filters if op in ("eq", "gte", "lte")]

    # --- migration ------------------------------------------------------------------

    def migration_type(self, id_type: str) -> str:
        if self.is_reference:
            return id_type
        if self.type == "enum":
            return self.enum_constant
        return self.info.migration.format(length=self.length, precision=self.precision, scale=self.scale)

    @property
    def enum_constant(self) -> str:
        """The migration's own copy of an enum type: `BOOK_STATUS = sa.Enum(...)`."""
        return f"{self.owner}_{self.name}".upper()

    @property
    def enum_definition(self) -> str:
        words = [f'"{word}"' for word in self.words]
        name = Call("name=op.f", [quoted(f"ck_{self.owner}_{self.enum_constraint}")])
        return call_line(
            f"{self.enum_constant} = sa.Enum", [*words, name, "native_enum=False", "create_constraint=True"], indent=""
        )

    def migration_column(self, id_type: str) -> str:
        nullable = "True" if self.optional else "False"
        return call_line(
            "sa.Column",
            [f'"{self.column}"', self.migration_type(id_type), f"nullable={nullable}"],
            indent="        ",
            tail="),",
        )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _number(value: int | float) -> str:
    return repr(value)
