"""The domain language of SPEC section 3: fields, types, modifiers, references, links, and every refusal."""

from decimal import Decimal
from typing import Any

import pytest

from sqlmodel_scaffold.entities import Entity, Plan, parse
from sqlmodel_scaffold.errors import AnswerError
from sqlmodel_scaffold.fields import Field

LIBRARY = """author { name: str(120), born_on: date? };
book { title: str(200), isbn: str(17) unique, author: author, price: decimal(8,2)? >= 0,
       status: enum(draft|in_print|out_of_print) = draft, pages: int? >= 1 };
member { email: email unique, full_name: str(120), notes: text? hidden };
loan { member: member, book: book, due_on: date, returned_at: datetime?, unique(member, book) };
genre:genre"""
LIBRARY_LINKS = "book+genre { main: bool = false }"


def field(plan: Plan, dotted: str) -> Field:
    """`book.price` in a parsed plan."""
    entity, name = dotted.split(".")
    return plan.entity(entity).field(name)


def only_entity(entities: str) -> Entity:
    (entity,) = parse(entities).entities
    return entity


def summary(f: Field) -> dict[str, Any]:
    """The attributes the templates read, without the ones that are unset."""
    keys = ("type", "optional", "length", "precision", "scale", "words", "target")
    keys += ("unique", "index", "hidden", "cascade", "has_default", "default", "minimum", "maximum")
    found = {}
    for key in keys:
        value = getattr(f, key)
        if key in ("type", "optional") or not (value is None or value is False or value == ()):
            found[key] = value
    return found


# --- the grammar ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entities",
    [
        "author { name: str(120) }; book { title: str(200), author: author }",
        "author { name: str(120) }, book { title: str(200), author: author }",
        "author { name: str(120) }\nbook { title: str(200), author: author }",
        "author { name: str(120) };\nbook { title: str(200), author: author };",
        "author {\n  name: str(120),\n}\nbook {\n  title: str(200),\n  author: author\n};\n",
        "\n  author { name: str(120) };  \n\n  book { title: str(200), author: author }  \n",
    ],
    ids=["semicolons", "commas", "newlines", "trailing-semicolon", "one-field-a-line", "blank-lines"],
)
def test_one_line_and_many_lines_mean_the_same(entities: str) -> None:
    plan = parse(entities)
    assert [e.name for e in plan.entities] == ["author", "book"]
    assert [f.name for f in plan.entity("author").fields] == ["name"]
    assert [(f.name, f.type, f.target) for f in plan.entity("book").fields] == [
        ("title", "str", None),
        ("author", "ref", "author"),
    ]


def test_the_library_example_parses_into_its_fields() -> None:
    plan = parse(LIBRARY, LIBRARY_LINKS)
    assert [e.name for e in plan.entities] == ["author", "book", "member", "loan", "genre"]
    expected: dict[str, dict[str, dict[str, Any]]] = {
        "author": {
            "name": {"type": "str", "optional": False, "length": 120},
            "born_on": {"type": "date", "optional": True},
        },
        "book": {
            "title": {"type": "str", "optional": False, "length": 200},
            "isbn": {"type": "str", "optional": False, "length": 17, "unique": True},
            "author": {"type": "ref", "optional": False, "target": "author"},
            "price": {"type": "decimal", "optional": True, "precision": 8, "scale": 2, "minimum": 0},
            "status": {
                "type": "enum",
                "optional": False,
                "words": ("draft", "in_print", "out_of_print"),
                "has_default": True,
                "default": "draft",
            },
            "pages": {"type": "int", "optional": True, "minimum": 1},
        },
        "member": {
            "email": {"type": "email", "optional": False, "unique": True},
            "full_name": {"type": "str", "optional": False, "length": 120},
            "notes": {"type": "text", "optional": True, "hidden": True},
        },
        "loan": {
            "member": {"type": "ref", "optional": False, "target": "member"},
            "book": {"type": "ref", "optional": False, "target": "book"},
            "due_on": {"type": "date", "optional": False},
            "returned_at": {"type": "datetime", "optional": True},
        },
    }
    for name, fields in expected.items():
        entity = plan.entity(name)
        assert entity.declared
        assert [f.name for f in entity.fields] == list(fields), name
        for f in entity.fields:
            assert f.owner == name
            assert summary(f) == fields[f.name], f"{name}.{f.name}"
    loan = plan.entity("loan")
    assert loan.composite_uniques == (("member", "book"),)
    assert loan.unique_groups == (("member_id", "book_id"),)
    assert plan.entity("book").unique_groups == (("isbn",),)
    assert plan.entity("member").unique_groups == (("email",),)

    genre = plan.entity("genre")
    assert not genre.declared
    assert [f.name for f in genre.fields] == ["name", "description", "attributes", "parent"]
    parent = genre.field("parent")
    assert (parent.target, parent.optional, parent.cascade, parent.ondelete) == ("genre", True, True, "CASCADE")
    assert genre.is_tree and genre.tree_field == parent

    (link,) = plan.links
    assert (link.left.name, link.right.name, link.table, link.class_name) == (
        "book",
        "genre",
        "book_genre_link",
        "BookGenreLink",
    )
    (main,) = link.fields
    assert (main.owner, main.name, main.type, main.optional, main.required) == (
        "book_genre_link",
        "main",
        "bool",
        False,
        False,
    )
    assert main.has_default and main.default is False


