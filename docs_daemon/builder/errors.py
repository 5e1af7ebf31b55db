"""The one exception the builder raises for bad input, printed as a single line by the CLI."""

from __future__ import annotations


class BuildError(Exception):
    """Input the builder cannot use (missing/corrupt inventory, hostile archive, failed import).

    The message is a complete sentence for the user; ``run_build`` prints it without a traceback.
    """
