"""A submodule that cannot be imported: the builder skips it with a warning."""

raise ImportError("this submodule is broken on purpose")
