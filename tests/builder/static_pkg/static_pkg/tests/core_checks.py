"""Tests are not API."""


def test_nothing():
    """Skipped."""
