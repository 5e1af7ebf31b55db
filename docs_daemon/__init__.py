"""docs-daemon: official documentation in every editor, from an in-memory SQLite database."""

__version__ = "0.1.0"
