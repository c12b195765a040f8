"""Splitting an answer into its items: at separators outside braces and parentheses."""

from .errors import AnswerError


def split_top_level(answer: str, key: str) -> list[str]:
    """Split at `,`, `;` and newlines that stand outside braces, parentheses and quotes."""
    if not isinstance(answer, str):
        raise AnswerError(f"{key} must be text like 'team, hero:team', not {answer!r}")
    parts, depth, current = [], [], ""
    quote = ""  # the quote character of a quoted default we are inside, if any
    for char in answer:
        if quote or char in "'\"":
            quote = "" if char == quote else quote or char
            current += char
            continue
        if char in "({":
            depth.append(char)
        elif char in ")}":
            opening = "(" if char == ")" else "{"
            if not depth or depth[-1] != opening:
                raise AnswerError(f"{key} has an unbalanced {char!r} near {_near(current + char)}: check its brackets")
            depth.pop()
        if char == "\n" and not current.strip():
            continue  # a line break after ';' or ',' separates nothing more
        if char in ",;\n" and not depth:
            parts.append(current.strip())
            current = ""
            continue
        current += char
    if quote:
        raise AnswerError(f"{key} has an unclosed quote ({quote}) in {_near(current)}: close it")
    if depth:
        closing = ")" if depth[-1] == "(" else "}"
        raise AnswerError(f"{key} has an unclosed {depth[-1]!r} near {_near(current)}: add the missing {closing!r}")
    parts.append(current.strip())
    if parts == [""]:
        return []
    # A trailing separator is harmless (a file's last line may end with ';').
    if parts[-1] == "":
        parts.pop()
    if "" in parts:
        where = next((part for part in parts if part), answer)
        raise AnswerError(f"{key} has an empty item next to {_near(where)}: remove the extra separator")
    return parts


def _near(text: str) -> str:
    return repr(text.strip()[-40:])
