"""Shapes, exported through ``__all__``."""

import enum
from dataclasses import dataclass
from typing import ClassVar

__all__ = ["Color", "Point"]
__all__.extend(["area"])


@dataclass(frozen=True)
class Point:
    """A point in the plane."""

    x: float
    y: float = 0.0
    label: ClassVar[str] = "p"


class Color(enum.Enum):
    """Colours."""

    RED = 1
    GREEN = 2


def area(width: float, height: float) -> float:
    """The area of a rectangle."""
    return width * height


def helper() -> None:
    """Not in ``__all__``: ranked low."""
