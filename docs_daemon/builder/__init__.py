"""Documentation in, SQLite file out: the ``docs-daemon build`` command and its parts."""