def test_entities_without_braces_keep_name_description_and_attributes() -> None:
    plan = parse("team, hero:team")
    for entity in plan.entities:
        assert not entity.declared
        name, description, attributes = entity.fields[:3]
        assert (name.name, name.type, name.optional, name.unique, name.required) == ("name", "str", False, True, True)
        assert (description.name, description.type, description.optional) == ("description", "str", True)
        assert (attributes.name, attributes.type, attributes.required) == ("attributes", "object", False)
        assert entity.unique_groups == (("name",),)
        assert entity.sort_keys == ("id", "name", "created_at", "updated_at")
    assert len(plan.entity("team").fields) == 3


def test_hero_colon_team_is_an_optional_reference_named_team() -> None:
    plan = parse("team, hero:team")
    ref = field(plan, "hero.team")
    assert summary(ref) == {"type": "ref", "optional": True, "target": "team"}
    assert (ref.column, ref.ondelete, ref.required) == ("team_id", "SET NULL", False)
    assert plan.entity("hero").references == (ref,)
    assert plan.entity("hero").read_model == "HeroPublicWithTeam"
    assert plan.children_of(plan.entity("team")) == ((plan.entity("hero"), ref),)


def test_the_shorthand_comes_first_among_declared_fields() -> None:
    plan = parse("team { name: str(100) unique }; hero:team { name: str(100) index, age: int? >= 0 }")
    assert [f.name for f in plan.entity("hero").fields] == ["team", "name", "age"]


def test_category_colon_category_is_a_parent_tree_whose_subtree_cascades() -> None:
    category = only_entity("category:category")
    parent = category.field("parent")
    assert summary(parent) == {"type": "ref", "optional": True, "target": "category", "cascade": True}
    assert (parent.column, parent.ondelete) == ("parent_id", "CASCADE")
    assert category.tree_field == parent
    assert category.read_model == "CategoryPublicWithParent"


def test_a_tree_declared_by_a_field_sets_null() -> None:
    plan = parse("region { name: str(100) unique, parent: region? }")
    region = plan.entity("region")
    parent = region.field("parent")
    assert (parent.target, parent.optional, parent.cascade, parent.ondelete) == ("region", True, False, "SET NULL")
    assert region.is_tree and region.tree_field == parent
    # A tree's reference to itself is not a child listing of another entity.
    assert plan.children_of(region) == ()
    assert plan.referrers_of(region) == ((region, parent),)


def test_a_tree_field_may_cascade() -> None:
    parent = only_entity("folder { name: str(100), parent: folder? cascade }").field("parent")
    assert parent.ondelete == "CASCADE"


def test_the_same_entity_referenced_twice() -> None:
    plan = parse("site { name: str(100) unique }; transfer { from_site: site, to_site: site?, note: text? }")
    site, transfer = plan.entities
    from_site, to_site = transfer.references
    assert (from_site.column, from_site.target, from_site.ondelete) == ("from_site_id", "site", "RESTRICT")
    assert (to_site.column, to_site.target, to_site.ondelete) == ("to_site_id", "site", "SET NULL")
    assert transfer.read_model == "TransferPublicWithFromSiteAndToSite"
    # Two references to the same entity: no unambiguous child listing.
    assert plan.children_of(site) == ()
    assert plan.referrers_of(site) == ((transfer, from_site), (transfer, to_site))


def test_several_references_and_their_ondelete() -> None:
    plan = parse("a { n: int }; b { n: int }; c { n: int }; d { x: a, y: b?, z: c cascade, w: c? cascade }")
    d = plan.entity("d")
    assert [(f.name, f.column, f.ondelete) for f in d.references] == [
        ("x", "x_id", "RESTRICT"),
        ("y", "y_id", "SET NULL"),
        ("z", "z_id", "CASCADE"),
        ("w", "w_id", "CASCADE"),
    ]
    assert plan.children_of(plan.entity("a")) == ((d, d.field("x")),)
    assert plan.children_of(plan.entity("b")) == ((d, d.field("y")),)
    assert plan.children_of(plan.entity("c")) == ()


def test_composite_unique_over_plain_fields_and_references() -> None:
    plan = parse(
        "member { email: email unique }; book { isbn: str(17) }; "
        "loan { member: member, book: book, due_on: date, code: str(10) unique, unique(Member, book, due_on) }"
    )
    loan = plan.entity("loan")
    assert loan.composite_uniques == (("member", "book", "due_on"),)
    assert loan.unique_groups == (("code",), ("member_id", "book_id", "due_on"))
    two = only_entity("slot { day: date, hour: int >= 0 <= 23, unique(day, hour), unique(hour, day) }")
    assert two.unique_groups == (("day", "hour"), ("hour", "day"))


