"""A generator of random valid domains over the whole grammar (SPEC section 6), crossed with options.

`example(seed)` is one project's answers: entities, many_to_many, the options and a project
name. Every choice comes from `random.Random(seed)`, so a seed names its example for good and a
failure is reproduced by its cookiecutter command (`reproduce`). The generator writes what a user
could type: names in any of the accepted spellings, several separators, quoted defaults holding
separators, and then checks the result with the template's own parser; a draw the parser refuses
is drawn again, and the tests count those (the generator should rarely make one). With auth=users
fields reference the built-in user (`reviewer: user?`) and entities are sometimes owned
(`author: user owner`); with auth=none, `user` may be an entity of the domain.
"""

import random
import shlex
from dataclasses import dataclass
from typing import Any

from sqlmodel_scaffold.entities import AnswerError, parse

# Entity names: plain, SQL reserved words, irregular plurals, multi-word ones, the longest allowed.
ENTITY_NAMES = [
    "author", "book", "user", "order", "group", "select", "table", "person", "child", "box", "category",
    "leaf", "hero", "photo", "address", "status", "blog post", "line item", "purchase order",
    "warehouse location", "abcdefghijklmnopqrt", "supercalifragilisti",
    "analysis", "company", "mouse", "shelf", "quiz", "tag",
]  # fmt: skip
# Names that need an explicit plural (or that a user would give one anyway).
EXPLICIT_PLURALS = {
    "zyxwvutsrqponmlkjihg": "zyxwvutsrqponmlkjihs",
    "sheep": "sheep_flock",
    "fish": "fishes",
    "data point": "data points",
    "series": "series_list",
}
# Field names: plain, SQL reserved words, long ones, and words that sort before or after the
# generated modules' own names.
FIELD_NAMES = [
    "name", "title", "code", "label", "note", "order", "group", "user", "select", "value", "amount", "price",
    "count_of_things", "starts_on", "ends_at", "rating", "weight", "active", "flag", "token", "payload", "email",
    "homepage", "kind", "level", "position", "a", "zz", "x1", "description_of_the_thing_here",
    "abcdefghijklmnopqrstuvwxyzabcd", "unit_price", "quantity", "from_site", "to_site", "table", "column",
]  # fmt: skip
SCALAR_TYPES = ["str", "text", "int", "bigint", "float", "decimal", "bool", "date", "datetime", "uuid", "json",
                "email", "url", "enum"]  # fmt: skip
ENUM_WORDS = ["draft", "live", "archived", "a", "b", "in_print", "out_of_print", "x1", "pending", "done", "zeta"]
PROJECT_NAMES = ["Api", "Clinic Service", "Shop", "Zoo Keeper", "Aaa", "Library Desk", "Fuzz Service"]
OPTIONS: dict[str, tuple[Any, ...]] = {
    "database": ("postgresql", "sqlite"),
    "primary_key": ("int", "uuid"),
    "pagination": ("offset", "cursor"),
    "soft_delete": (False, True),
    "auth": ("users", "none"),
}
# Names of the field that says whose row it is, in an owned entity.
OWNER_NAMES = ["owner", "author", "created_by", "user", "assignee"]


@dataclass(frozen=True)
class Example:
    seed: int
    answers: dict[str, Any]
    redraws: int  # draws the parser refused before this one

    @property
    def id(self) -> str:
        options = self.answers
        soft = "soft" if options["soft_delete"] else "hard"
        return (
            f"fuzz{self.seed}-{options['database']}-{options['primary_key']}-{options['pagination']}-{soft}"
            f"-{options['auth']}"
        )


def example(seed: int) -> Example:
    rng = random.Random(seed)
    for redraws in range(100):
        # The domain depends on auth: drawn first, the other options after it.
        auth = rng.choice(OPTIONS["auth"])
        entities, pairs = _domain(rng, auth == "users")
        try:
            # With auth=users the draw holds no entity `user` (the parser refuses one).
            parse(entities, pairs, auth)
        except AnswerError:
            continue
        answers = {
            "project_name": rng.choice(PROJECT_NAMES),
            "entities": entities,
            "many_to_many": pairs,
            **{key: rng.choice(values) for key, values in OPTIONS.items() if key != "auth"},
            "auth": auth,
        }
        return Example(seed, answers, redraws)
    raise AssertionError(f"seed {seed}: 100 draws in a row were refused by the parser")


