"""Names: normalising what the user typed, and the pluralizer."""

import re

# Whole last words whose plural is not built by the rules below.
IRREGULAR_PLURALS = {
    "child": "children",
    "foot": "feet",
    "goose": "geese",
    "man": "men",
    "mouse": "mice",
    "ox": "oxen",
    "person": "people",
    "tooth": "teeth",
    "woman": "women",
}
# Words whose plural is the same word; they need an explicit plural.
UNCOUNTABLE = {"data", "deer", "equipment", "fish", "information", "news", "series", "sheep", "species"}
# Words ending in -f/-fe that take -ves.
F_TO_VES = {"calf", "half", "knife", "leaf", "life", "loaf", "self", "shelf", "thief", "wife", "wolf"}
# Words ending in -o that take -es; the others take -s (photo, video, radio).
O_TO_OES = {"echo", "hero", "potato", "tomato", "veto"}

SNAKE_NAME = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[\s\-_]+")


def normalise(raw: str) -> str:
    """Turn `Blog Post`, `blog-post`, `BlogPost` or `blog_post` into `blog_post`.

    The result may still be invalid (digits first, other characters); callers
    check it against SNAKE_NAME.
    """
    words = _CAMEL_BOUNDARY.sub("_", raw.strip())
    return _SEPARATORS.sub("_", words).strip("_").lower()


def pluralize(name: str) -> str:
    """Plural of a snake_case name; only its last word changes."""
    head, _, last = name.rpartition("_")
    prefix = f"{head}_" if head else ""
    return prefix + _pluralize_word(last)


def _pluralize_word(word: str) -> str:
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if word in UNCOUNTABLE:
        return word
    if word in F_TO_VES:
        return word.removesuffix("fe").removesuffix("f") + "ves"
    if word in O_TO_OES:
        return word + "es"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def pascal(name: str) -> str:
    """`blog_post` -> `BlogPost`."""
    return "".join(part.capitalize() for part in name.split("_"))


def kebab(name: str) -> str:
    """`blog_posts` -> `blog-posts`."""
    return name.replace("_", "-")