@pytest.mark.parametrize(
    ("declaration", "expected"),
    [
        ("s: str", {"type": "str", "optional": False, "length": 255}),
        ("s: str(1)", {"type": "str", "optional": False, "length": 1}),
        ("s: str(10000)?", {"type": "str", "optional": True, "length": 10000}),
        ("s: text", {"type": "text", "optional": False}),
        ("s: int", {"type": "int", "optional": False}),
        ("s: bigint? index", {"type": "bigint", "optional": True, "index": True}),
        ("s: float", {"type": "float", "optional": False}),
        ("s: decimal(38, 0)", {"type": "decimal", "optional": False, "precision": 38, "scale": 0}),
        ("s: decimal(4,4)", {"type": "decimal", "optional": False, "precision": 4, "scale": 4}),
        ("s: bool", {"type": "bool", "optional": False}),
        ("s: date", {"type": "date", "optional": False}),
        ("s: datetime?", {"type": "datetime", "optional": True}),
        ("s: uuid unique", {"type": "uuid", "optional": False, "unique": True}),
        ("s: json?", {"type": "json", "optional": True}),
        ("s: email", {"type": "email", "optional": False}),
        ("s: url", {"type": "url", "optional": False}),
        ("s: enum(a)", {"type": "enum", "optional": False, "words": ("a",)}),
        ("s: enum( low | high_2 )", {"type": "enum", "optional": False, "words": ("low", "high_2")}),
        ("s: STR(20) UNIQUE", {"type": "str", "optional": False, "length": 20, "unique": True}),
        ("s: str(20) hidden", {"type": "str", "optional": False, "length": 20, "hidden": True}),
        ("s: str(20) unique index", {"type": "str", "optional": False, "length": 20, "unique": True, "index": True}),
        ("s: int >= -5 <= 5", {"type": "int", "optional": False, "minimum": -5, "maximum": 5}),
        ("s: float >= 0.5 <= 1.5", {"type": "float", "optional": False, "minimum": 0.5, "maximum": 1.5}),
        ("s: decimal(8,2) >= 0", {"type": "decimal", "optional": False, "precision": 8, "scale": 2, "minimum": 0}),
    ],
)
def test_types_and_modifiers(declaration: str, expected: dict[str, Any]) -> None:
    assert summary(only_entity(f"thing {{ {declaration} }}").field("s")) == expected


@pytest.mark.parametrize(
    ("declaration", "default"),
    [
        ("n: int = 3", 3),
        ("n: int = -3", -3),
        ("n: bigint = 9000000000", 9_000_000_000),
        ("n: int >= 1 <= 10 = 10", 10),
        ("n: float = 1.5", 1.5),
        ("n: float = 2", 2.0),
        ("n: decimal(8,2) = 1.50", "1.50"),
        ("n: decimal(8,2) >= 0 = 0", "0"),
        ("n: bool = true", True),
        ("n: bool = false", False),
        ("n: enum(draft|done) = done", "done"),
        ('n: str(20) = "a b"', "a b"),
        ('n: str(20) = "x = y <= z"', "x = y <= z"),
        ("n: str(20) = 'single'", "single"),
        ('n: text = "long"', "long"),
        ('n: str? = ""', ""),
        ("n: int? = 0", 0),
    ],
)
def test_defaults_become_python_values(declaration: str, default: Any) -> None:
    f = only_entity(f"thing {{ {declaration} }}").field("n")
    assert f.has_default and not f.required
    assert f.default == default
    assert type(f.default) is type(default)


def test_decimal_defaults_stay_exact_and_render_as_decimal() -> None:
    f = only_entity("thing { n: decimal(8,2) = 1.50 }").field("n")
    assert Decimal(f.default) == Decimal("1.50")
    assert f.default_literal == 'Decimal("1.50")'


def test_optional_and_required() -> None:
    thing = only_entity("thing { a: int, b: int?, c: int = 1, d: int? = 1 }")
    assert [(f.name, f.optional, f.required) for f in thing.fields] == [
        ("a", False, True),
        ("b", True, False),
        ("c", False, False),
        ("d", True, False),
    ]


def test_names_of_fields_normalise_and_sql_words_are_fine() -> None:
    thing = only_entity("thing { Full Name: str, order: int, select-from: int?, user: str(20) }")
    assert [f.name for f in thing.fields] == ["full_name", "order", "select_from", "user"]


# --- what the templates ask of fields --------------------------------------------------------------------


def test_column_is_the_name_or_the_reference_id() -> None:
    plan = parse(LIBRARY)
    assert field(plan, "book.title").column == "title"
    assert field(plan, "book.author").column == "author_id"
    assert field(plan, "genre.parent").column == "parent_id"


