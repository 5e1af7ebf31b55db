"""A small package the introspection tests document: its text is what the tests look for.

It shows every shape the builder handles: ``__all__``, classes with each kind of member,
doctest examples, constants, a submodule, a private module and one that fails to import.
"""

from .shapes import Shape, area_of

__all__ = ["GREETING", "UNPRINTABLE", "SampleError", "Shape", "area_of", "greet"]

#: Not documented by docstring (constants have none): the builder shows the value.
GREETING = "hello"

HIDDEN = "not in __all__, so not documented"


class _Unprintable:
    def __repr__(self) -> str:
        raise RuntimeError("no repr for you")


#: A value whose repr fails: documented all the same.
UNPRINTABLE = _Unprintable()


class SampleError(ValueError):
    """Raised when a sample goes wrong."""


def greet(name: str, *, punctuation: str = "!") -> str:
    """Greet someone by name.

    The greeting is built from :data:`GREETING`::

        greet("Ada") == "hello Ada!"

    Example:

    >>> greet("Ada")
    'hello Ada!'
    """
    return f"{GREETING} {name}{punctuation}"
