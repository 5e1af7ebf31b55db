"""Where the standard library's docs file an object that type inference found in a stub.

Inference speaks the language of typeshed's stubs: ``builtins.str.split``,
``_hashlib.HASH.hexdigest``, ``posixpath.join``, ``_io._IOBase.close``. The docs speak the
language of the public modules: ``str.split``, ``hashlib.hash.hexdigest``, ``os.path.join``,
``io.IOBase.close``. These functions translate, offering every plausible documented spelling
best first; the store decides which of them exists, so a spelling that is not documented
costs nothing and is never shown.
"""

from __future__ import annotations

import sys

from docs_daemon.python_source.expressions import DOCUMENTED_UNDER

#: Implementation modules and the public module the docs describe them under.
PUBLIC_MODULES = {
    "builtins": "",
    "posixpath": "os.path",
    "ntpath": "os.path",
    "genericpath": "os.path",
    "_collections_abc": "collections.abc",
    "_sre": "re",
    "sre_compile": "re",
    "_frozen_importlib": "importlib",
    "_frozen_importlib_external": "importlib.machinery",
    "_pydecimal": "decimal",
    "_pydatetime": "datetime",
    "_pyio": "io",
    "typing_extensions": "typing",
    "_typeshed.wsgi": "wsgiref.types",
    # setuptools ships distutils (removed from the stdlib in 3.12) as its own package and
    # makes ``import distutils`` load it: the stdlib's distutils docs describe it.
    "setuptools._distutils": "distutils",
}
#: Classes the docs name differently from the stubs (after the module is translated).
PUBLIC_CLASSES = {
    "hashlib.HASH": "hashlib.hash",
    "hashlib.HASHXOF": "hashlib.hash",
    "_thread.LockType": "threading.Lock",
    "_thread.lock": "threading.Lock",
    "_thread.RLock": "threading.RLock",
}

#: Top-level module names of the standard library (``sys.stdlib_module_names``, 3.10+).
STDLIB_MODULES = frozenset(sys.stdlib_module_names) | {"typing_extensions", "_typeshed"}


def is_stdlib(module: str) -> bool:
    """Whether ``module`` (dotted) belongs to the standard library (or its stubs)."""
    return module.split(".", 1)[0] in STDLIB_MODULES


def public_module(module: str) -> str:
    """``_io`` -> ``io``, ``posixpath`` -> ``os.path``, ``builtins`` -> ``""``,
    ``importlib.resources._common`` -> ``importlib.resources`` (a private submodule's names
    are documented on the package that publishes them)."""
    for prefix, public in PUBLIC_MODULES.items():
        if module == prefix or module.startswith(prefix + "."):
            return public + module[len(prefix) :]
    head, dot, rest = module.partition(".")
    if head.startswith("_") and not head.startswith("__") and head[1:] in STDLIB_MODULES:
        return head[1:] + dot + rest
    parts = module.split(".")
    while len(parts) > 1 and parts[-1].startswith("_") and not parts[-1].startswith("__"):
        parts.pop()
    return ".".join(parts)


def _join(module: str, qualname: str) -> str:
    return f"{module}.{qualname}" if module else qualname


def _public_parts(qualname: str) -> str:
    """``_IOBase.close`` -> ``IOBase.close``: private spellings of public classes."""
    return ".".join(
        part[1:] if part.startswith("_") and not part.startswith("__") and len(part) > 1 else part
        for part in qualname.split(".")
    )


def documented_names(module: str, qualname: str) -> list[str]:
    """Names the docs may file ``module``'s ``qualname`` under, best first, no repeats."""
    names: list[str] = []

    def add(name: str) -> None:
        if name and name not in names:
            names.append(name)
        # ``set.union`` is documented as ``frozenset.union``, ``bool``'s methods as ``int``'s.
        head, dot, rest = name.partition(".")
        if dot:
            for home in DOCUMENTED_UNDER.get(head, ()):
                if f"{home}.{rest}" not in names:
                    names.append(f"{home}.{rest}")

    public = public_module(module)
    for candidate_module in (public, module):
        full = _join(candidate_module, qualname)
        head, _, tail = full.rpartition(".")
        renamed = PUBLIC_CLASSES.get(head)
        if renamed is not None:
            add(f"{renamed}.{tail}")
        renamed = PUBLIC_CLASSES.get(full)
        add(renamed or full)
        add(_join(candidate_module, _public_parts(qualname)))
    return names
