"""The entity syntax: one parser that validation, file names and code all read.

entities     := entity ("," entity)*
entity       := name ["(" plural ")"] [":" parent]
many_to_many := "" | pair ("," pair)*
pair         := name "+" name
"""

import keyword
import re
from dataclasses import dataclass
from functools import cached_property

from .naming import SNAKE_NAME, kebab, normalise, pascal, pluralize


class AnswerError(ValueError):
    """A user's answer that cannot be used; the message is one line saying how to fix it."""


# Modules of the generated package and tests that an entity's folder must not replace.
RESERVED_MODULES = {"api", "conftest", "core", "health", "main", "migrations", "models", "tests"}
# Fields every entity has; an entity of that name would clash as a parent attribute.
RESERVED_FIELDS = {"attributes", "created_at", "deleted_at", "description", "id", "name", "parent", "updated_at"}
# Long names make PostgreSQL truncate constraint names (63 bytes at most).
MAX_NAME_LENGTH = 20

_ENTITY = re.compile(r"^(?P<name>[^():]+?)\s*(?:\(\s*(?P<plural>[^():]*?)\s*\))?\s*(?::\s*(?P<parent>[^():]*?))?$")


@dataclass(frozen=True)
class Entity:
    name: str  # snake_case singular: blog_post
    plural: str  # snake_case plural: blog_posts; also the package folder
    parent: str | None  # name of the entity this one belongs to

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
    def is_tree(self) -> bool:
        return self.parent == self.name

    @property
    def read_model(self) -> str:
        """The response model of a single read: with the parent embedded when there is one."""
        if self.parent is None:
            return f"{self.class_name}Public"
        return f"{self.class_name}PublicWith{pascal(self.parent_attr)}"

    @property
    def parent_attr(self) -> str:
        """The relationship attribute to the parent: `team`, or `parent` in a tree."""
        return "parent" if self.is_tree else str(self.parent)


@dataclass(frozen=True)
class Link:
    """A many-to-many pair, stored in a link table with a composite primary key."""

    left: Entity
    right: Entity

    @property
    def class_name(self) -> str:
        return f"{self.left.class_name}{self.right.class_name}Link"

    @property
    def table(self) -> str:
        return f"{self.left.name}_{self.right.name}_link"


@dataclass(frozen=True)
class Plan:
    """The parsed domain, in the order the user listed it."""

    entities: tuple[Entity, ...]
    links: tuple[Link, ...]

    def entity(self, name: str) -> Entity:
        return next(e for e in self.entities if e.name == name)

    def parent_of(self, entity: Entity) -> Entity | None:
        return self.entity(entity.parent) if entity.parent else None

    def children_of(self, entity: Entity) -> tuple[Entity, ...]:
        """Other entities that belong to this one (a tree's own children are not listed)."""
        return tuple(e for e in self.entities if e.parent == entity.name and not e.is_tree)

    def links_of(self, entity: Entity) -> tuple[tuple[Link, Entity], ...]:
        """Each link this entity takes part in, with the entity on the other side."""
        pairs = []
        for link in self.links:
            if link.left == entity:
                pairs.append((link, link.right))
            elif link.right == entity:
                pairs.append((link, link.left))
        return tuple(pairs)

    @cached_property
    def in_dependency_order(self) -> tuple[Entity, ...]:
        """Parents before children, otherwise as listed (tables are created in this order)."""
        ordered: list[Entity] = []
        pending = list(self.entities)
        while pending:
            for entity in pending:
                parent = self.parent_of(entity)
                if parent is None or parent == entity or parent in ordered:
                    ordered.append(entity)
                    pending.remove(entity)
                    break
        return tuple(ordered)


def parse(entities: str, many_to_many: str = "") -> Plan:
    """Parse both answers, or raise AnswerError naming the first problem."""
    parsed = tuple(_parse_entity(part) for part in _split(entities, "entities"))
    if not parsed:
        raise AnswerError("entities is empty: name at least one entity, for example 'team, hero:team'")
    _check_unique(parsed)
    _check_parents(parsed)
    by_name = {e.name: e for e in parsed}
    links = tuple(_parse_pair(part, by_name) for part in _split(many_to_many, "many_to_many"))
    _check_links(links, parsed)
    return Plan(parsed, links)