def test_ondelete_follows_optional_and_cascade() -> None:
    plan = parse("a { n: int }; b { r: a, o: a?, c: a cascade }")
    assert [f.ondelete for f in plan.entity("b").fields] == ["RESTRICT", "SET NULL", "CASCADE"]


def test_filters_by_type() -> None:
    plan = parse(LIBRARY)
    assert field(plan, "book.title").filters == [("title", "eq"), ("title__contains", "contains")]
    assert field(plan, "book.author").filters == [("author_id", "eq"), ("author_id__in", "in")]
    assert field(plan, "genre.parent").filters == [
        ("parent_id", "eq"),
        ("parent_id__isnull", "isnull"),
        ("parent_id__in", "in"),
    ]
    assert field(plan, "book.price").filters == [
        ("price", "eq"),
        ("price__gte", "gte"),
        ("price__lte", "lte"),
        ("price__isnull", "isnull"),
    ]
    assert field(plan, "book.status").filters == [("status", "eq"), ("status__in", "in")]
    assert field(plan, "author.born_on").filters == [
        ("born_on", "eq"),
        ("born_on__gte", "gte"),
        ("born_on__lte", "lte"),
        ("born_on__isnull", "isnull"),
        ("born_on__in", "in"),
    ]
    assert field(plan, "member.email").filters == [("email", "eq"), ("email__contains", "contains")]
    # Hidden fields and JSON are never filtered.
    assert field(plan, "member.notes").filters == []
    assert field(plan, "genre.attributes").filters == []
    assert only_entity("thing { j: json? }").field("j").filters == []


def test_in_filters_for_whole_numbers_enums_uuids_dates_and_references() -> None:
    plan = parse(LIBRARY)
    assert field(plan, "book.pages").filter_line("pages__in", "in", "int") == (
        "    pages__in: InList[Int32] | None = Field(default=None, description=IN_DESCRIPTION)"
    )
    assert field(plan, "book.status").in_item == "BookStatus"
    assert field(plan, "book.author").in_item == "IdValue"
    assert field(plan, "book.author").filter_imports == ["InList", "IN_DESCRIPTION", "IdValue"]
    assert field(plan, "book.status").filter_imports == ["InList", "IN_DESCRIPTION"]
    thing = only_entity("thing { a: bigint, b: uuid?, c: date, d: float, e: str, f: int hidden, g: bool }")
    assert [f.name for f in thing.fields if (f"{f.name}__in", "in") in f.filters] == ["a", "b", "c"]
    assert [f.in_hostile for f in thing.fields] == ['"9223372036854775808"', '"not-an-id"', '"2026-02-30"'] + [None] * 4


def test_sortable_fields_are_indexed_shown_and_orderable() -> None:
    thing = only_entity(
        "thing { a: str(20) unique, b: int index, c: int, d: str(20) index hidden, e: text index, "
        "f: date? index, g: enum(x|y) index }"
    )
    assert [f.name for f in thing.fields if f.sortable] == ["a", "b", "f", "g"]
    assert thing.sort_keys == ("id", "a", "b", "f", "g", "created_at", "updated_at")


def test_references_are_never_sort_keys() -> None:
    plan = parse("team { name: str(100) unique }; hero { team: team, name: str(100) index }")
    hero = plan.entity("hero")
    assert not hero.field("team").sortable
    assert hero.sort_keys == ("id", "name", "created_at", "updated_at")


def test_read_model_names_every_reference() -> None:
    plan = parse(LIBRARY)
    assert plan.entity("author").read_model == "AuthorPublic"
    assert plan.entity("book").read_model == "BookPublicWithAuthor"
    assert plan.entity("loan").read_model == "LoanPublicWithMemberAndBook"
    assert plan.entity("genre").read_model == "GenrePublicWithParent"


def test_children_of_lists_only_unambiguous_references_of_other_entities() -> None:
    plan = parse(LIBRARY)
    children = {e.name: [(child.name, f.name) for child, f in plan.children_of(e)] for e in plan.entities}
    assert children == {
        "author": [("book", "author")],
        "book": [("loan", "book")],
        "member": [("loan", "member")],
        "loan": [],
        "genre": [],
    }


def test_in_dependency_order_puts_referenced_entities_first() -> None:
    plan = parse(
        "loan { member: member, book: book }; book { author: author, shelf: shelf? }; "
        "member { email: email }; shelf:shelf; author { name: str }"
    )
    assert [e.name for e in plan.in_dependency_order] == ["member", "shelf", "author", "book", "loan"]
    assert [e.name for e in parse(LIBRARY).in_dependency_order] == ["author", "book", "member", "loan", "genre"]