def reproduce(answers: dict[str, Any], cookiecutter: str = "cookiecutter") -> str:
    """The one command, run from the template checkout, that generates this example; the hook
    then runs its linters and tests, and keeps the project when they fail."""
    pairs = [f"{key}={str(value).lower() if isinstance(value, bool) else value}" for key, value in answers.items()]
    options = ["--no-input", "--keep-project-on-failure", "--output-dir", "/tmp/fuzz"]
    return shlex.join([cookiecutter, *options, ".", *pairs])


# --- the domain ---------------------------------------------------------------------------


def _entity_names(users: bool) -> list[str]:
    """With auth=users the project has its user built in, and no entity may be one."""
    return [name for name in ENTITY_NAMES + list(EXPLICIT_PLURALS) if not (users and name == "user")]


def _domain(rng: random.Random, users: bool) -> tuple[str, str]:
    count = rng.choice([1, 2, 2, 3, 3, 4, 5])
    names = rng.sample(_entity_names(users), count)
    texts: list[str] = []
    owned: set[str] = set()
    for position, name in enumerate(names):
        text, is_owned = _entity(rng, name, names[:position], users, owned)
        texts.append(text)
        if is_owned:
            owned.add(name)
    separator = rng.choice(["; ", ", ", "\n", ";\n"])
    entities = separator.join(texts)
    pairs = _pairs(rng, names)
    return entities, pairs


def _spelling(rng: random.Random, name: str) -> str:
    """`blog post` as a user may type it: `Blog Post`, `blog-post`, `BlogPost` or `blog_post`."""
    words = name.split()
    return rng.choice(
        [
            " ".join(w.capitalize() for w in words),
            "-".join(words),
            "".join(w.capitalize() for w in words),
            "_".join(words),
        ]
    )


def _entity(
    rng: random.Random, name: str, earlier: list[str], users: bool = False, owned: set[str] | None = None
) -> tuple[str, bool]:
    """The entity's text, and whether it is owned. A shared entity references shared ones only
    (the parser refuses one that would embed other users' rows)."""
    shared_earlier = [e for e in earlier if e not in (owned or set())]
    head = _spelling(rng, name)
    if name in EXPLICIT_PLURALS:
        head += f"({EXPLICIT_PLURALS[name]})"
    elif rng.random() < 0.1 and len(name) <= 14:
        head += f"({name.replace(' ', '_')}_items)"
    shape = rng.random()
    if shape < 0.12:  # default fields, maybe with a parent given by ':'
        parents = [*shared_earlier, name]
        if rng.random() < 0.5:
            head += ":" + _spelling(rng, rng.choice(parents))
        return head, False
    is_owned = users and rng.random() < 0.4
    fields = _fields(rng, name, earlier if is_owned else shared_earlier, users, is_owned)
    body = ", ".join(fields)
    if rng.random() < 0.2:
        body += ","
    return (f"{head} {{ {body} }}" if rng.random() < 0.8 else f"{head} {{{body}}}"), is_owned


def _fields(rng: random.Random, owner: str, earlier: list[str], users: bool = False, owned: bool = False) -> list[str]:
    names = rng.sample(FIELD_NAMES, rng.randint(1, 7))
    items: list[str] = []
    declared: list[str] = []
    references_to: dict[str, int] = {}
    if owned:  # one field says whose row it is
        fname = rng.choice([n for n in OWNER_NAMES if n not in names])
        items.append(f"{fname}: {rng.choice(['user', 'User'])} owner")
        declared.append(fname)
    for fname in names:
        kind = rng.random()
        if users and kind > 0.94:  # a user who is no owner: a plain reference to the built-in user
            items.append(f"{fname}: user{rng.choice(['', '?', '?'])}")
        elif kind < 0.22 and earlier:
            target = rng.choice(earlier)
            references_to[target] = references_to.get(target, 0) + 1
            items.append(_reference(rng, fname, target, self_reference=False))
        elif kind < 0.27 and "parent" not in declared:
            fname = "parent"
            items.append(_reference(rng, fname, owner, self_reference=True))
        else:
            items.append(_scalar(rng, fname, link=False))
        declared.append(fname)
    if len(declared) >= 2 and rng.random() < 0.25:
        group = rng.sample(declared, 2)
        items.append(f"unique({', '.join(group)})")  # over the owner too: it holds per owner
    return items


