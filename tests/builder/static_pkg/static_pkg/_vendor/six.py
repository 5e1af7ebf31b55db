"""A vendored private copy."""


def vendored():
    """Skipped."""
