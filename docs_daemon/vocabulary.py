"""The kinds of documented things: one vocabulary for the database, the store and the editor.

Kept apart from ``schema`` (which needs SQLAlchemy) so the server can render and map kinds
before the database layer is even imported.
"""

from __future__ import annotations

import enum


class Kind(enum.StrEnum):
    """The fixed vocabulary of documented things; Sphinx roles and introspection map onto it."""

    MODULE = "module"
    CLASS = "class"
    EXCEPTION = "exception"
    FUNCTION = "function"
    METHOD = "method"
    CLASSMETHOD = "classmethod"
    STATICMETHOD = "staticmethod"
    ATTRIBUTE = "attribute"
    PROPERTY = "property"
    DATA = "data"
    DECORATOR = "decorator"
    KEYWORD = "keyword"
    SECTION = "section"