def _reference(rng: random.Random, fname: str, target: str, self_reference: bool) -> str:
    # A type is one word: `BlogPost` or `blog_post`, not `Blog Post`.
    text = f"{fname}: {_spelling(rng, target).replace(' ', '')}"
    optional = self_reference or rng.random() < 0.5
    if optional:
        text += "?"
    if rng.random() < 0.2:
        text += " cascade"
    return text


def _scalar(rng: random.Random, fname: str, link: bool) -> str:
    kind = rng.choice(SCALAR_TYPES)
    text, words = _type(rng, kind)
    optional = rng.random() < 0.4
    text = f"{fname}: {text}{'?' if optional else ''}"
    modifiers: list[str] = []
    low, high = _bounds(rng, kind, text)
    if low is not None:
        modifiers.append(f">= {low}")
    if high is not None:
        modifiers.append(f"<= {high}")
    default = _default(rng, kind, text, words, low, high) if rng.random() < 0.35 else None
    if default is not None:
        modifiers.append(f"= {default}")
    if not link:
        roll = rng.random()
        if roll < 0.15 and default is None and kind not in ("json", "bool", "enum"):
            modifiers.append("unique")
        elif roll < 0.3 and kind not in ("json",):
            modifiers.append("index")
        if rng.random() < 0.08:
            modifiers.append("hidden")
    rng.shuffle(modifiers)
    return " ".join([text, *modifiers])


def _type(rng: random.Random, kind: str) -> tuple[str, list[str]]:
    if kind == "str":
        choice = rng.random()
        if choice < 0.3:
            return "str", []
        length = rng.choice([1, 2, 8, 20, 100, 255, 1000, 2000])
        return f"str({length})", []
    if kind == "decimal":
        precision = rng.randint(1, 20)
        scale = rng.randint(0, precision)
        return f"decimal({precision},{scale})", []
    if kind == "enum":
        words = rng.sample(ENUM_WORDS, rng.randint(1, 4))
        return f"enum({'|'.join(words)})", words
    return kind, []


def _precision_scale(text: str) -> tuple[int, int]:
    inside = text[text.index("decimal(") + len("decimal(") :].split(")")[0]
    precision, scale = (int(part) for part in inside.split(","))
    return precision, scale


def _str_length(text: str) -> int:
    if "str(" not in text:
        return 255
    return int(text[text.index("str(") + 4 :].split(")")[0])


def _bounds(rng: random.Random, kind: str, text: str) -> tuple[Any, Any]:
    if kind not in ("int", "bigint", "float", "decimal") or rng.random() < 0.5:
        return None, None
    if kind == "decimal":
        precision, scale = _precision_scale(text)
        top = 10 ** (precision - scale) - 1
        low = rng.choice([None, 0, 0, -top]) if top > 0 else rng.choice([None, 0])
        high = rng.choice([None, top]) if top > 0 else None
        return low, high
    if kind == "float":
        return rng.choice([None, 0, 0.5, -10]), rng.choice([None, 5, 100.25])
    low = rng.choice([None, 0, 1, -5, 18])
    high = rng.choice([None, 100, 1000, 2**31 - 1 if kind == "int" else 2**40])
    return low, high


def _default(rng: random.Random, kind: str, text: str, words: list[str], low: Any, high: Any) -> str | None:
    if kind in ("int", "bigint"):
        value = low if low is not None else (high if high is not None else rng.choice([0, 7, -3]))
        return str(value)
    if kind == "float":
        value = low if low is not None else rng.choice([0, 1.5, 2])
        return str(value)
    if kind == "decimal":
        precision, scale = _precision_scale(text)
        # Fewer places than the scale, or none at all.
        candidates = ["0"]
        if precision - scale >= 1:
            candidates += ["1", "9"]
        if scale >= 1:
            candidates.append("0.5")
        if low is not None:
            candidates = [c for c in candidates if float(c) >= low]
        return rng.choice(candidates) if candidates else None
    if kind == "bool":
        return rng.choice(["true", "false"])
    if kind == "enum":
        return rng.choice(words)
    if kind in ("str", "text"):
        length = _str_length(text) if kind == "str" else 1000
        value = rng.choice(["a", "n/a", "none yet", "x, y; z", "it's", 'say "hi"', "ünïcode"])
        value = value[:length]
        if "'" in value:
            return f'"{value}"'
        if '"' in value:
            return f"'{value}'"
        return rng.choice([f'"{value}"', f"'{value}'"])
    return None


