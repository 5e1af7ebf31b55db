"""Engines: the private module that implements them."""

from __future__ import annotations

from typing import overload


class Engine:
    """Runs things.

    :param name: what to call it.
    :param speed: how fast it runs.
    """

    #: The speed an engine gets when none is given.
    default_speed: float = 1.0
    kind = "plain"

    def __init__(self, name: str, *, speed: "float" = 1.0) -> None:  # noqa: UP037 -- a string annotation
        #: What the engine is called.
        self.name = name
        self.speed = speed

    @property
    def label(self) -> str:
        """A label for people."""
        return self.name

    @label.setter
    def label(self, value: str) -> None:
        self.name = value

    @classmethod
    def default(cls, name: str = "main") -> Engine:
        """An engine with the default speed."""
        return cls(name)

    @staticmethod
    def check(speed: float, /) -> bool:
        """Whether a speed is allowed."""
        return speed > 0

    @overload
    def run(self, times: int) -> int: ...
    @overload
    def run(self, times: None = None) -> None: ...
    def run(self, times=None):
        """Run the engine.

        Args:
            times: how many times to run.
        """
        return times

    async def stop(self, *args: object, **kwargs: object) -> None:
        """Stop it."""

    class Part:
        """A part of an engine."""

        def fit(self) -> None:
            """Fit the part."""

    def _internal(self) -> None:
        """A private helper."""


class TurboEngine(Engine):
    """An engine that takes its constructor from :class:`Engine`."""


def make_engine(name: str, speed: float = 2 * 1.5, *rest: str, **options: int) -> Engine:
    """Make an engine.

    >>> make_engine("x").name
    'x'
    """
    return Engine(name, speed=speed)


class Hidden:
    """Imported by the package only for type checkers."""
