"""Docstrings in whatever markup they use (reST, Google, NumPy, plain) to Markdown.

``docstring-to-markdown`` (the converter python-lsp-server and jedi-language-server use)
recognises the markup; what it does not recognise goes through the project's own plain
converter, which only fences examples and literal blocks.
"""

from __future__ import annotations

import logging

import docstring_to_markdown

from docs_daemon.builder.docstrings import docstring_to_markdown as plain_to_markdown

logger = logging.getLogger(__name__)


def docstring_markdown(docstring: str) -> str:
    """Markdown for a cleaned docstring (``inspect.cleandoc`` form)."""
    if not docstring.strip():
        return ""
    try:
        return docstring_to_markdown.convert(docstring).strip()
    except docstring_to_markdown.UnknownFormatError:
        return plain_to_markdown(docstring)
    except Exception as error:  # a converter bug must cost one docstring, not the build
        logger.debug("docstring-to-markdown failed (%s); plain conversion used", error)
        return plain_to_markdown(docstring)