def _pairs(rng: random.Random, names: list[str]) -> str:
    if len(names) < 2 or rng.random() < 0.4:
        return ""
    candidates = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    chosen = rng.sample(candidates, min(len(candidates), rng.randint(1, 2)))
    texts = []
    for left, right in chosen:
        text = f"{_spelling(rng, left)}+{_spelling(rng, right)}"
        if rng.random() < 0.6:
            fnames = rng.sample([n for n in FIELD_NAMES if n not in ("created_at",)], rng.randint(1, 3))
            text += " { " + ", ".join(_scalar(rng, fname, link=True) for fname in fnames) + " }"
        texts.append(text)
    return rng.choice(["; ", ", ", "\n"]).join(texts)


# --- pairs: a domain and a random edit of it (sync) ------------------------------------------


@dataclass(frozen=True)
class Edit:
    """A domain (before), an edit of it (after), and the choices `sync` needs for it."""

    seed: int
    before: dict[str, Any]
    after: dict[str, Any]
    kinds: tuple[str, ...]  # what the edit did, for the test's id and the figures
    renames: tuple[str, ...]  # --rename ENTITY.FIELD=NEW
    backfills: tuple[str, ...]  # --backfill ENTITY.FIELD=VALUE
    allow_drop: bool

    @property
    def arguments(self) -> list[str]:
        args = [f"--rename={r}" for r in self.renames] + [f"--backfill={b}" for b in self.backfills]
        return args + (["--allow-drop"] if self.allow_drop else [])


EDIT_KINDS = ("add field", "drop field", "rename field", "optional", "str length", "enum words", "bounds",
              "unique", "index", "retype", "add entity", "drop entity", "option", "link")  # fmt: skip
RETYPES = ["str(50)", "text", "int", "bigint", "float", "decimal(10,2)", "bool", "date", "datetime", "uuid"]
# A value every simple type accepts within any bounds the fuzzer draws (bounds are checked).
BACKFILLS = {"str": "x", "text": "x", "bool": "true", "date": "2024-01-02", "email": "a@example.com",
             "url": "https://example.com", "uuid": "00000000-0000-4000-8000-000000000000"}  # fmt: skip


def edit(seed: int, steps: int = 2) -> Edit:
    """A random domain, and `steps` random edits of it that the parser accepts."""
    start = example(seed)
    rng = random.Random(seed * 7919 + 1)
    for _ in range(200):
        result = _try_edit(rng, start, steps)
        if result is not None:
            return result
    raise AssertionError(f"seed {seed}: no edit of this domain was accepted in 200 draws")


