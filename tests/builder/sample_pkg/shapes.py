"""Geometric shapes for the sample package."""

from __future__ import annotations

import math


class Shape:
    """A circle of a given radius, the only shape there is."""

    sides = 0

    def __init__(self, radius: float) -> None:
        self.radius = radius

    def scaled(self, factor: float) -> Shape:
        """Return a copy whose radius is multiplied by *factor*."""
        return Shape(self.radius * factor)

    @classmethod
    def unit(cls) -> Shape:
        """The shape of radius one."""
        return cls(1.0)

    @staticmethod
    def describe() -> str:
        """Say what shapes are."""
        return "round"

    @property
    def area(self) -> float:
        """The area enclosed by the shape."""
        return math.pi * self.radius**2

    def _private_helper(self) -> None:
        """Never documented: private."""


def area_of(shape: Shape) -> float:
    """The area of *shape*, rounded to two decimals."""
    return round(shape.area, 2)
