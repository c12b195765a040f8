"""One declared field, and what every layer of the generated project needs to know about it.

The templates never branch on a field's type: they ask the field for its model line, its
migration column, the filters it supports, and the samples and hostile values the tests
use. A type is one entry in TYPES plus, where it needs them, a few lines below.
"""

import hashlib
import sys
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from .filters import LINE_LENGTH, MAX_IDENTIFIER, Call, call_line, python_literal, quoted
from .naming import pascal

INT_RANGE = (-(2**31), 2**31 - 1)
BIGINT_RANGE = (-(2**63), 2**63 - 1)
EMAIL_LENGTH = 320
URL_LENGTH = 2083
DEFAULT_STR_LENGTH = 255
# An enum class name this long or shorter keeps `name__in: InList[Class] | None = Field(` within a line.
MAX_ENUM_CLASS = 36
# Significant digits a SQLite REAL keeps exactly.
SQLITE_DIGITS = 15
# Text a list filter takes: a query string must fit the server's request line (h11: 16 KiB).
MAX_QUERY_TEXT = 1000
# The generated core/text.py's MAX_TEXT: what the API takes in a `text` field, and a CHECK holds.
MAX_TEXT = 100_000
# The largest finite float (sys.float_info.max), as SQL: a float CHECK refuses NaN and infinities.
FLOAT_MAX = repr(sys.float_info.max)
# Unicode's white space: what the `\S` of a required text's pattern does not match (pydantic's
# regex engine). A CHECK trims these and the text must keep something.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


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
    "email": TypeInfo("Email", f"sa.String(length={EMAIL_LENGTH})", f"String({EMAIL_LENGTH})", textual=True),
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
    # A reference to the built-in user of auth=users (`author: user`), not to an entity of the domain.
    builtin_user: bool = False
    # `owner`: the row belongs to the user this reference names (only on a builtin_user reference).
    is_owner: bool = False
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
        if self.column_kwargs:
            args.append(f"sa_column_kwargs={{{', '.join(self.column_kwargs)}}}")
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
    def column_kwargs(self) -> list[str]:
        """`sa_column_kwargs` items: the server default, and what core/filters.py and
        core/references.py read."""
        kwargs = []
        if self.server_default is not None:
            kwargs.append(f'"server_default": {self.server_default}')
        if self.ignore_case:
            kwargs.append('"info": {"ignore_case": True}')
        if self.is_owner:
            # core/references.py names only the rows a caller may see: it finds owners by this.
            kwargs.append('"info": {"owner": True}')
        return kwargs

    @property
    def default_literal(self) -> str:
        if not self.has_default:
            return "None"
        if self.type == "enum":
            return f"{self.enum_class}.{self.default.upper()}"
        if self.type == "decimal":
            # At its scale: a whole number with no room for whole digits (decimal(4,4) = 0) is 0.0000.
            assert self.scale is not None
            return f'Decimal("{Decimal(str(self.default)).quantize(Decimal(1).scaleb(-self.scale))}")'
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
            return f"samples.real(n, {low}, {high})"
        if self.type == "decimal":
            low, high = self.decimal_range
            return Call("samples.decimal", ["n", str(self.scale), quoted(str(low)), quoted(str(high))])

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
    def decimal_range(self) -> tuple[Decimal, Decimal]:
        """What a decimal may hold: NUMERIC(P, S)'s range, within the declared bounds."""
        assert self.precision is not None and self.scale is not None
        step = Decimal(1).scaleb(-self.scale)
        top = Decimal(10) ** (self.precision - self.scale) - step
        low = -top if self.minimum is None else max(-top, Decimal(str(self.minimum)))
        high = top if self.maximum is None else min(top, Decimal(str(self.maximum)))
        return low.quantize(step, rounding=ROUND_CEILING), high.quantize(step, rounding=ROUND_FLOOR)

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
        args = [f'"{self.column}"', self.migration_type(id_type), f"nullable={nullable}"]
        if (default := self.server_default) is not None:
            args.append(f"server_default={'sa.' if default.startswith('text(') else ''}{default}")
        return call_line("sa.Column", args, indent="        ", tail="),")

    # --- database rules -------------------------------------------------------------
    # The database holds every rule the API checks, so a row written by SQL (a data
    # migration, another service) reads back through the API without a 500.

    @property
    def ignore_case(self) -> bool:
        """Unique and equal ignoring case (emails): `Ann@x.org` and `ann@x.org` clash."""
        return self.type == "email"

    @property
    def check_bounds(self) -> tuple[str | None, str | None]:
        """The `>=` and `<=` a range CHECK holds a number to, as SQL literals: the declared
        bounds, and an int's or bigint's own (SQLite stores any integer in any column)."""
        if not self.info.bounded:
            return None, None
        low, high = self.bounds
        return (None if low is None else _sql_number(low)), (None if high is None else _sql_number(high))

    @property
    def numeric_top(self) -> str | None:
        """The largest decimal(P, S) holds, as the API takes it: 999999.99 for decimal(8, 2)."""
        if self.type != "decimal":
            return None
        assert self.precision is not None and self.scale is not None
        return _numeric_top(self.precision, self.scale)

    @property
    def max_text_length(self) -> int | None:
        """The characters the API takes; SQLite does not enforce VARCHAR(N), a CHECK does."""
        lengths = {"str": self.length, "text": MAX_TEXT, "email": EMAIL_LENGTH, "url": URL_LENGTH}
        return lengths.get(self.type)

    @property
    def not_blank(self) -> bool:
        """A required text must hold something besides white space."""
        return self.type in ("str", "text") and not self.optional

    @property
    def checks(self) -> list[tuple[str, str]]:
        """(kind, SQL condition) of each CHECK constraint on the column, besides an enum's. The
        generated core/tables.py's helpers word them alike (tests/test_database_rules.py).

        A number's CHECKs compare it with numbers, which on SQLite also refuses text stored in
        a number column (text sorts after every number there).
        """
        found = []
        low, high = self.check_bounds
        if low is not None or high is not None:
            found.append(("range", _between(self.column, low, high)))
        if (top := self.numeric_top) is not None:
            found.append(("digits", _between(self.column, f"-{top}", top)))
        if self.type == "float":
            found.append(("finite", _between(self.column, f"-{FLOAT_MAX}", FLOAT_MAX)))
        if (length := self.max_text_length) is not None:
            found.append(("length", f'length("{self.column}") <= {length}'))
        if self.not_blank:
            found.append(("not_blank", f"trim(\"{self.column}\", '{WHITE_SPACE}') <> ''"))
        return found

    def check_name(self, kind: str) -> str:
        """The constraint's own part of its name, which the naming convention prefixes with
        `ck_<table>_`; SQLAlchemy cuts a name too long for PostgreSQL (with a hash), in the
        models and the migration alike."""
        return f"{self.column}_{kind}"

    @property
    def table_checks(self) -> list[str]:
        """The CHECK constraints in the table model's `__table_args__`, as core/tables.py's helpers."""
        column = f'"{self.column}"'
        found = []
        low, high = self.check_bounds
        if low is not None or high is not None:
            bounds = [low] if low is not None else []
            if high is not None:
                bounds.append(high if low is not None else f"high={high}")
            found.append(f"in_range({', '.join([column, *bounds])})")
        if self.numeric_top is not None:
            found.append(f"fits_numeric({column}, {self.precision}, {self.scale})")
        if self.type == "float":
            found.append(f"finite({column})")
        if (length := self.max_text_length) is not None:
            found.append(f"max_length({column}, {'MAX_TEXT' if self.type == 'text' else length})")
        if self.not_blank:
            found.append(f"not_blank({column})")
        return found

    @property
    def check_helpers(self) -> list[str]:
        """What table_checks imports from core/tables.py."""
        return [line.split("(", 1)[0] for line in self.table_checks]

    def migration_checks(self) -> list[str]:
        """`sa.CheckConstraint(...)` lines of the migration's create_table."""
        lines = []
        for kind, condition in self.checks:
            name = f'name=op.f("ck_{self.owner}_{self.check_name(kind)}")'
            if len(f"            {name},") > LINE_LENGTH:  # as ruff splits it
                name = f'name=op.f(\n                "ck_{self.owner}_{self.check_name(kind)}"\n            )'
            if kind == "not_blank":
                sql = f"not_blank({_source_string(self.column)})"
            else:
                sql = _source_string(condition)
            lines.append(call_line("sa.CheckConstraint", [sql, name], indent="        ", tail="),"))
        return lines

    @property
    def server_default(self) -> str | None:
        """The declared default as the database's own, for a row that SQL inserts without the
        column: Python source for `server_default=`, `text("0")` (SQLAlchemy's) or a string."""
        if self.type == "object":
            return '"{}"'
        if not self.has_default:
            return None
        if self.type == "bool":
            return f'text("{str(self.default).lower()}")'
        if self.type in ("int", "bigint", "float", "decimal"):
            return f'text("{self.default}")'
        return _source_string(str(self.default))

    @property
    def database_hostile(self) -> list[str]:
        """Values (Python source) an INSERT by SQL must be refused: each breaks a CHECK, or the
        column's type where the database enforces it (PostgreSQL: NUMERIC, VARCHAR, int4)."""
        found: list[str] = []
        if self.type == "int":
            low, high = self.bounds
            found += [str(low - 1), str(high + 1)]
        elif self.type == "decimal":
            # Well beyond NUMERIC(P, S): SQLite keeps a decimal as a float, 15 digits exact.
            beyond = f"2E+{(self.precision or 0) - (self.scale or 0)}"
            found += [f'Decimal("{beyond}")', f'Decimal("-{beyond}")']
            step = Decimal(1).scaleb(-(self.scale or 0))
            for bound, past in ((self.minimum, -step), (self.maximum, step)):
                value = None if bound is None else Decimal(str(bound)) + past
                # Just past a bound: SQLite's float tells it from the bound within 15 digits only.
                if value is not None and len(value.as_tuple().digits) <= SQLITE_DIGITS:
                    found.append(f'Decimal("{value}")')
        elif self.type == "bigint":
            # Beyond 64 bits no driver sends a number: only the declared bounds.
            if self.minimum is not None:
                found.append(str(self.minimum - 1))
            if self.maximum is not None:
                found.append(str(self.maximum + 1))
        elif self.type == "float":
            found += ['float("inf")', 'float("-inf")', 'float("nan")']
            if self.minimum is not None:
                found.append(repr(float(self.minimum) - 1))
            if self.maximum is not None:
                found.append(repr(float(self.maximum) + 1))
        if (length := self.max_text_length) is not None:
            limit = "MAX_TEXT" if self.type == "text" else length
            found.append(f'"x" * ({limit} + 1)')
        if self.not_blank:
            found += ['""', '" \\t\\n"', '"\\u00a0\\u3000"']
        if self.type == "enum":
            found.append('"not_a_word"')
        return found


