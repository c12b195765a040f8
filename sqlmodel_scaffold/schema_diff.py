"""The revision `sync` writes: the difference between two initial revisions, as batch operations.

A project's schema is what its initial revision (rendered from revision_files/revision.py)
creates: every column, CHECK, foreign key and index, with the names the naming convention gives.
So the schema of the applied answers is the base rendering's `0001`, and the schema of
`domain.yaml` is the new rendering's `0001`. Both are read here as source (the standard
library's `ast`, no database and no SQLAlchemy: this runs in cookiecutter's interpreter), table
by table and part by part; a part is the same when its source means the same. The difference
becomes operations: new tables exactly as the new `0001` creates them, dropped tables, and per
changed table a batch block (a table copy on SQLite, plain ALTERs on PostgreSQL) that drops the
parts that go, renames, drops, adds and alters columns, and creates the parts that come.

What rows could break (a new or changed CHECK, NOT NULL, a new unique index, values a new type
cannot hold, deleted rows that soft delete turned off would revive) is counted first, before
anything changes: the upgrade then stops with one message naming the rule, the count and the fix.
"""

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import AnswerError


@dataclass
class Part:
    """A column, CHECK, foreign key or index of a table, as the initial revision writes it."""

    name: str
    source: str
    node: ast.expr
    definitions: Mapping[str, ast.expr]  # the module's constants, by name

    @property
    def key(self) -> str:
        """What it means: its AST with the module's constants put in."""
        return self.key_of(self.node)

    def key_of(self, node: ast.expr | None) -> str:
        if node is None:
            return ""
        text = ast.dump(node)
        for name, value in self.definitions.items():
            text = text.replace(f"Name(id='{name}', ctx=Load())", ast.dump(value))
        return text

    def arg(self, index: int) -> ast.expr:
        assert isinstance(self.node, ast.Call)
        return self.node.args[index]

    def keyword(self, name: str) -> ast.expr | None:
        assert isinstance(self.node, ast.Call)
        return next((k.value for k in self.node.keywords if k.arg == name), None)


@dataclass
class Table:
    name: str
    # create_table, create_index and any `if dialect:` block after them, as written
    statements: list[str] = field(default_factory=list)
    columns: dict[str, Part] = field(default_factory=dict)
    checks: dict[str, Part] = field(default_factory=dict)
    foreign_keys: dict[str, Part] = field(default_factory=dict)
    indexes: dict[str, Part] = field(default_factory=dict)


@dataclass
class Schema:
    constants: dict[str, str]  # module-level definitions (types, enums, not_blank) by name
    tables: dict[str, Table]  # in creation order


def read_schema(source: str, rename: Mapping[str, str] | None = None) -> Schema:
    """The tables an initial revision creates. `rename` gives some module constants other names
    (the old revision's enum types, beside the new one's of the same name)."""
    rename = dict(rename or {})
    if rename:
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, rename)) + r")\b")
        source = pattern.sub(lambda m: rename[m.group(1)], source)
    module = ast.parse(source)
    constants: dict[str, str] = {}
    definitions: dict[str, ast.expr] = {}
    upgrade: ast.FunctionDef | None = None
    for node in module.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name.isupper() or name.startswith("_"):
                constants[name] = _segment(source, node)
                definitions[name] = node.value
        elif isinstance(node, ast.FunctionDef) and node.name == "upgrade":
            upgrade = node
        elif isinstance(node, ast.FunctionDef) and node.name != "downgrade":
            constants[node.name] = _segment(source, node)
    if upgrade is None:
        raise AnswerError("the initial revision has no upgrade(): the template's revision_files/ changed shape")

    tables: dict[str, Table] = {}
    for statement in upgrade.body:
        if isinstance(statement, ast.If) and tables:
            # A dialect's own statements (the user table's trigger) go with the table before them.
            list(tables.values())[-1].statements.append(_dedent(_segment(source, statement)))
            continue
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            continue
        if call.func.attr == "create_table":
            table = Table(_string(call.args[0]))
            tables[table.name] = table
            for arg in call.args[1:]:
                kind = arg.func.attr if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) else ""
                part = Part(_part_name(arg, kind), _segment(source, arg), arg, definitions)
                if kind == "Column":
                    table.columns[part.name] = part
                elif kind == "CheckConstraint":
                    table.checks[part.name] = part
                elif kind == "ForeignKeyConstraint":
                    table.foreign_keys[part.name] = part
        elif call.func.attr == "create_index":
            table = tables[_string(call.args[1])]
            part = Part(_op_f(call.args[0]), _segment(source, call), call, definitions)
            table.indexes[part.name] = part
        else:
            continue
        table.statements.append(_dedent(_segment(source, statement)))
    return Schema(constants, tables)


