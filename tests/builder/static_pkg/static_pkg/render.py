"""Rendering: a module and a function of the same name."""


def render(text: str) -> str:
    """Render text."""
    return text
