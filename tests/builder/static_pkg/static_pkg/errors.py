"""The package's errors."""


class PkgError(Exception):
    """The base of every error here."""


class NotFoundError(PkgError):
    """Raised when something is missing."""

    def __init__(self, what: str) -> None:
        super().__init__(what)


class Gone(NotFoundError):  # noqa: N818 -- named like many real ones
    """It was there and went away."""