# --- refusals ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entities", "many_to_many", "message"),
    [
        # unknown types or entity names
        ("book { title: string }", "", "book.title: 'string' is neither a type"),
        ("book { title: strr(20) }", "", "book.title: 'strr' is neither a type"),
        ("book { author: author }", "", "book.author: 'author' is neither a type"),
        ("book { author: author? }", "", "nor an entity in the list; fix the type or add the entity"),
        # a field declared twice
        ("book { title: str, title: text }", "", "book.title is declared twice: keep one"),
        ("book { Title: str, title: text }", "", "book.title is declared twice"),
        ("team, hero:team { team: team }", "", "hero.team is declared twice: 'hero:team' declares it already"),
        # reserved field names
        ("book { id: int }", "", "book.id: 'id' is a name every table or model has already"),
        ("book { created_at: datetime }", "", "book.created_at: 'created_at' is a name every table"),
        ("book { updated_at: datetime }", "", "book.updated_at: 'updated_at' is a name every table"),
        ("book { deleted_at: datetime? }", "", "'deleted_at' is a name every table or model has already"),
        ("book { row_version: int }", "", "book.row_version: 'row_version' is a name every table"),
        ("book { class: str }", "", "book.class: 'class' is a Python keyword"),
        ("book { from: date }", "", "book.from: 'from' is a Python keyword"),
        ("book { match: str }", "", "book.match: 'match' is a Python keyword"),
        ("book { model_number: str }", "", "book.model_number: 'model_number' is a name every table"),
        ("book { metadata: json }", "", "book.metadata: 'metadata' is a name every table"),
        ("book { title__x: str }", "", "book.title__x: names with '__' are reserved for list filters"),
        ("author, book { author: author, author_id: int }", "", "book.author_id clashes with book.author"),
        ("author, book { author_id: int, author: author }", "", "on the name 'author_id'; rename one"),
        ("team, hero:team { team_id: int }", "", "hero.team_id clashes with hero.team on the name 'team_id'"),
        ("book { 9lives: int }", "", "book.9lives: '9lives' is not a valid field name"),
        # str(0)
        ("book { title: str(0) }", "", "book.title: str(0) needs a length from 1 to 10000"),
        ("book { title: str(10001) }", "", "book.title: str(10001) needs a length"),
        ("book { title: str(x) }", "", "book.title: str(x) needs a length"),
        # decimal with scale above precision
        ("book { price: decimal(2,3) }", "", "book.price: decimal(2,3) has more places than digits"),
        ("book { price: decimal }", "", "book.price: decimal needs a precision and a scale"),
        ("book { price: decimal(8) }", "", "book.price: decimal needs a precision and a scale"),
        ("book { price: decimal(39,2) }", "", "book.price: decimal precision 39 must be from 1 to 38"),
        # arguments where none apply
        ("book { pages: int(3) }", "", "book.pages: int takes no arguments"),
        ("author, book { author: author(3) }", "", "book.author: a reference to 'author' takes no arguments"),
        # bounds on non-numbers, min above max
        ("book { title: str >= 1 }", "", "book.title: bounds (>=, <=) apply to numbers only, not to a str"),
        ("book { on: date <= 3 }", "", "book.on: bounds (>=, <=) apply to numbers only, not to a date"),
        ("book { flag: bool >= 0 }", "", "not to a bool; remove them"),
        ("author, book { author: author >= 1 }", "", "book.author: bounds (>=, <=) apply to numbers only"),
        ("book { pages: int >= 5 <= 1 }", "", "book.pages: the lower bound 5 is above the upper bound 1; swap"),
        ("book { price: decimal(8,2) >= 1.5 <= 1.25 }", "", "book.price: the lower bound 1.5 is above"),
        ("book { pages: int >= 1.5 }", "", "book.pages: int bounds must be whole numbers"),
        ("book { pages: int <= 2147483648 }", "", "book.pages: the bound 2147483648 is outside what int holds"),
        ("book { pages: int >= many }", "", "book.pages: the bound >= many is not a number"),
        ("book { pages: int >= 1 >= 2 }", "", "book.pages: two >= bounds; keep one"),
        # defaults of the wrong type, outside the enum or outside the bounds
        ("book { pages: int = many }", "", "book.pages: the default many is not a whole number"),
        ("book { pages: int = 1.5 }", "", "book.pages: the default 1.5 is not a whole number"),
        ("book { weight: float = heavy }", "", "book.weight: the default heavy is not a number"),
        ("book { done: bool = yes }", "", "book.done: a bool default is true or false, not yes"),
        ("book { done: bool = True }", "", "a bool default is true or false, not True"),
        ("book { title: str = untitled }", "", 'book.title: a text default is quoted, for example = "none"'),
        ("book { title: str = 'open }", "", "entities has an unclosed quote (') in \"book { title: str = 'open }\""),
        ("book { title: str(3) = 'long' }", "", "book.title: the default 'long' is longer than the 3 characters"),
        ('book { title: str = "  " }', "", "book.title: the default of a required text is empty"),
        ("book { on: date = 2020-01-01 }", "", "book.on: a date takes no default"),
        ("book { data: json = 1 }", "", "book.data: a json takes no default"),
        ("book { mail: email = x }", "", "book.mail: an email takes no default"),
        ("author, book { author: author = 1 }", "", "book.author: a reference takes no default"),
        ("book { status: enum(draft|done) = lost }", "", "book.status: the default 'lost' is not one of the enum's"),
        ("book { pages: int >= 1 = 0 }", "", "book.pages: the default 0 is outside the field's bounds (>= 1)"),
        ("book { pages: int <= 9 = 10 >= 1 }", "", "the default 10 is outside the field's bounds (>= 1 and <= 9)"),
        ("book { pages: int = 2147483648 }", "", "book.pages: the default 2147483648 is outside what int holds"),
        ("book { price: decimal(4,2) = 1.234 }", "", "book.price: the default 1.234 does not fit decimal(4,2)"),
        ("book { price: decimal(4,2) = 123 }", "", "book.price: the default 123 does not fit decimal(4,2)"),
        ("book { pages: int = 1 = 2 }", "", "book.pages: two defaults; keep one"),
        # enums: empty, repeated, malformed words
        ("book { status: enum() }", "", "book.status: an enum needs its words"),
        ("book { status: enum }", "", "book.status: an enum needs its words"),
        ("book { status: enum(a|b|a) }", "", "book.status: enum word 'a' is repeated; list each word once"),
        ("book { status: enum(a||b) }", "", "book.status: enum(a||b) has an empty word; remove the extra '|'"),
        ("book { status: enum(Draft|done) }", "", "book.status: enum word 'Draft' must be lowercase"),
        # unique(...) over unknown or fewer than two fields
        ("book { a: int, unique(a, b) }", "", "book: unique(a, b) names 'b', which is not a field of book"),
        ("book { a: int, unique(a) }", "", "book: unique(a) names fewer than two fields"),
        ("book { a: int, unique() }", "", "names fewer than two fields; for one field write 'unique' after its type"),
        ("book { a: int, unique(a, a) }", "", "book: unique(a, a) names a field twice"),
        ("m, b, loan { m: m, b: b, unique(m_id, b) }", "", "loan: unique(m_id, b) names the column 'm_id'"),
        ("book, genre", "book+genre { a: int, unique(a, a) }", "unique(...) does not apply to a link"),
        # modifiers that do not apply
        ("book { pages: int cascade }", "", "book.pages: cascade applies to references only; remove it"),
        ("book { pages: int bold }", "", "book.pages: 'bold' is not a modifier"),
        ("book { pages: int index index }", "", "book.pages: 'index' is given twice; keep one"),
        ("author, book { author: author hidden }", "", "book.author: a reference cannot be hidden"),
        ("book { data: json unique }", "", "book.data: unique does not apply to a json"),
        ("book { data: json index }", "", "book.data: index does not apply to json"),
        # not a field at all
        ("book { title }", "", "book: 'title' is not a field; write 'name: type'"),
        ("book { title: ? }", "", "book.title: '?' does not start with a type"),
        # unbalanced braces
        ("book { title: str", "", "entities has an unclosed '{' in 'book { title: str': add the missing '}'"),
        ("book { title: str; author { name: str }", "", "has an unclosed '{' in 'book { title: str; author"),
        ("book { title: str }}", "", "entities has a '}' that closes nothing in 'book { title: str }}'"),
        ("book title: str }", "", "a '}' that closes nothing in 'book title: str }': remove it or add the matching"),
        ("book { s: enum(a|b }", "", "entities closes '(' with '}' in 'book { s: enum(a|b }': add the missing ')'"),
        ("book { a: int } { b: int }", "", "book: braces cannot nest inside a field list"),
        ("book { a: int } x", "", "entity 'book { a: int } x' has text after its closing '}'"),
        ("book, genre", "book+genre { main: bool", "many_to_many has an unclosed '{' in 'book+genre { main: bool'"),
        ("book, genre", "book+genre main: bool }", "many_to_many has a '}' that closes nothing"),
        # reference cycles between different entities
        ("a:b, b:a", "", "cycle (a -> b -> a) through a.b, b.a"),
        ("a { b: b }, b { a: a }", "", "cycle (a -> b -> a) through a.b, b.a"),
        ("a { b: b? }, b { a: a? }", "", "cycle (a -> b -> a) through a.b, b.a"),
        ("a:b, b { back: a? }", "", "cycle (a -> b -> a) through a.b, b.back"),
        ("a { x: b }, b { y: c }, c { z: a? }", "", "cycle (a -> b -> c -> a) through a.x, b.y, c.z"),
        (
            "root, a:root, b { a: a, up: b? }, c { b: b, to: a2? }, x { c: c }, a2 { x: x? }",
            "",
            "(c -> a2 -> x -> c) through c.to, a2.x, x.c;",
        ),
        ("t { y: u? }, u { t: t cascade }", "", "drop one of these references"),
        # a required reference of an entity to itself
        ("category { parent: category }", "", "category.parent: a required reference of 'category' to itself"),
        ("node { up: node cascade }", "", "make it optional: 'up: node?'"),
        ("node:node { up: node? }", "", "entity 'node' references itself through 2 fields (parent, up)"),
        # link fields that reference an entity
        ("book, genre", "book+genre { by: book }", "book_genre_link.by: a link's fields cannot reference an entity"),
        ("book, genre, member", "book+genre { by: member? }", "a link's fields cannot reference an entity"),
        ("book, genre", "book+genre { main: bool index }", "book_genre_link.main: index does not apply to a link"),
        ("book, genre", "book+genre { book_id: int }", "book_genre_link.book_id is a column every link has"),
        ("book, genre", "book+genre { created_at: date }", "book_genre_link.created_at: 'created_at' is a name"),
        # empty braces
        ("book {}", "", "entity 'book' has empty braces: declare its fields, or drop the braces"),
        ("book {  \n }", "", "entity 'book' has empty braces"),
        ("book { , }", "", "entity 'book' has empty braces"),
        ("book, genre", "book+genre { }", "many_to_many pair 'book+genre' has empty braces"),
        # a unique field with a default: every row left without a value would take the same one
        ('line { note: str? unique = "x" }', "", "line.note: a unique field cannot have a default"),
        ("line { rank: int = 0 unique }", "", "remove the default or 'unique'"),
        ("line { kind: enum(a|b) unique }", "", "line.kind: unique does not apply to an enum"),
        ("line { slot: int >= 1 <= 10 unique }", "", "line.slot: unique, but its bounds or length allow only 10"),
        ("line { code: str(1) unique }", "", "line.code: unique, but its bounds or length allow only 36 values"),
        ("line { share: decimal(3,2) >= 0 <= 0.5 unique }", "", "allow only 51 values"),
        # composite uniques that could hold a handful of rows, or always hold
        ("line { a: bool, b: enum(x|y), unique(a, b) }", "", "allows only a few rows, since every field"),
        ("line { a: str unique, b: int, unique(a, b) }", "", "always holds, since 'a' is unique by itself"),
        ("line { a: json, b: int, unique(a, b) }", "", "names the json field 'a'"),
        # two listings on one path
        ("select:select, child", "select+child", "/selects/{id}/children would be both the select rows below"),
        (
            "region:region, child { region: region }",
            "",
            "give 'child' another plural, for example 'child(child_items)'",
        ),
        ("a, b(restore):a", "", "/as/{id}/restore would be both the restore endpoint and the b rows of an a"),
        # nothing but separators
        (",", "", "entities is empty"),
        (" ;\n", "", "entities is empty"),
    ],
)
def test_refusals_name_the_problem_where_it_is_and_the_fix(entities: str, many_to_many: str, message: str) -> None:
    with pytest.raises(AnswerError) as raised:
        parse(entities, many_to_many)
    text = str(raised.value)
    assert message in text
    assert "\n" not in text


