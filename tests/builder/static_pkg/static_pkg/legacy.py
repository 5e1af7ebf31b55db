"""Old things, defined under conditions."""

try:
    from json import loads as parse
except ImportError:
    parse = None

if parse is not None:

    def old(x):
        """Use :func:`static_pkg.area` instead.

        .. deprecated:: 1.0
        """
        return x
else:

    def old(x):
        """Never read: the first definition wins."""