def _between(column: str, low: str | None, high: str | None) -> str:
    """`"pages" >= 1 AND "pages" <= 2147483647`, either side optional (core/tables.py's wording)."""
    sides = ([f'"{column}" >= {low}'] if low is not None else []) + (
        [f'"{column}" <= {high}'] if high is not None else []
    )
    return " AND ".join(sides)


def _numeric_top(precision: int, scale: int) -> str:
    """`999999.99` for NUMERIC(8, 2), in digits (Decimal arithmetic rounds at 28 of them)."""
    whole = "9" * (precision - scale) or "0"
    return f"{whole}.{'9' * scale}" if scale else whole


def _sql_number(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _source_string(value: str) -> str:
    """A Python string literal, quoted as ruff's formatter prefers (double, unless single
    quotes need fewer escapes), with escapes for anything but printable ASCII."""
    quote = "'" if value.count('"') > value.count("'") else '"'
    body = "".join(_escaped(char, quote) for char in value)
    return f"{quote}{body}{quote}"


def _escaped(char: str, quote: str) -> str:
    if char in ("\\", quote):
        return "\\" + char
    if char == " " or (char.isascii() and char.isprintable()):
        return char
    named = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
    if char in named:
        return named[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _number(value: int | float) -> str:
    return repr(value)
