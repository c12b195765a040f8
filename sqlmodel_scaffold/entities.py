"""The domain language: one parser that validation, file names and code all read.

entities     := entity (SEP entity)*
many_to_many := "" | pair (SEP pair)*
SEP          := "," | ";" | newline          (outside braces and parentheses)
entity       := name ["(" plural ")"] [":" parent] [fields]
pair         := name "+" name [fields]
fields       := "{" item ("," item)* [","] "}"
item         := field | "unique" "(" fname ("," fname)+ ")"
field        := fname ":" type ["?"] modifier*

With auth=users the built-in user is no entity of the domain, yet fields may reference it
(`author: user`), and `owner` on such a reference (`author: user owner`) makes the entity owned.

The fields themselves are parsed in fieldspec.py; this module knows entities and how they relate.
"""

import keyword
import re
from dataclasses import dataclass
from functools import cached_property

from .errors import AnswerError
from .fields import DEFAULT_STR_LENGTH, Field
from .fieldspec import BUILTIN_USER, parse_fields
from .naming import SNAKE_NAME, kebab, normalise, pascal, pluralize
from .splitting import split_top_level

__all__ = ["AnswerError", "Entity", "Link", "Plan", "parse"]

# Modules of the generated package and tests that an entity's folder must not replace.
RESERVED_MODULES = {"api", "conftest", "core", "factories", "health", "links", "main", "migrations", "models", "tests"}
# Packages of the generated project that auth=users adds: the built-in user and the sign-in routes.
AUTH_MODULES = {"auth", "users"}
# Fields entities without braces have; an entity of that name would clash as a reference attribute.
RESERVED_FIELDS = {"attributes", "created_at", "deleted_at", "description", "id", "name", "parent", "updated_at"}
# Long names make PostgreSQL truncate constraint names (63 bytes at most).
MAX_NAME_LENGTH = 20
# `BookPublicWithAuthorAndPublisher`; longer names give way to `<Class>PublicWithReferences`.
MAX_READ_MODEL = 48

_HEAD = re.compile(r"^(?P<name>[^():{}]+?)\s*(?:\(\s*(?P<plural>[^():{}]*?)\s*\))?\s*(?::\s*(?P<parent>[^():{}]*?))?$")


def _default_fields(owner: str) -> tuple[Field, ...]:
    """What an entity declared without braces has, as it always had."""
    return (
        Field(owner, "name", "str", length=DEFAULT_STR_LENGTH, unique=True),
        Field(owner, "description", "str", optional=True, length=2000),
        Field(owner, "attributes", "object", has_default=True),
    )


def _table_imports(fields: tuple[Field, ...]) -> list[tuple[str, list[str]]]:
    """(module, names) the column arguments and CHECKs of these fields need: `text` for a
    server default, core/tables.py's check helpers; the module is relative to core's parent."""
    found: list[tuple[str, list[str]]] = []
    if any((f.server_default or "").startswith("text(") for f in fields):
        found.append(("sqlalchemy", ["text"]))
    helpers = sorted({helper for f in fields for helper in f.check_helpers})
    if helpers:
        found.append(("core.tables", helpers))
    return found