def _try_edit(rng: random.Random, start: Example, steps: int) -> Edit | None:
    from sqlmodel_scaffold.naming import normalise
    from sqlmodel_scaffold.splitting import split_top_level

    entities = split_top_level(start.answers["entities"], "entities")
    pairs = start.answers["many_to_many"]
    options = {k: start.answers[k] for k in ("database", "pagination", "soft_delete", "auth")}
    kinds: list[str] = []
    renames: list[str] = []
    backfills: list[str] = []
    allow_drop = False
    for _ in range(steps):
        kind = rng.choice(EDIT_KINDS)
        declared = [i for i, text in enumerate(entities) if "{" in text]
        if kind == "add entity":
            names = [normalise(_head(t).split("(")[0].split(":")[0]) for t in entities]
            users = start.answers["auth"] == "users"
            fresh = [n for n in _entity_names(users) if normalise(n) not in names]
            # Drawn as if every entity were shared; one that references an owned one is refused, and redrawn.
            entities.append(_entity(rng, rng.choice(fresh), [n.replace("_", " ") for n in names], users)[0])
        elif kind == "drop entity":
            if len(entities) < 2:
                return None
            entities.pop(rng.randrange(len(entities)))
            allow_drop = True
        elif kind == "option":
            key = rng.choice(list(options))
            options[key] = rng.choice([v for v in OPTIONS[key] if v != options[key]])
        elif kind == "link":
            names = [normalise(_head(t).split("(")[0].split(":")[0]) for t in entities]
            pairs = _edit_pairs(rng, pairs, names)
        else:
            if not declared:
                return None
            index = rng.choice(declared)
            changed = _edit_fields(rng, entities[index], kind, renames, backfills)
            if changed is None:
                return None
            entities[index] = changed
            allow_drop = allow_drop or kind == "drop field"
        kinds.append(kind)
    after_entities = "; ".join(entities)
    auth = options["auth"]  # switched off, a domain that references the user is refused, and redrawn
    try:
        plan = parse(after_entities, pairs, auth)
    except AnswerError:
        try:  # a pair whose side went: drop the pairs
            pairs = ""
            plan = parse(after_entities, pairs, auth)
        except AnswerError:
            return None
    before_plan = parse(start.answers["entities"], start.answers["many_to_many"], start.answers["auth"])
    for choice in renames + backfills:  # a later step may have dropped or renamed what it names
        entity, field = choice.split("=")[0].split(".")
        new_name = choice.split("=")[1]
        before_names = {e.name for e in before_plan.entities}
        after_fields = {(e.name, f.name) for e in plan.entities for f in e.fields}
        wanted = new_name if choice in renames else field
        if entity not in before_names or (entity, wanted) not in after_fields:
            return None
    # A later step may have made a backfilled field optional, or given it a default: sync refuses
    # a backfill it does not need.
    backfills = [b for b in backfills if _needs_backfill(b, before_plan, plan)]
    if plan == before_plan and options == {k: start.answers[k] for k in options}:
        return None
    if (
        pairs != start.answers["many_to_many"]
        or (start.answers["soft_delete"] and not options["soft_delete"])
        or options["auth"] != start.answers["auth"] == "users"
    ):
        allow_drop = True  # a link table goes, deleted_at (and which rows were deleted) does, or the users do
    after = {**start.answers, "entities": after_entities, "many_to_many": pairs, **options}
    return Edit(start.seed, start.answers, after, tuple(kinds), tuple(renames), tuple(backfills), allow_drop)


def _edit_pairs(rng: random.Random, pairs: str, names: list[str]) -> str:
    """A pair's link field added or dropped, a pair removed, or a pair added."""
    from sqlmodel_scaffold.naming import normalise
    from sqlmodel_scaffold.splitting import split_top_level

    items = split_top_level(pairs, "many_to_many") if pairs.strip() else []
    roll = rng.random()
    if items and roll < 0.6:
        index = rng.randrange(len(items))
        head, _, body = items[index].partition("{")
        fields = split_top_level(body.rstrip().rstrip("}"), "fields") if body.strip() else []
        if fields and rng.random() < 0.5:
            fields.pop(rng.randrange(len(fields)))
        else:
            taken = {f.split(":")[0].strip() for f in fields}
            fname = rng.choice([n for n in FIELD_NAMES if n not in taken and n not in ("created_at", "parent")])
            item = _scalar(rng, fname, link=True)
            type_word = item.split(":", 1)[1].split()[0]
            if not type_word.endswith("?") and "= " not in item:  # a link table's rows need a value
                item = item.replace(type_word, type_word + "?", 1)
            fields.append(item)
        items[index] = head.strip() + (" { " + ", ".join(fields) + " }" if fields else "")
    elif items and roll < 0.8:
        items.pop(rng.randrange(len(items)))
    else:
        paired = {tuple(sorted(normalise(side.strip()) for side in _head(item).split("+"))) for item in items}
        free = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :] if tuple(sorted((a, b))) not in paired]
        if not free:
            return pairs
        items.append("+".join(rng.choice(free)))
    return "; ".join(items)


def _needs_backfill(choice: str, before: Any, after: Any) -> bool:
    """Whether the field `--backfill ENTITY.FIELD=VALUE` names is required now and was not before."""
    entity, name = choice.split("=")[0].split(".")
    was = next((f for f in before.entity(entity).fields if f.name == name), None)
    return bool(after.entity(entity).field(name).required and (was is None or not was.required))


def _head(entity: str) -> str:
    return entity.split("{")[0].strip()