def test_a_separator_alone_in_many_to_many_is_no_link() -> None:
    assert parse("hero, power", ";").links == ()
    assert parse("hero, power", "hero+power;").links[0].table == "hero_power_link"


def test_a_reference_cycle_through_a_tree_is_still_a_cycle() -> None:
    with pytest.raises(AnswerError, match=r"cycle \(a -> b -> a"):
        parse("a:a { b: b? }, b { a: a? }")


def test_a_tree_plus_other_references_is_no_cycle() -> None:
    plan = parse("region:region; shop { region: region, parent: shop? }; sale { shop: shop, region: region? }")
    assert [e.name for e in plan.in_dependency_order] == ["region", "shop", "sale"]


def test_a_quoted_default_may_hold_separators() -> None:
    (book,) = parse('book { author: str = "Doe, John; Jr.", title: str }').entities
    assert [(f.name, f.default) for f in book.fields] == [("author", "Doe, John; Jr."), ("title", None)]


# --- the built-in user and ownership (auth=users) ----------------------------------------------------------


def test_with_auth_users_a_reference_to_user_is_the_built_in_user_and_owner_makes_the_entity_owned() -> None:
    plan = parse(
        "post { title: str(100), author: user owner, reviewer: user? }; note { post: post?, by: user owner }",
        auth="users",
    )
    post, note = plan.entities
    author, reviewer = post.field("author"), post.field("reviewer")
    assert (author.column, author.target, author.builtin_user, author.is_owner, author.ondelete) == (
        "author_id",
        "user",
        True,
        True,
        "RESTRICT",
    )
    assert (reviewer.builtin_user, reviewer.is_owner, reviewer.ondelete) == (True, False, "SET NULL")
    assert (post.owner_field, post.is_owned) == (author, True)
    assert post.references == (author, reviewer)
    assert post.entity_references == ()
    assert (note.is_owned, note.owner_field) == (True, note.field("by"))
    # The built-in user is no entity of the domain: nothing depends on it, and it has no children here.
    assert [e.name for e in plan.in_dependency_order] == ["post", "note"]
    assert plan.children_of(post) == ((note, note.field("post")),)