def _split(answer: str, key: str) -> list[str]:
    if not isinstance(answer, str):
        raise AnswerError(f"{key} must be text like 'team, hero:team', not {answer!r}")
    parts = [part.strip() for part in answer.split(",")]
    if parts == [""]:
        return []
    if "" in parts:
        raise AnswerError(f"{key} {answer!r} has an empty item: remove the extra comma")
    return parts


def _parse_entity(text: str) -> Entity:
    match = _ENTITY.match(text)
    if not match:
        raise AnswerError(
            f"entity {text!r} is not of the form name, name(plural) or name:parent; for example 'person(people):team'"
        )
    name = _name(match["name"], f"entity {text!r}")
    plural = _name(match["plural"], f"plural in {text!r}") if match["plural"] is not None else pluralize(name)
    parent = _name(match["parent"], f"parent in {text!r}") if match["parent"] is not None else None
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
    return Entity(name, plural, parent)


def _name(raw: str, where: str) -> str:
    name = normalise(raw)
    if not raw.strip():
        raise AnswerError(f"{where} has an empty name: write a name such as 'hero'")
    if not SNAKE_NAME.fullmatch(name):
        raise AnswerError(
            f"{where}: {raw.strip()!r} is not a valid name; use letters, digits, spaces, '-' or '_', starting with a letter"
        )
    if len(name) > MAX_NAME_LENGTH:
        raise AnswerError(f"{where}: {name!r} is longer than {MAX_NAME_LENGTH} characters; choose a shorter name")
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise AnswerError(f"{where}: {name!r} is a Python keyword; choose another name, for example '{name}_item'")
    return name


def _check_unique(entities: tuple[Entity, ...]) -> None:
    seen: dict[str, Entity] = {}
    for entity in entities:
        for word in (entity.name, entity.plural):
            other = seen.get(word)
            if other is None:
                continue
            if other.name == entity.name:
                raise AnswerError(f"entity {entity.name!r} is listed twice: keep one")
            raise AnswerError(
                f"entities {other.name!r} and {entity.name!r} clash on the name {word!r}; "
                "rename one or give an explicit plural such as 'person(people)'"
            )
        seen[entity.name] = entity
        seen[entity.plural] = entity


def _check_parents(entities: tuple[Entity, ...]) -> None:
    parents = {e.name: e.parent for e in entities}
    for entity in entities:
        if entity.parent is not None and entity.parent not in parents:
            raise AnswerError(
                f"entity {entity.name!r} belongs to {entity.parent!r}, which is not in the list; "
                f"add {entity.parent!r} to entities or remove ':{entity.parent}'"
            )
    for entity in entities:
        path = [entity.name]
        current = entity.parent
        while current is not None and current != path[-1]:
            if current in path:
                cycle = " -> ".join([*path[path.index(current) :], current])
                raise AnswerError(
                    f"entities form a cycle ({cycle}); only self-reference like 'category:category' is allowed"
                )
            path.append(current)
            current = parents[current]


def _parse_pair(text: str, by_name: dict[str, Entity]) -> Link:
    sides = [side.strip() for side in text.split("+")]
    if len(sides) != 2 or not all(sides):
        raise AnswerError(f"many_to_many pair {text!r} is not of the form 'hero+power'")
    names = [normalise(side) for side in sides]
    for side, name in zip(sides, names, strict=True):
        if name not in by_name:
            raise AnswerError(
                f"many_to_many pair {text!r} names {side!r}, which is not in entities; add it to entities or fix the pair"
            )
    if names[0] == names[1]:
        raise AnswerError(f"many_to_many pair {text!r} links an entity to itself; name two different entities")
    return Link(by_name[names[0]], by_name[names[1]])


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
        if link.left.parent == link.right.name or link.right.parent == link.left.name:
            raise AnswerError(
                f"many_to_many pair {link.left.name}+{link.right.name} repeats a belongs-to relation "
                "between the same entities; keep one of the two"
            )