def _dedent(statement: str) -> str:
    """A statement of upgrade()'s body, its first line taken from column 4: all its lines from column 0."""
    first, *rest = statement.split("\n")
    return "\n".join([first, *(line[4:] if line.startswith("    ") else line for line in rest)])


def _segment(source: str, node: ast.AST) -> str:
    text = ast.get_source_segment(source, node)
    assert text is not None
    return text


def _string(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    raise AnswerError(f"expected a string in the initial revision, found {ast.unparse(node)}")


def _op_f(node: ast.expr) -> str:
    """The name in `op.f("...")`."""
    if isinstance(node, ast.Call):
        return _string(node.args[0])
    return _string(node)


def _part_name(node: ast.expr, kind: str) -> str:
    assert isinstance(node, ast.Call)
    if kind == "Column":
        return _string(node.args[0])
    name = next((k.value for k in node.keywords if k.arg == "name"), None)
    return _op_f(name) if name is not None else kind


# --- the difference ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    """What a diff cannot know, from the command line: `--rename`, `--backfill`, `--allow-drop`."""

    renames: Mapping[str, Mapping[str, str]]  # table -> old column -> new column
    backfills: Mapping[str, Mapping[str, str]]  # table -> column -> SQL literal
    allow_drop: bool = False
    lenient: bool = False  # a downgrade: a required column may come back when no rows need a value


@dataclass
class Steps:
    """One direction of the revision: checks of the rows first, then the changes."""

    checks: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # columns and tables it drops
    backfilled: list[str] = field(default_factory=list)  # "table.column" a backfill fills
    summary: list[str] = field(default_factory=list)  # one line per table touched, for the plan


def diff(old: Schema, new: Schema, choices: Choices) -> Steps:
    steps = Steps()
    created = [name for name in new.tables if name not in old.tables]
    dropped = [name for name in old.tables if name not in new.tables]
    for name in created:
        steps.changes += new.tables[name].statements
        steps.summary.append(f"create table {name}")
    for name in new.tables:
        if name in old.tables:
            _alter(old.tables[name], new.tables[name], choices, steps)
    for name in reversed(dropped):
        steps.changes.append(f'op.drop_table("{name}")')
        steps.lost.append(f"table {name}")
        steps.summary.append(f"drop table {name}")
    return steps


def _alter(old: Table, new: Table, choices: Choices, steps: Steps) -> None:
    renames = dict(choices.renames.get(new.name, {}))
    backfills = choices.backfills.get(new.name, {})
    for old_name, new_name in renames.items():
        if old_name not in old.columns or new_name not in new.columns or new_name in old.columns:
            raise AnswerError(
                f"--rename {new.name}.{old_name}={new_name}: {new.name} has no column {old_name!r} to rename into "
                f"a new {new_name!r}"
            )
    back = {new_name: old_name for old_name, new_name in renames.items()}
    added = [c for c in new.columns if c not in old.columns and c not in back]
    removed = [c for c in old.columns if c not in new.columns and c not in renames]
    kept = [c for c in new.columns if c in old.columns or c in back]

    def gone(parts: dict[str, Part], others: dict[str, Part]) -> list[Part]:
        return [p for n, p in parts.items() if n not in others or others[n].key != p.key]

    dropped_checks = gone(old.checks, new.checks)
    created_checks = gone(new.checks, old.checks)
    dropped_fks = gone(old.foreign_keys, new.foreign_keys)
    created_fks = gone(new.foreign_keys, old.foreign_keys)
    # A table copy (SQLite) cannot carry an index on an expression or with a WHERE over, and an
    # index on a renamed or retyped column is rebuilt anyway: those are dropped and made again.
    changed_columns = {c for c in kept if _column_changed(old.columns[back.get(c, c)], new.columns[c])}
    touched = changed_columns | set(back) | set(added)
    dropped_indexes = [
        p for n, p in old.indexes.items() if n not in new.indexes or new.indexes[n].key != p.key or _fragile(p)
    ]
    dropped_indexes += [p for p in old.indexes.values() if p not in dropped_indexes and _on(p, touched | set(renames))]
    if not _needs_copy(
        added, removed, changed_columns, renames, dropped_checks, created_checks, dropped_fks, created_fks
    ):
        # No table copy: only the indexes that changed are made again.
        dropped_indexes = [p for n, p in old.indexes.items() if n not in new.indexes or new.indexes[n].key != p.key]
    created_indexes = [
        p for n, p in new.indexes.items() if n not in old.indexes or any(d.name == n for d in dropped_indexes)
    ]
    alters = [c for c in kept if c in changed_columns]
    if not (added or removed or alters or renames or dropped_checks or created_checks or dropped_fks or created_fks):
        if not (dropped_indexes or created_indexes):
            return

    table = new.name
    steps.summary.append(
        f"alter table {table}: "
        + ", ".join(
            [f"add {c}" for c in added]
            + [f"drop {c}" for c in removed]
            + [f"rename {b} to {a}" for b, a in renames.items()]
            + [f"alter {c}" for c in changed_columns]
            + ([f"{len(created_checks)} new or changed CHECKs"] if created_checks else [])
            + ([f"{len(created_indexes)} indexes made"] if created_indexes else [])
        )
    )
    for c in removed:
        steps.lost.append(f"column {table}.{c}")

    # Rows first: every rule that comes new must hold for the rows there are (named as before the renames).
    def as_before(condition: str) -> str:
        for old_name, new_name in renames.items():
            for quote in ('"', "'", '\\"'):
                condition = condition.replace(f"{quote}{new_name}{quote}", f"{quote}{old_name}{quote}")
        return condition

    retyped = [c for c in kept if _family(old.columns[back.get(c, c)]) != _family(new.columns[c])]
    renamed_only = {as_before(p.key_of(p.arg(0))) for p in dropped_checks}
    for part in created_checks:
        if as_before(part.key_of(part.arg(0))) in renamed_only or _mentions(part, added + retyped):
            continue  # a new column holds no rows yet; a retyped one is checked by its cast and the CHECK itself
        condition = as_before(ast.unparse(part.arg(0)))
        steps.checks.append(f'refuse_rows("{table}", "NOT (" + {condition} + ")", "break {part.name}")')
    fills: list[str] = []
    for c in kept:
        before, after = old.columns[back.get(c, c)], new.columns[c]
        was = back.get(c, c)
        if _nullable(before) and not _nullable(after):
            if c in backfills:
                fills.append(f'fill_nulls("{table}", "{was}", {_q(backfills[c])})')
                steps.backfilled.append(f"{table}.{c}")
            else:
                fix = "set it in them"
                if not choices.lenient:
                    fix += f", or undo this sync and sync again with --backfill {table}.{c}=VALUE"
                problem = f"have no {c}, which becomes required: {fix}"
                steps.checks.append(f'refuse_rows("{table}", {_q(_quote(was) + " IS NULL")}, {_q(problem)})')
        target = _postgresql_type(after)
        if _family(before) != _family(after) and target not in (None, "JSONB"):  # anything becomes JSON
            source = _cast_source(was, _family(before), target or "")
            steps.checks.append(
                f'refuse_unconvertible("{table}", "{was}", {ast.unparse(after.arg(1))}, {_q(source)}, "{target}")'
            )
        words = _enum_words(after)
        if words is not None and _type_key(before) != _type_key(after):
            listed = ", ".join(f"'{w}'" for w in words)
            # A column of another type (a float becoming an enum) is compared as text: PostgreSQL
            # refuses to compare a number with a word.
            value = _quote(was) if _family(before) == "String" else f"CAST({_quote(was)} AS TEXT)"
            condition, problem = f"{value} NOT IN ({listed})", f"break {c} in ({', '.join(words)})"
            steps.checks.append(f'refuse_rows("{table}", {_q(condition)}, {_q(problem)})')
    if "deleted_at" in removed and "deleted_at" in old.columns:
        # Soft delete turned off: the deleted rows would be live again, their unique values too.
        problem = (
            "are deleted, and soft delete off would bring them back: restore them, or delete them for good "
            f"(DELETE FROM {table} WHERE deleted_at IS NOT NULL)"
        )
        steps.checks.append(f'refuse_rows("{table}", "deleted_at IS NOT NULL", {_q(problem)})')
    unique_before = {tuple(_index_columns(p)) for p in old.indexes.values() if p.keyword("unique") is not None}
    for part in created_indexes:
        earlier = old.indexes.get(part.name)
        if part.keyword("unique") is None or (earlier is not None and earlier.key == part.key):
            continue
        columns = [as_before(c) for c in _index_columns(part)]
        if tuple(columns) in unique_before or _on(part, set(added)):
            continue  # unique already (a partial index now: less strict), or over a new column
        live = part.keyword("postgresql_where") is not None and "deleted_at" in old.columns
        where = " WHERE deleted_at IS NULL" if live else ""
        sql = f'SELECT 1 FROM "{table}"{where} GROUP BY {", ".join(columns)} HAVING count(*) > 1'
        steps.checks.append(f'refuse_duplicates("{table}", "{part.name}", {_q(sql)})')

    steps.changes += fills
    for part in dropped_indexes:
        steps.changes.append(f'op.drop_index(op.f("{part.name}"), table_name="{table}")')
    batch: list[str] = []
    for part in dropped_checks:
        batch.append(f'batch_op.drop_constraint(op.f("{part.name}"), type_="check")')
    for part in dropped_fks:
        batch.append(f'batch_op.drop_constraint(op.f("{part.name}"), type_="foreignkey")')
    renaming: list[str] = []
    for old_name, new_name in renames.items():
        # The old type (an enum's own CHECK) goes with the old name; a later block gives the new one.
        existing = f", existing_type={ast.unparse(old.columns[old_name].arg(1))}"
        renaming.append(f'batch_op.alter_column("{old_name}", new_column_name="{new_name}"{existing})')
    if renaming:
        # Its own block: later operations name the column by its new name on every database.
        steps.changes.append(_batch(table, batch + renaming))
        batch = []
    for c in removed:
        batch.append(f'batch_op.drop_column("{c}", existing_type={ast.unparse(old.columns[c].arg(1))})')
    later: list[str] = []
    for c in added:
        column = new.columns[c]
        if not _nullable(column) and column.keyword("server_default") is None:
            if c not in backfills and choices.lenient:
                # A downgrade brings back a column the upgrade dropped, with its values gone:
                # there is no value for the rows there are, so it refuses when there are any.
                problem = (
                    f"would need a value for {c}, which the downgrade brings back required with its values "
                    "gone: delete them, or add the column back by hand"
                )
                steps.checks.append(f'refuse_rows("{table}", "1 = 1", "{problem}")')
                batch.append(f"batch_op.add_column({column.source})")
                continue
            if c not in backfills:
                raise AnswerError(f"NEEDS_BACKFILL {table}.{c}")
            steps.backfilled.append(f"{table}.{c}")
            source = column.source[:-1].rstrip().rstrip(",") + f", server_default=sa.text({_q(backfills[c])}))"
            batch.append(f"batch_op.add_column({source})")
            later.append(
                f'batch_op.alter_column("{c}", existing_type={ast.unparse(column.arg(1))}, '
                f"existing_nullable=False, server_default=None)"
            )
        else:
            batch.append(f"batch_op.add_column({column.source})")
    for c in alters:
        before, after = old.columns[back.get(c, c)], new.columns[c]
        args = [f'"{c}"', f"existing_type={ast.unparse(before.arg(1))}"]
        if _type_key(before) != _type_key(after):
            args.append(f"type_={ast.unparse(after.arg(1))}")
            cast = _postgresql_type(after)
            if _family(before) != _family(after) and cast:
                # PostgreSQL converts the values only when told how (SQLite CASTs them in its table copy).
                args.append(f"postgresql_using={_q(_using(c, _family(before), cast))}")
        if _nullable(before) != _nullable(after):
            args.append(f"nullable={_nullable(after)}")
        else:
            args.append(f"existing_nullable={_nullable(after)}")
        old_default, new_default = before.keyword("server_default"), after.keyword("server_default")
        if ast.dump(old_default or ast.Constant(None)) != ast.dump(new_default or ast.Constant(None)):
            args.append(f"server_default={ast.unparse(new_default) if new_default else 'None'}")
        elif old_default is not None:
            args.append(f"existing_server_default={ast.unparse(old_default)}")
        batch.append(f"batch_op.alter_column({', '.join(args)})")
    for part in created_checks:
        batch.append(f'batch_op.create_check_constraint(op.f("{part.name}"), {ast.unparse(part.arg(0))})')
    for part in created_fks:
        local = ast.literal_eval(part.arg(0))
        [remote] = ast.literal_eval(part.arg(1))
        target, column = remote.split(".")
        ondelete = part.keyword("ondelete")
        extra = f", ondelete={ast.unparse(ondelete)}" if ondelete is not None else ""
        batch.append(f'batch_op.create_foreign_key(op.f("{part.name}"), "{target}", {local!r}, ["{column}"]{extra})')
    if batch:
        steps.changes.append(_batch(table, batch))
    if later:
        steps.changes.append(_batch(table, later))
    for part in created_indexes:
        steps.changes.append(part.source)


def _mentions(check: Part, columns: list[str]) -> bool:
    """Whether a CHECK's condition names one of these columns (added ones: no rows to check yet)."""
    condition = ast.unparse(check.arg(0))
    return any(f"{q}{c}{q}" in condition for c in columns for q in ('"', "'", '\\"'))


def _needs_copy(*changes: object) -> bool:
    return any(bool(change) for change in changes)


def _batch(table: str, lines: list[str]) -> str:
    return f'with op.batch_alter_table("{table}") as batch_op:\n' + "\n".join(f"    {line}" for line in lines)


def _q(text: str) -> str:
    return repr(text) if '"' in text and "'" not in text else '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _quote(column: str) -> str:
    return f'"{column}"'


def _nullable(column: Part) -> bool:
    value = column.keyword("nullable")
    return bool(value is not None and isinstance(value, ast.Constant) and value.value)


def _type_key(column: Part) -> str:
    return column.key_of(column.arg(1))


# The SQL a migration's types stand for on PostgreSQL, for a USING cast.
POSTGRESQL_TYPES = {"Integer": "INTEGER", "BigInteger": "BIGINT", "Float": "FLOAT", "Boolean": "BOOLEAN",
                    "Date": "DATE", "DateTime": "TIMESTAMP WITH TIME ZONE", "Uuid": "UUID", "Text": "TEXT",
                    "with_variant": "JSONB"}  # fmt: skip


def _type_call(column: Part) -> ast.Call | None:
    node = column.arg(1)
    if isinstance(node, ast.Name):
        node = column.definitions.get(node.id, node)
    return node if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else None


def _family(column: Part) -> str:
    """`String` for str, email, url and enums (VARCHAR), else the type's own name."""
    call = _type_call(column)
    if call is None:
        return ""
    assert isinstance(call.func, ast.Attribute)
    return "String" if call.func.attr in ("Enum", "AutoString") else call.func.attr


def _postgresql_type(column: Part) -> str | None:
    call = _type_call(column)
    family = _family(column)
    if call is None:
        return None
    if family == "String":
        length = next((k.value for k in call.keywords if k.arg == "length"), None)
        return f"VARCHAR({ast.literal_eval(length)})" if length is not None else "VARCHAR"
    if family == "Numeric":
        numbers = [ast.literal_eval(k.value) for k in call.keywords if k.arg in ("precision", "scale")]
        numbers = numbers or [ast.literal_eval(a) for a in call.args]
        return f"NUMERIC({', '.join(map(str, numbers))})"
    return POSTGRESQL_TYPES.get(family)


NUMBERS = {"Integer", "BigInteger", "Float", "Numeric", "Boolean"}


def _using(column: str, family: str, target: str) -> str:
    """How PostgreSQL converts the values (the `USING` of ALTER COLUMN ... TYPE)."""
    if target == "JSONB":
        return f"to_jsonb({_quote(column)})"
    return f"{_cast_source(column, family, target)}::{target}"


def _cast_source(column: str, family: str, target: str) -> str:
    """What PostgreSQL casts to the new type: the value itself between numbers, its text otherwise
    (uuid, dates and JSON have no direct cast to most types)."""
    if family == "with_variant":
        return f"({_quote(column)} #>> '{{}}')"
    kind = target.split("(")[0]
    numbers = family in NUMBERS - {"Boolean"} and kind in ("INTEGER", "BIGINT", "FLOAT", "NUMERIC")
    if numbers or (family, kind) in (("Boolean", "INTEGER"), ("Integer", "BOOLEAN")):
        return _quote(column)
    return f"{_quote(column)}::text"


def _enum_words(column: Part) -> list[str] | None:
    """The words of an enum column's type (a module constant `sa.Enum("a", "b", ...)`)."""
    node = column.arg(1)
    if isinstance(node, ast.Name):
        node = column.definitions.get(node.id, node)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Enum":
        return [_string(arg) for arg in node.args]
    return None


def _column_changed(before: Part, after: Part) -> bool:
    return (_type_key(before), _nullable(before), before.key_of(before.keyword("server_default"))) != (
        _type_key(after),
        _nullable(after),
        after.key_of(after.keyword("server_default")),
    )


def _fragile(index: Part) -> bool:
    """An index a SQLite table copy may not carry: on an expression, or partial."""
    return index.keyword("postgresql_where") is not None or "text(" in index.source


def _on(index: Part, columns: set[str]) -> bool:
    return any(column in columns for column in _index_columns(index, quoted=False))


def _index_columns(index: Part, quoted: bool = True) -> list[str]:
    listed = index.arg(2)
    assert isinstance(listed, ast.List)
    columns = []
    for element in listed.elts:
        if isinstance(element, ast.Constant) and isinstance(element.value, str):
            columns.append(_quote(element.value) if quoted else element.value)
        elif isinstance(element, ast.Call):  # sa.text('lower("email")')
            columns.append(
                _string(element.args[0]) if quoted else re.sub(r'.*"(.*)".*', r"\1", _string(element.args[0]))
            )
    return columns


# --- the revision -----------------------------------------------------------------------------

HELPERS = """

def refuse(problem: str) -> NoReturn:
    \"\"\"Stop before any change: one line, no traceback, since the rows, not the code, must change
    (the transaction, if any, rolls back).\"\"\"
    raise SystemExit(f"ERROR: {problem}, then migrate again (nothing was changed)")


def refuse_rows(table: str, condition: str, problem: str) -> None:
    \"\"\"Stop before any change when rows break a rule the new schema holds them to.\"\"\"
    count = op.get_bind().execute(sa.text(f'SELECT count(*) FROM "{table}" WHERE {condition}')).scalar_one()
    if count:
        refuse(f"{count} rows of {table} {problem}")


def fill_nulls(table: str, column: str, value: str) -> None:
    \"\"\"The value `--backfill` gave, in the rows without one, before the column becomes required.\"\"\"
    op.execute(sa.text(f'UPDATE "{table}" SET "{column}" = {value} WHERE "{column}" IS NULL'))


# Whether PostgreSQL casts a value to a type: the cast itself, its error caught.
CONVERTS = \"\"\"
CREATE OR REPLACE FUNCTION pg_temp.sync_converts(value anyelement, target text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT $1::%s', target) USING value;
    RETURN true;
EXCEPTION WHEN others THEN
    RETURN false;
END
$$
\"\"\"


def refuse_unconvertible(table: str, column: str, type_: sa.types.TypeEngine[Any], source: str, target: str) -> None:
    \"\"\"Stop before any change when values would not convert to a column's new type: PostgreSQL
    would fail on the first, and SQLite's CAST would quietly make another value of it ('x9': 0).\"\"\"
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text(CONVERTS))
        converts = f"pg_temp.sync_converts({source}, '{target}')"
    else:
        converts = f'{sa.cast(sa.column(column), type_).compile(dialect=bind.dialect)} = "{column}"'
        source = f'"{column}"'
    if target.startswith("VARCHAR("):  # PostgreSQL's cast would cut a longer text, SQLite's keep it
        converts += f" AND length({source}) <= {target[len('VARCHAR(') : -1]}"
    count = bind.execute(
        sa.text(f'SELECT count(*) FROM "{table}" WHERE "{column}" IS NOT NULL AND NOT ({converts})')
    ).scalar_one()
    if count:
        refuse(
            f"{count} rows of {table} hold {column} values that do not convert to {target}: change or clear them "
            "(or keep the old type)"
        )


def refuse_duplicates(table: str, index: str, groups: str) -> None:
    \"\"\"Stop before any change when rows hold values a new unique index refuses.\"\"\"
    count = op.get_bind().execute(sa.text(f"SELECT count(*) FROM ({groups}) AS duplicates")).scalar_one()
    if count:
        refuse(f"{count} values repeat in {table}, which {index} makes unique: fix them")
"""


def revision_text(
    revision: str, down_revision: str, message: str, old: Schema, new: Schema, up: Steps, down: Steps
) -> str:
    constants = dict(new.constants)
    for name, text in old.constants.items():
        constants.setdefault(name, text)
    body = [
        f'"""{message}\n\nRevision ID: {revision}\nRevises: {down_revision}\n"""',
        "",
        "from collections.abc import Sequence",
        "from typing import Any, NoReturn",
        "",
        "import sqlalchemy as sa",
        "from alembic import op",
        "from sqlalchemy.dialects import postgresql",
        "",
        f'revision: str = "{revision}"',
        f'down_revision: str | Sequence[str] | None = "{down_revision}"',
        "branch_labels: str | Sequence[str] | None = None",
        "depends_on: str | Sequence[str] | None = None",
        "",
        "# A migration keeps its own copy of the types: the models may change, this file must not.",
        *[
            text if "\n" not in text or not text.startswith("def ") else "\n\n" + text + "\n"
            for text in constants.values()
        ],
        HELPERS,
        "",
        "def upgrade() -> None:",
        *_indent(up.checks + up.changes),
        "",
        "",
        "def downgrade() -> None:",
        *_indent(down.checks + down.changes),
    ]
    return "\n".join(body) + "\n"


def _indent(statements: list[str]) -> list[str]:
    if not statements:
        return ["    pass"]
    return ["\n".join(f"    {line}" if line else line for line in s.split("\n")) for s in statements]