def test_a_unique_over_the_owner_holds_per_owner() -> None:
    plan = parse(
        "folder { title: str(40), by: user owner }; "
        "project { folder: folder, code: str(8), name: str(80), owner: user owner, "
        "unique(folder, owner), unique(code, name), unique(code, name, owner), unique(name, owner) }",
        auth="users",
    )
    project = plan.entity("project")
    assert project.unique_groups == (
        ("folder_id", "owner_id"),
        ("code", "name"),
        ("code", "name", "owner_id"),
        ("name", "owner_id"),
    )
    assert project.owner_uniques == tuple(project.unique_groups[i] for i in (0, 2, 3))
    # The owner is the caller on create, never in a body.
    assert project.body_unique_groups == (("folder_id",), ("code", "name"), ("code", "name"), ("name",))
    # Two users may give the same name, but not the same folder (each names only their own) nor
    # the same code and name (unique among everyone's rows): the generated test takes the name.
    assert plan.unique_per_owner(project) == ("name",)
    folder = plan.entity("folder")
    assert (folder.owner_uniques, folder.body_unique_groups, plan.unique_per_owner(folder)) == ((), (), ())


def test_the_shorthand_may_name_the_built_in_user() -> None:
    (post,) = parse("post:user", auth="users").entities
    (user,) = post.references
    assert (user.name, user.builtin_user, user.optional, user.is_owner) == ("user", True, True, False)


