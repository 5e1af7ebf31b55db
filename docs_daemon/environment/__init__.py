"""The user's Python environment, read from its files: interpreter version, site directories,
installed distributions. Nothing of the user's is imported or executed.
"""

from __future__ import annotations

from docs_daemon.environment.discovery import WORKSPACE_VENVS, Environment, find_environment
from docs_daemon.environment.distributions import (
    Distribution,
    normalise_name,
    read_distributions,
)
from docs_daemon.environment.interpreter import EnvironmentNotFound

__all__ = [
    "WORKSPACE_VENVS",
    "Distribution",
    "Environment",
    "EnvironmentNotFound",
    "find_environment",
    "normalise_name",
    "read_distributions",
]
