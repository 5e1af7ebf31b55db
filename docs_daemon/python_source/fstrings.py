"""The code inside f-string replacement fields: ``f"{json.dumps(x)}"`` is code, not text."""

from __future__ import annotations

from docs_daemon.python_source.lexer import Token, lex_line, string_prefix

_QUOTES = ('"""', "'''", '"', "'")


def field_tokens(token: Token) -> list[Token]:
    """Tokens of every replacement field of an f-string token, at their columns in the line.

    Format specs and conversions (``{x:>10}``, ``{x!r}``) are left out; doubled braces are
    text. An unterminated string (being typed) still gives the fields typed so far.
    """
    prefix = string_prefix(token)
    if "f" not in prefix:
        return []
    text = token.text
    body_start = len(prefix)
    quote = next((quote for quote in _QUOTES if text.startswith(quote, body_start)), None)
    if quote is None:
        return []
    body_start += len(quote)
    body_end = (
        len(text) - len(quote) if text.endswith(quote) and len(text) > body_start else len(text)
    )
    tokens: list[Token] = []
    position = body_start
    while position < body_end:
        character = text[position]
        if character in "{}" and text[position + 1 : position + 2] == character:
            position += 2  # ``{{`` / ``}}``: a literal brace
            continue
        if character != "{":
            position += 1
            continue
        end, resume = _field_end(text, position + 1, body_end)
        shift = token.start + position + 1
        for inner in lex_line(text[position + 1 : end], token.line):
            tokens.append(inner._replace(start=inner.start + shift, end=inner.end + shift))
        position = resume
    return tokens


def _field_end(text: str, start: int, limit: int) -> tuple[int, int]:
    """Where a field's expression ends (before ``!conv``/``:spec``/``}``) and where to resume."""
    depth = 0
    position = start
    end: int | None = None
    while position < limit:
        character = text[position]
        if character in "([{":
            depth += 1
        elif character in ")]" or (character == "}" and depth):
            depth -= 1
        elif character == "}":
            return (position if end is None else end), position + 1
        elif (
            depth == 0
            and end is None
            and (
                (character == "!" and text[position + 1 : position + 2] != "=")
                or (character == ":" and text[position + 1 : position + 2] != "=")
            )
        ):
            end = position
        elif character in "'\"":
            closing = text.find(character, position + 1, limit)
            position = limit if closing < 0 else closing
        position += 1
    return (limit if end is None else end), limit
