"""Lets ``python -m docs_daemon`` work like the ``docs-daemon`` command."""

from docs_daemon.cli import main

raise SystemExit(main())