def test_with_auth_none_a_user_entity_is_an_ordinary_entity() -> None:
    plan = parse("user, post { author: user }")
    author = plan.entity("post").field("author")
    assert (author.builtin_user, author.target) == (False, "user")
    assert [e.name for e in plan.in_dependency_order] == ["user", "post"]


@pytest.mark.parametrize(
    ("entities", "many_to_many", "auth", "message"),
    [
        # owner on what is no reference to the built-in user
        ("post { title: str(100) owner }", "", "users", "post.title: owner applies to a reference to user only"),
        ("team, post { team: team owner }", "", "users", "not to a reference to 'team'; write 'team: user owner'"),
        ("user, post { by: user owner }", "", "none", "post.by: owner makes rows belong to the built-in user"),
        # one owner, required, kept
        ("post { a: user owner, b: user owner }", "", "users", "post has 2 owners (a, b); a row belongs to one user"),
        ("post { a: user? owner }", "", "users", "post.a: an owner is always the user who creates the row"),
        ("post { a: user owner cascade }", "", "users", "not deleted, so their rows stay; remove 'cascade'"),
        ("post { a: user owner owner }", "", "users", "post.a: 'owner' is given twice"),
        # a shared entity would embed the owned rows of others
        (
            "post { by: user owner }; note { post: post? }",
            "",
            "users",
            "note.post references post, whose rows are each their by's, but note is shared",
        ),
        ("post { by: user owner }; note:post", "", "users", "make note owned too (add 'owner: user owner')"),
        # a unique(...) over the owner holds per owner: one user's rows must fit in the rest of it
        ("post { by: user owner, a: bool, unique(a, by) }", "", "users", "unique(a, by) allows each by only a few"),
        (
            "post { by: user owner, n: int >= 1 <= 9, unique(by, n) }",
            "",
            "users",
            "allows each by only a few rows, since 'n' allows only 9 values",
        ),
        (
            "post { by: user owner, n: int = 0, unique(n, by) }",
            "",
            "users",
            "'n' has a default, so by's second row left without a value would clash",
        ),
        # a user of one's own beside the built-in one
        ("user, post { by: user }", "", "users", "entity 'user' declares a user, and auth=users builds one in"),
        ("User { email: email unique }", "", "users", "remove the entity and reference the built-in one"),
        ("person(users)", "", "users", "would make a package 'users', which auth=users uses"),
        # the built-in user without auth=users
        ("post { by: user }", "", "none", "post.by: 'user' is the built-in user of auth=users, and auth is 'none'"),
        ("post { by: user owner }", "", "none", "choose auth=users or declare a 'user' entity"),
        ("post:user", "", "none", "entity 'post' belongs to 'user', the built-in user of auth=users"),
        # links
        ("post, tag", "post+tag { x: int owner }", "users", "post_tag_link.x: owner does not apply to a link's fields"),
        ("post, tag", "post+tag { x: user }", "users", "a link's fields cannot reference an entity"),
        ("post, tag", "post+user", "users", "names the built-in user, and pairs link entities of the domain"),
    ],
)
def test_ownership_refusals_name_the_problem_where_it_is_and_the_fix(
    entities: str, many_to_many: str, auth: str, message: str
) -> None:
    with pytest.raises(AnswerError) as raised:
        parse(entities, many_to_many, auth)
    text = str(raised.value)
    assert message in text
    assert "\n" not in text
