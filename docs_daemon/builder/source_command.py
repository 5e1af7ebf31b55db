"""``docs-daemon build --distribution NAME``: find the environment, then the distribution in it,
then build its docstring docset."""

from __future__ import annotations

import os
from pathlib import Path

from docs_daemon.builder.errors import BuildError
from docs_daemon.builder.progress import Progress
from docs_daemon.builder.records import Docset
from docs_daemon.builder.source_docs import build_docstring_docset
from docs_daemon.environment import EnvironmentNotFound, find_environment, normalise_name


def build_installed_docset(
    distribution_name: str,
    *,
    python: str | None,
    name: str | None,
    version: str | None,
    base_url: str | None,
    progress: Progress,
) -> Docset:
    """The distribution's docstring docset; ``name``/``version``/``base_url`` override."""
    try:
        environment = find_environment(python, Path.cwd(), os.environ)
    except EnvironmentNotFound as error:
        raise BuildError(str(error)) from None
    for warning in environment.warnings:
        progress.note(f"warning: {warning}")
    distribution = environment.distributions.get(normalise_name(distribution_name))
    if distribution is None:
        raise BuildError(
            f"no distribution {distribution_name!r} is installed in {environment.describe()}"
        )
    progress.note(f"reading {distribution.name} {distribution.version} in {environment.describe()}")
    docset = build_docstring_docset(distribution, environment=environment, progress=progress)
    if name:
        docset.name = name
    if version is not None:
        docset.version = version
    if base_url is not None:
        docset.base_url = base_url
    return docset
