"""The entity syntax: parsing, names, plurals, relations, and every rejection."""

import pytest

from sqlmodel_scaffold.entities import AnswerError, parse
from sqlmodel_scaffold.naming import normalise, pluralize


@pytest.mark.parametrize("typed", ["Blog Post", "blog-post", "BlogPost", "blog_post", "  blog  post ", "blogPost"])
def test_every_spelling_of_a_name_normalises_to_snake_case(typed: str) -> None:
    assert normalise(typed) == "blog_post"


def test_acronyms_split_where_a_word_starts() -> None:
    assert normalise("HTTPRequest") == "http_request"


@pytest.mark.parametrize(
    ("singular", "plural"),
    [
        ("hero", "heroes"),
        ("category", "categories"),
        ("person", "people"),
        ("child", "children"),
        ("bus", "buses"),
        ("box", "boxes"),
        ("day", "days"),
        ("match_batch", "match_batches"),
        ("wish", "wishes"),
        ("photo", "photos"),
        ("leaf", "leaves"),
        ("knife", "knives"),
        ("blog_post", "blog_posts"),
        ("sales_person", "sales_people"),
        ("user", "users"),
    ],
)
def test_pluralize(singular: str, plural: str) -> None:
    assert pluralize(singular) == plural


def test_team_with_heroes_written_as_a_shorthand() -> None:
    plan = parse("team, hero:team")
    team, hero = plan.entities
    assert (team.name, team.plural, team.references) == ("team", "teams", ())
    [reference] = hero.references
    assert (reference.name, reference.column, reference.target, reference.optional) == ("team", "team_id", "team", True)
    assert reference.ondelete == "SET NULL"
    assert hero.read_model == "HeroPublicWithTeam"
    assert plan.children_of(team) == ((hero, reference),)
    assert plan.links == ()


def test_names_plurals_and_routes_of_multi_word_entities() -> None:
    plan = parse("Blog Post, person(people):Blog Post")
    post, person = plan.entities
    assert (post.class_name, post.table, post.route, post.plural) == (
        "BlogPost",
        "blog_post",
        "blog-posts",
        "blog_posts",
    )
    assert (person.plural, person.references[0].target, person.read_model) == (
        "people",
        "blog_post",
        "PersonPublicWithBlogPost",
    )


def test_explicit_plural_wins_over_the_pluralizer() -> None:
    (octopus,) = parse("octopus(octopi)").entities
    assert octopus.plural == "octopi"


def test_self_reference_is_a_tree() -> None:
    (category,) = parse("category:category").entities
    assert category.is_tree
    assert category.tree_field is not None
    assert (category.tree_field.column, category.tree_field.ondelete) == ("parent_id", "CASCADE")
    assert category.read_model == "CategoryPublicWithParent"


def test_many_to_many_pairs_link_listed_entities() -> None:
    plan = parse("hero, power, team", "hero+power, Team + Power")
    assert [(link.class_name, link.table) for link in plan.links] == [
        ("HeroPowerLink", "hero_power_link"),
        ("TeamPowerLink", "team_power_link"),
    ]
    power = plan.entity("power")
    assert [other.name for _, other in plan.links_of(power)] == ["hero", "team"]


def test_dependency_order_puts_parents_first() -> None:
    plan = parse("hero:team, mission:hero, team")
    assert [e.name for e in plan.in_dependency_order] == ["team", "hero", "mission"]


def test_sql_reserved_words_are_valid_names() -> None:
    plan = parse("user, order:user, group", "user+group")
    assert [e.table for e in plan.entities] == ["user", "order", "group"]


@pytest.mark.parametrize(
    ("entities", "many_to_many", "message"),
    [
        ("", "", "entities is empty"),
        ("  ", "", "entities is empty"),
        ("team,,hero", "", "has an empty item"),
        ("team, 9lives", "", "'9lives' is not a valid name"),
        ("team, hero!", "", "'hero!' is not a valid name"),
        ("héros", "", "is not a valid name"),
        ("hero:team:x", "", "is not of the form"),
        ("hero(", "", "unclosed '('"),
        ("hero()", "", "plural in 'hero()' has an empty name"),
        ("team, team", "", "entity 'team' is listed twice"),
        ("Blog Post, blog-post", "", "entity 'blog_post' is listed twice"),
        ("class", "", "'class' is a Python keyword"),
        ("match", "", "'match' is a Python keyword"),
        ("thing(core)", "", "would make a package 'core'"),
        ("model", "", "would make a package 'models'"),
        ("migration", "", "would make a package 'migrations'"),
        ("name", "", "clashes with a field every entity has"),
        ("person, people", "", "clash on the name 'people'"),
        ("goose(geese), geese(gooses)", "", "clash on the name 'geese'"),
        ("sheep", "", "same singular and plural"),
        ("hero(hero)", "", "same singular and plural"),
        ("hero:team", "", "belongs to 'team', which is not in the list"),
        ("a:b, b:a", "", "cycle (a -> b -> a)"),
        ("a:c, b:a, c:b", "", "cycle"),
        ("a_very_long_entity_name_here", "", "longer than 20 characters"),
        ("hero, power", "hero power", "is not of the form 'hero+power'"),
        ("hero, power", "hero+", "is not of the form 'hero+power'"),
        ("hero, power", "hero+villain", "names 'villain', which is not in entities"),
        ("hero, power", "hero+hero", "links an entity to itself"),
        ("hero, power", "hero+power, power+hero", "links 'power' and 'hero' twice"),
        ("team, hero:team", "hero+team", "repeats a reference"),
        ("hero, power, hero_power_link", "hero+power", "clashes with the link table"),
    ],
)
def test_rejections_name_the_problem(entities: str, many_to_many: str, message: str) -> None:
    with pytest.raises(AnswerError) as raised:
        parse(entities, many_to_many)
    text = str(raised.value)
    assert message in text
    assert "\n" not in text
