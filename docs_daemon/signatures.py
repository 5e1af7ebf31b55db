"""Where each parameter sits in a documented signature, for signature help (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass

_OPEN = "([{"
_CLOSE = ")]}"


@dataclass(frozen=True, slots=True)
class Parameter:
    """One parameter of a signature string, with its offsets in that string."""

    name: str
    start: int
    end: int

    @property
    def is_variadic(self) -> bool:
        return self.name.startswith("*") and self.name not in ("*",)


def split_parameters(signature: str) -> list[Parameter]:
    """Split ``(a, b=(1, 2), *args, key=None, **kw)`` into parameters at top-level commas.

    Offsets index into ``signature`` itself, so a caller can shift them by the length of
    whatever precedes it in the label. Brackets and quotes in defaults are respected.
    """
    text = signature.strip()
    if not text.startswith("("):
        return []
    offset = signature.index("(") + 1
    params: list[Parameter] = []
    depth = 0
    quote = ""
    start = offset
    for i in range(offset, len(signature)):
        ch = signature[i]
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth == 0:
                _append(params, signature, start, i)
                break
            depth -= 1
        elif ch == "," and depth == 0:
            _append(params, signature, start, i)
            start = i + 1
    return params


def _append(params: list[Parameter], signature: str, start: int, end: int) -> None:
    raw = signature[start:end]
    stripped = raw.strip()
    if not stripped or stripped in ("/", "[", "]"):
        return
    lead = len(raw) - len(raw.lstrip())
    first = start + lead
    last = first + len(stripped)
    name = stripped.split("=", 1)[0].split(":", 1)[0].strip().strip("[]").strip()
    params.append(Parameter(name=name, start=first, end=last))


def active_parameter(params: list[Parameter], position: int, keyword: str | None) -> int | None:
    """Which parameter the cursor is on: a typed ``keyword=`` wins, else the positional index.

    Positional arguments past a ``*args`` stay on it; a bare ``*`` ends the positional ones.
    """
    if keyword is not None:
        for index, param in enumerate(params):
            if param.name.lstrip("*") == keyword:
                return index
        for index, param in enumerate(params):
            if param.name.startswith("**"):
                return index
        return None
    for index, param in enumerate(params):
        if param.name == "*" or param.name.startswith("**"):
            break
        if param.is_variadic or index == position:
            return index
    return None