def _edit_fields(rng: random.Random, entity: str, kind: str, renames: list[str], backfills: list[str]) -> str | None:
    from sqlmodel_scaffold.naming import normalise
    from sqlmodel_scaffold.splitting import split_top_level

    head, body = entity.split("{", 1)
    items = split_top_level(body.rstrip().rstrip("}"), "fields")
    owner = normalise(head.strip().split("(")[0])
    fields = [i for i, item in enumerate(items) if not item.startswith("unique(")]
    names = [items[i].split(":")[0].strip() for i in fields]
    scalars = [i for i in fields if items[i].split(":")[1].split()[0].rstrip("?").split("(")[0] in SCALAR_TYPES]
    if kind == "add field":
        fname = rng.choice([n for n in FIELD_NAMES if n not in names and n != "parent"])
        item = _scalar(rng, fname, link=False)
        spec = item.split(":", 1)[1].split()
        type_word = spec[0].rstrip("?")
        if not spec[0].endswith("?") and not any(m.startswith("=") for m in spec):
            base = type_word.split("(")[0]
            if base in BACKFILLS and "unique" not in spec:
                value = BACKFILLS[base]
                if base == "str" and "(" in type_word and int(type_word[4:-1]) < len(value):
                    return None
                backfills.append(f"{owner}.{fname}={value}")
            else:
                item = item.replace(type_word, type_word + "?", 1)
        items.append(item)
    elif kind == "drop field":
        if len(fields) < 2:
            return None
        victim = rng.choice(fields)
        gone = names[fields.index(victim)]
        items = [
            item for i, item in enumerate(items) if i != victim and not (item.startswith("unique(") and gone in item)
        ]
    elif kind == "rename field":
        if not scalars:
            return None
        i = rng.choice(scalars)
        old = items[i].split(":")[0].strip()
        new = rng.choice([n for n in FIELD_NAMES if n not in names and n != "parent"])
        items[i] = new + items[i][len(old) :]
        items = [
            item.replace(f"({old},", f"({new},").replace(f" {old})", f" {new})") if item.startswith("unique(") else item
            for item in items
        ]
        renames.append(f"{owner}.{old}={new}")
    else:
        if not scalars:
            return None
        i = rng.choice(scalars)
        name, spec = items[i].split(":", 1)
        words = spec.split()
        type_word = words[0]
        if kind == "optional":
            if type_word.endswith("?"):
                words[0] = type_word[:-1]
                base = type_word.split("(")[0].rstrip("?")
                length = int(type_word[4:-2]) if type_word.startswith("str(") else None
                fits = base in BACKFILLS and (length is None or length >= len(BACKFILLS[base]))
                if fits and "unique" not in words and not any(w.startswith("=") for w in words) and rng.random() < 0.5:
                    backfills.append(f"{owner}.{name.strip()}={BACKFILLS[base]}")
            else:
                words[0] = type_word + "?"
        elif kind == "str length" and type_word.startswith("str"):
            words[0] = f"str({rng.choice([10, 40, 300])})" + ("?" if type_word.endswith("?") else "")
        elif kind == "enum words" and type_word.startswith("enum("):
            current = type_word[5:].split(")")[0].split("|")
            pool = [w for w in ENUM_WORDS if w not in current]
            chosen = current[:-1] if len(current) > 1 and rng.random() < 0.5 else [*current, rng.choice(pool)]
            words[0] = "enum(" + "|".join(chosen) + ")" + ("?" if type_word.endswith("?") else "")
        elif kind == "bounds" and type_word.rstrip("?") in ("int", "bigint"):
            words = [w for w in words if not w.startswith(("<=", ">="))]
            spec_text = " ".join(words).replace(">= ", ">=").replace("<= ", "<=")
            words = [w for w in spec_text.split() if not w.startswith((">=", "<="))] + [f">= {rng.choice([0, 1, -10])}"]
        elif kind == "retype":
            new_type = rng.choice([t for t in RETYPES if t != type_word.rstrip("?")])
            kept = [w for w in words[1:] if w in ("index", "hidden") or (w == "unique" and new_type != "bool")]
            words = [new_type + ("?" if type_word.endswith("?") else ""), *kept]
        elif kind == "unique":
            words = [w for w in words if w != "unique"] if "unique" in words else [*words, "unique"]
        elif kind == "index":
            words = [w for w in words if w != "index"] if "index" in words else [*words, "index"]
        else:
            return None
        items[i] = f"{name}: {' '.join(words)}"
    return f"{head.rstrip()} {{ {', '.join(items)} }}"