@dataclass(frozen=True)
class Entity:
    name: str  # snake_case singular: blog_post
    plural: str  # snake_case plural: blog_posts; also the package folder
    fields: tuple[Field, ...]
    composite_uniques: tuple[tuple[str, ...], ...] = ()  # unique(a, b), as field names
    declared: bool = True  # written with braces (False: the default fields)

    @property
    def class_name(self) -> str:
        return pascal(self.name)

    @property
    def table(self) -> str:
        return self.name

    @property
    def route(self) -> str:
        return kebab(self.plural)

    @property
    def label(self) -> str:
        """Human words for messages and docs: `blog post`."""
        return self.name.replace("_", " ")

    @property
    def article(self) -> str:
        """`a book`, `an author`."""
        return f"{'an' if self.name[0] in 'aeiou' else 'a'} {self.label}"

    @property
    def references(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.is_reference)

    @property
    def entity_references(self) -> tuple[Field, ...]:
        """References to entities of the domain: every one but those to the built-in user."""
        return tuple(f for f in self.references if not f.builtin_user)

    @property
    def owner_field(self) -> Field | None:
        """The `owner` reference to the built-in user: whose row it is."""
        return next((f for f in self.fields if f.is_owner), None)

    @property
    def is_owned(self) -> bool:
        return self.owner_field is not None

    @property
    def shown_fields(self) -> tuple[Field, ...]:
        """Fields in the public models: every one but the hidden ones."""
        return tuple(f for f in self.fields if not f.hidden)

    @property
    def base_fields(self) -> tuple[Field, ...]:
        """Fields of the base model, which requests share: the shown ones but the owner, which
        is the caller's on create and never changes (the table and the public model add it)."""
        return tuple(f for f in self.shown_fields if not f.is_owner)

    @property
    def update_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.is_owner)

    @property
    def hidden_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.hidden)

    @property
    def tree_field(self) -> Field | None:
        """The reference to the entity itself, which makes a tree."""
        return next((f for f in self.references if f.target == self.name), None)

    @property
    def is_tree(self) -> bool:
        return self.tree_field is not None

    @property
    def read_model(self) -> str:
        """The response model of a read: with every referenced row embedded."""
        if not self.references:
            return f"{self.class_name}Public"
        name = f"{self.class_name}PublicWith" + "And".join(pascal(f.name) for f in self.references)
        # Short enough that `response_model=Page[...]` always fits a line.
        return name if len(name) <= MAX_READ_MODEL else f"{self.class_name}PublicWithReferences"

    @property
    def unique_groups(self) -> tuple[tuple[str, ...], ...]:
        """Column tuples that must be unique: single `unique` fields, then `unique(a, b)`."""
        by_name = {f.name: f for f in self.fields}
        singles = tuple((f.column,) for f in self.fields if f.unique)
        return singles + tuple(tuple(by_name[n].column for n in group) for group in self.composite_uniques)

    @property
    def owner_uniques(self) -> tuple[tuple[str, ...], ...]:
        """Unique groups over the owner's column: each holds per owner, so two users may have
        the same values (`unique(name, owner)`: each user's names are unique)."""
        owner = self.owner_field
        return tuple(group for group in self.unique_groups if owner is not None and owner.column in group)

    @property
    def body_unique_groups(self) -> tuple[tuple[str, ...], ...]:
        """The unique groups as a request body gives them: without the owner's column, which
        is the caller's on create and never in a body."""
        owner = self.owner_field
        return tuple(tuple(c for c in group if owner is None or c != owner.column) for group in self.unique_groups)

    @property
    def sort_indexes(self) -> tuple[str, ...]:
        """Columns of `index` fields: each indexed with the id after it, the order a list sorts in,
        so that a page seeks to its place instead of sorting rows that share a value."""
        return tuple(f.column for f in self.fields if f.index and not f.unique)

    @property
    def ignore_case_columns(self) -> tuple[str, ...]:
        """Columns compared ignoring case (emails): their unique indexes are on `lower(column)`.
        Composite groups too: `unique(site, contact)` refuses `Ann@x.org` beside `ann@x.org`."""
        return tuple(f.column for f in self.fields if f.ignore_case)

    def ignore_case_in(self, group: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(column for column in group if column in self.ignore_case_columns)

    @property
    def unique_sort_indexes(self) -> tuple[str, ...]:
        """Unique sort keys whose unique index cannot serve a sort (it is on `lower(email)`):
        each gets a sort index of its own, named `ix_<table>_<column>__sort`."""
        return tuple(f.column for f in self.fields if f.unique and f.sortable and f.ignore_case)

    @property
    def has_table_args(self) -> bool:
        return bool(self.unique_groups or self.sort_indexes or self.unique_sort_indexes or self.table_checks)

    @property
    def table_checks(self) -> list[str]:
        """The table model's CHECK constraints (core/tables.py's helpers), field by field."""
        return [check for f in self.fields for check in f.table_checks]

    @property
    def table_imports(self) -> list[tuple[str, list[str]]]:
        """What the table model's column arguments and CHECKs import besides the usual."""
        return _table_imports(self.fields)

    @property
    def sort_keys(self) -> tuple[str, ...]:
        return ("id", *(f.column for f in self.fields if f.sortable), "created_at", "updated_at")

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class Link:
    """A many-to-many pair, stored in a link table with a composite primary key and its own fields."""

    left: Entity
    right: Entity
    fields: tuple[Field, ...] = ()

    @property
    def class_name(self) -> str:
        return f"{self.left.class_name}{self.right.class_name}Link"

    @property
    def table(self) -> str:
        return f"{self.left.name}_{self.right.name}_link"

    @property
    def package(self) -> str:
        """The module under links/ that holds its table and endpoints."""
        return f"{self.left.name}_{self.right.name}"

    @property
    def table_checks(self) -> list[str]:
        return [check for f in self.fields for check in f.table_checks]

    @property
    def table_imports(self) -> list[tuple[str, list[str]]]:
        return _table_imports(self.fields)

    def other(self, entity: Entity) -> Entity:
        return self.right if entity == self.left else self.left


# The built-in user of auth=users as the templates see a referenced entity: its package
# (`users`, with models `User` and `UserPublic`) and its table (`user`).
BUILTIN_USER_ENTITY = Entity(BUILTIN_USER, "users", ())


@dataclass(frozen=True)
class Plan:
    """The parsed domain, in the order the user listed it."""

    entities: tuple[Entity, ...]
    links: tuple[Link, ...]

    def entity(self, name: str) -> Entity:
        return next(e for e in self.entities if e.name == name)

    def referenced(self, field: Field) -> Entity:
        """The entity a reference points at: one of the domain's, or the built-in user."""
        return BUILTIN_USER_ENTITY if field.builtin_user else self.entity(field.target or "")

    def owned_references(self, entity: Entity) -> tuple[Field, ...]:
        """The entity's references to owned entities: each accepts only rows the caller sees."""
        return tuple(f for f in entity.entity_references if self.entity(f.target or "").is_owned)

    def unique_per_owner(self, entity: Entity) -> tuple[str, ...]:
        """The body columns of the first unique group over the entity's owner that two users can
        give the same values: none is a reference to owned rows (each user names only their own),
        and no group without the owner holds within them (`name unique` beside `unique(name, owner)`).
        Empty when there is none."""
        owner, owned = entity.owner_field, {f.column for f in self.owned_references(entity)}
        groups = tuple(zip(entity.unique_groups, entity.body_unique_groups, strict=True))
        everyones = [set(group) for group, _ in groups if owner is None or owner.column not in group]
        for group, columns in groups:
            if owner is None or owner.column not in group or owned & set(columns):
                continue
            if not any(other <= set(columns) for other in everyones):
                return columns
        return ()

    def needs_caller(self, entity: Entity) -> bool:
        """Whether the entity's writes depend on who calls: it is owned, or references owned rows."""
        return entity.is_owned or bool(self.owned_references(entity))

    @property
    def all_fields(self) -> tuple[Field, ...]:
        """Every field of every entity and link."""
        return tuple(f for e in self.entities for f in e.fields) + tuple(f for link in self.links for f in link.fields)

    @property
    def field_types(self) -> set[str]:
        """Every type some entity or link declares (for dependencies and imports)."""
        return {f.type for f in self.all_fields}

    def referrers_of(self, entity: Entity) -> tuple[tuple[Entity, Field], ...]:
        """Every (entity, reference field) that points at this entity, itself included."""
        return tuple((e, f) for e in self.entities for f in e.references if f.target == entity.name)

    def children_of(self, entity: Entity) -> tuple[tuple[Entity, Field], ...]:
        """Other entities that reference this one through exactly one field: `GET /<plural>/{id}/<children>`."""
        found = []
        for other in self.entities:
            refs = [f for f in other.references if f.target == entity.name]
            if other != entity and len(refs) == 1:
                found.append((other, refs[0]))
        return tuple(found)

    def listed_under(self, entity: Entity) -> tuple[tuple[Entity, Field], ...]:
        """The (parent, reference) pairs whose `GET /<parents>/{id}/<plural>` lists this entity's rows."""
        return tuple(
            (parent, f) for parent in self.entities for child, f in self.children_of(parent) if child == entity
        )

    def links_of(self, entity: Entity) -> tuple[tuple[Link, Entity], ...]:
        """Each link this entity takes part in, with the entity on the other side."""
        return tuple((link, link.other(entity)) for link in self.links if entity in (link.left, link.right))

    @cached_property
    def in_dependency_order(self) -> tuple[Entity, ...]:
        """Referenced entities before those that reference them, otherwise as listed."""
        ordered: list[Entity] = []
        pending = list(self.entities)
        while pending:
            for entity in pending:
                targets = {f.target for f in entity.entity_references} - {entity.name}
                if targets <= {e.name for e in ordered}:
                    ordered.append(entity)
                    pending.remove(entity)
                    break
        return tuple(ordered)


def parse(entities: str, many_to_many: str = "", auth: str = "none") -> Plan:
    """Parse both answers, or raise AnswerError naming the first problem. With auth=users the
    built-in user may be referenced, and owns the rows of an entity whose reference says `owner`."""
    heads = [_parse_head(part) for part in _items(entities, "entities")]
    if not heads:
        raise AnswerError("entities is empty: name at least one entity, for example 'team, hero:team'")
    _check_unique(heads)
    if auth == "users":
        _check_builtin_names(heads)
    names = {head.name for head in heads}
    parsed = tuple(head.build(names, auth) for head in heads)
    _check_cycles(parsed)
    _check_shared_references(parsed)
    by_name = {e.name: e for e in parsed}
    links = tuple(_parse_pair(part, by_name, auth) for part in _items(many_to_many, "many_to_many"))
    _check_links(links, parsed)
    plan = Plan(parsed, links)
    _check_routes(plan)
    return plan


def _check_builtin_names(heads: list["_Head"]) -> None:
    """With auth=users the project has a user of its own, and packages for it."""
    for head in heads:
        if head.name == BUILTIN_USER:
            raise AnswerError(
                f"entity {head.name!r} declares a user, and auth=users builds one in (email, password, "
                "is_active, is_superuser); remove the entity and reference the built-in one ('author: user'), "
                "or choose auth=none"
            )
        if head.plural in AUTH_MODULES:
            raise AnswerError(
                f"entity {head.name!r} would make a package {head.plural!r}, which auth=users uses for its own "
                f"routes; choose another plural, for example '{head.name}({head.name}_items)'"
            )


def _check_routes(plan: "Plan") -> None:
    """`GET /<plural>/{id}/<segment>` must name one listing: a tree's children, the rows of one
    entity that references it, or one side of a link; `restore` is taken by restore."""
    for entity in plan.entities:
        taken: dict[str, str] = {"restore": "the restore endpoint"}
        if entity.is_tree:
            taken["children"] = f"the {entity.label} rows below {entity.article} in its tree"
        listed = [child for child, _ in plan.children_of(entity)] + [other for _, other in plan.links_of(entity)]
        for other in listed:
            already = taken.get(other.route)
            if already:
                raise AnswerError(
                    f"/{entity.route}/{{id}}/{other.route} would be both {already} and the {other.label} rows of "
                    f"{entity.article}; give {other.name!r} another plural, for example '{other.name}({other.name}_items)'"
                )
            taken[other.route] = f"the {other.label} rows of {entity.article}"


SEPARATORS = " \t\r\n,;"
_CLOSING = {"(": ")", "{": "}"}


def _items(answer: str, key: str) -> list[str]:
    """The items of an answer; nothing but separators is no item at all."""
    if isinstance(answer, str) and not answer.strip(SEPARATORS):
        return []
    _check_brackets(answer, key)
    return split_top_level(answer, key)


def _check_brackets(answer: str, key: str) -> None:
    """Braces and parentheses pair up; a refusal names the item they stand in and the bracket to add or remove."""
    if not isinstance(answer, str):
        return
    opened: list[tuple[str, int]] = []  # each open bracket, with where its item starts
    item_start = 0
    for position, char in enumerate(answer):
        if char in _CLOSING:
            opened.append((char, item_start))
        elif char in ")}":
            near = repr(answer[item_start : position + 1].strip()[-40:])
            if not opened:
                opening = "(" if char == ")" else "{"
                raise AnswerError(
                    f"{key} has a {char!r} that closes nothing in {near}: remove it or add the matching {opening!r}"
                )
            opening, _ = opened.pop()
            if _CLOSING[opening] != char:
                raise AnswerError(
                    f"{key} closes {opening!r} with {char!r} in {near}: add the missing {_CLOSING[opening]!r} before it"
                )
        elif char in ",;\n" and not opened:
            item_start = position + 1
    if opened:
        opening, start = opened[-1]
        text = " ".join(answer[start:].split())
        near = repr(text if len(text) <= 40 else text[:40] + "...")
        raise AnswerError(f"{key} has an unclosed {opening!r} in {near}: add the missing {_CLOSING[opening]!r}")


@dataclass(frozen=True)
class _Head:
    """An entity as written, before its references can be checked against the other names."""

    name: str
    plural: str
    parent: str | None
    body: str | None  # the text between the braces, or None without braces
    text: str

    def build(self, names: set[str], auth: str = "none") -> Entity:
        builtin_parent = self.parent == BUILTIN_USER and auth == "users"
        if self.parent == BUILTIN_USER and self.parent not in names and not builtin_parent:
            raise AnswerError(
                f"entity {self.name!r} belongs to 'user', the built-in user of auth=users, and auth is {auth!r}; "
                "choose auth=users or declare a 'user' entity"
            )
        if self.parent is not None and self.parent not in names and not builtin_parent:
            raise AnswerError(
                f"entity {self.name!r} belongs to {self.parent!r}, which is not in the list; "
                f"add {self.parent!r} to entities or remove ':{self.parent}'"
            )
        shorthand: tuple[Field, ...] = ()
        if self.parent is not None:
            # `hero:team` is `team: team?`; `category:category` is `parent: category?`, whose subtree goes with it.
            tree = self.parent == self.name
            attr = "parent" if tree else self.parent
            shorthand = (
                Field(
                    self.name, attr, "ref", optional=True, target=self.parent, cascade=tree, builtin_user=builtin_parent
                ),
            )
        uniques: tuple[tuple[str, ...], ...] = ()
        if self.body is None:
            fields = _default_fields(self.name)
        else:
            fields, uniques = parse_fields(self.body, self.name, names, entity=True, auth=auth)
        for f in shorthand:
            if any(declared.name == f.name for declared in fields):
                raise AnswerError(
                    f"{self.name}.{f.name} is declared twice: '{self.name}:{self.parent}' declares it already; "
                    f"drop ':{self.parent}' or the field"
                )
        fields = (*fields, *shorthand) if self.body is None else (*shorthand, *fields)
        _check_field_names(self.name, fields)
        self_refs = [f for f in fields if f.is_reference and f.target == self.name]
        if len(self_refs) > 1:
            raise AnswerError(
                f"entity {self.name!r} references itself through {len(self_refs)} fields "
                f"({', '.join(f.name for f in self_refs)}); a tree has one parent: keep one"
            )
        for f in self_refs:
            if not f.optional:
                raise AnswerError(
                    f"{self.name}.{f.name}: a required reference of {self.name!r} to itself means no first "
                    f"{self.name} could exist; make it optional: '{f.name}: {self.name}?'"
                )
        return Entity(self.name, self.plural, fields, uniques, declared=self.body is not None)


def _split_braces(text: str, what: str, fix: str) -> tuple[str, str | None]:
    """`book { title: str }` -> ("book ", " title: str "); text without braces has no body."""
    if "{" not in text:
        return text, None
    if not text.rstrip().endswith("}"):
        raise AnswerError(f"{what} has text after its closing '}}': {fix}")
    start = text.index("{")
    return text[:start], text[start + 1 : text.rstrip().rindex("}")]


def _parse_head(text: str) -> _Head:
    head, body = _split_braces(text, f"entity {text!r}", "start the next entity with ';'")
    if body is not None:
        if not body.strip(SEPARATORS):
            raise AnswerError(f"entity {head.strip()!r} has empty braces: declare its fields, or drop the braces")
    match = _HEAD.match(head.strip())
    if not match:
        raise AnswerError(
            f"entity {head.strip()!r} is not of the form name, name(plural) or name:parent, followed by "
            "optional {fields}; for example 'person(people):team'"
        )
    name = check_name(match["name"], f"entity {head.strip()!r}")
    plural = (
        check_name(match["plural"], f"plural in {head.strip()!r}") if match["plural"] is not None else pluralize(name)
    )
    parent = check_name(match["parent"], f"parent in {head.strip()!r}") if match["parent"] is not None else None
    if plural == name:
        raise AnswerError(
            f"entity {name!r} has the same singular and plural; give another plural, for example '{name}({name}_items)'"
        )
    if name in RESERVED_FIELDS:
        raise AnswerError(f"entity {name!r} clashes with a field every entity has; choose another name")
    if plural in RESERVED_MODULES:
        raise AnswerError(
            f"entity {name!r} would make a package {plural!r}, which the generated project uses itself; choose another name"
        )
    return _Head(name, plural, parent, body, text)


def check_name(raw: str, where: str, limit: int = MAX_NAME_LENGTH) -> str:
    name = normalise(raw)
    if not raw.strip():
        raise AnswerError(f"{where} has an empty name: write a name such as 'hero'")
    if not SNAKE_NAME.fullmatch(name):
        raise AnswerError(
            f"{where}: {raw.strip()!r} is not a valid name; use letters, digits, spaces, '-' or '_', starting with a letter"
        )
    if len(name) > limit:
        raise AnswerError(f"{where}: {name!r} is longer than {limit} characters; choose a shorter name")
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise AnswerError(f"{where}: {name!r} is a Python keyword; choose another name, for example '{name}_item'")
    return name


def _check_field_names(entity: str, fields: tuple[Field, ...]) -> None:
    seen: dict[str, Field] = {}
    for f in fields:
        # A reference takes two names: the relationship (`author`) and the column (`author_id`).
        for word in {f.name, f.column}:
            other = seen.get(word)
            if other is not None:
                if other.name == f.name:
                    raise AnswerError(f"{entity}.{f.name} is declared twice: keep one")
                raise AnswerError(
                    f"{entity}.{f.name} clashes with {entity}.{other.name} on the name {word!r}; rename one"
                )
            seen[word] = f


def _check_unique(heads: list[_Head]) -> None:
    seen: dict[str, _Head] = {}
    for head in heads:
        for word in (head.name, head.plural):
            other = seen.get(word)
            if other is None:
                continue
            if other.name == head.name:
                raise AnswerError(f"entity {head.name!r} is listed twice: keep one")
            raise AnswerError(
                f"entities {other.name!r} and {head.name!r} clash on the name {word!r}; "
                "rename one or give an explicit plural such as 'person(people)'"
            )
        seen[head.name] = head
        seen[head.plural] = head


def _check_shared_references(entities: tuple[Entity, ...]) -> None:
    """Every user reads a shared entity's rows, and each embeds the row it references: one that
    references an owned entity would show every user the owned rows of others."""
    owned = {e.name: e for e in entities if e.is_owned}
    for entity in entities:
        if entity.is_owned:
            continue
        for f in entity.entity_references:
            target = owned.get(f.target or "")
            owner = target.owner_field if target else None
            if target and owner:
                raise AnswerError(
                    f"{entity.name}.{f.name} references {target.name}, whose rows are each their "
                    f"{owner.name}'s, but {entity.name} is shared: every user would read the "
                    f"{target.plural} of others inside {entity.plural}; make {entity.name} owned too "
                    f"(add 'owner: user owner'), or remove the reference"
                )


def _check_cycles(entities: tuple[Entity, ...]) -> None:
    """References between different entities may not go round: no first row could be made and kept."""
    edges = {e.name: [f for f in e.entity_references if f.target != e.name] for e in entities}
    finished: set[str] = set()

    def visit(name: str, path: list[str], through: list[Field]) -> None:
        for f in edges[name]:
            target = f.target
            assert target is not None
            if target in path:
                start = path.index(target)
                cycle = " -> ".join([*path[start:], target])
                fields = ", ".join(f"{g.owner}.{g.name}" for g in [*through[start:], f])
                raise AnswerError(
                    f"entities reference each other in a cycle ({cycle}) through {fields}; only a reference of "
                    "an entity to itself is allowed, like 'category:category': drop one of these references"
                )
            if target not in finished:
                visit(target, [*path, target], [*through, f])
        finished.add(name)

    for entity in entities:
        if entity.name not in finished:
            visit(entity.name, [entity.name], [])


def _parse_pair(text: str, by_name: dict[str, Entity], auth: str) -> Link:
    head, body = _split_braces(text, f"many_to_many pair {text!r}", "start the next pair with ';'")
    sides = [side.strip() for side in head.split("+")]
    if len(sides) != 2 or not all(sides):
        raise AnswerError(
            f"many_to_many pair {text!r} is not of the form 'hero+power' or 'hero+power {{ field: type }}'"
        )
    names = [normalise(side) for side in sides]
    for side, name in zip(sides, names, strict=True):
        if name == BUILTIN_USER and auth == "users":
            raise AnswerError(
                f"many_to_many pair {head.strip()!r} names the built-in user, and pairs link entities of the domain; "
                "make an entity that references it instead, for example 'favourite { book: book, fan: user owner }'"
            )
        if name not in by_name:
            raise AnswerError(
                f"many_to_many pair {head.strip()!r} names {side!r}, which is not in entities; add it to entities or fix the pair"
            )
    if names[0] == names[1]:
        raise AnswerError(f"many_to_many pair {head.strip()!r} links an entity to itself; name two different entities")
    left, right = by_name[names[0]], by_name[names[1]]
    fields: tuple[Field, ...] = ()
    if body is not None:
        if not body.strip(SEPARATORS):
            raise AnswerError(
                f"many_to_many pair {head.strip()!r} has empty braces: declare its fields, or drop the braces"
            )
        owner = f"{left.name}_{right.name}_link"
        fields, _ = parse_fields(body, owner, set(by_name), entity=False, auth=auth)
        reserved = {"created_at", f"{left.name}_id", f"{right.name}_id"}
        for f in fields:
            if f.name in reserved:
                raise AnswerError(f"{owner}.{f.name} is a column every link has; choose another name")
    return Link(left, right, fields)


def _check_links(links: tuple[Link, ...], entities: tuple[Entity, ...]) -> None:
    seen: set[frozenset[str]] = set()
    tables = {e.table for e in entities}
    for link in links:
        if link.table in tables:
            raise AnswerError(
                f"entity {link.table!r} clashes with the link table of {link.left.name}+{link.right.name}; rename it"
            )
        key = frozenset((link.left.name, link.right.name))
        if key in seen:
            raise AnswerError(f"many_to_many links {link.left.name!r} and {link.right.name!r} twice: keep one pair")
        seen.add(key)
        for entity, other in ((link.left, link.right), (link.right, link.left)):
            if any(f.target == other.name for f in entity.references):
                raise AnswerError(
                    f"many_to_many pair {link.left.name}+{link.right.name} repeats a reference "
                    f"between the same entities ({entity.name} -> {other.name}); keep one of the two"
                )
