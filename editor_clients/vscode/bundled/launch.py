# ruff: noqa: UP031, PTH100, PTH112, PTH118, PTH120, PTH208, RUF005
"""Start the docs-daemon server bundled in the extension, on whatever Python runs this file.

The extension runs ``<python> launch.py serve ...``. This file puts the bundled libraries for
the running interpreter (``libs/common`` plus ``libs/cp3XX``) on ``sys.path`` and hands over to
``docs_daemon.cli``. It stays parseable by old interpreters (no f-strings, no annotations), so
that a too-old Python gets one clear line on stderr instead of a SyntaxError.

DOCS_DAEMON_IMPORT_STRATEGY=fromEnvironment prefers a docs-daemon installed in the
interpreter's own environment and falls back to the bundled one.
"""

import os
import sys

MINIMUM = (3, 11)
#: Exit statuses the extension turns into a specific message.
EXIT_TOO_OLD = 3
EXIT_NO_LIBRARIES = 4

HERE = os.path.dirname(os.path.abspath(__file__))
LIBS = os.path.join(HERE, "libs")


def fail(status, message):
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
    sys.exit(status)


def interpreter():
    return "Python %d.%d (%s)" % (sys.version_info[0], sys.version_info[1], sys.executable)


def bundled_paths():
    tag = "cp%d%d" % sys.version_info[:2]
    import sysconfig

    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        tag += "t"
    versioned = os.path.join(LIBS, tag)
    common = os.path.join(LIBS, "common")
    if not os.path.isdir(common):
        fail(
            EXIT_NO_LIBRARIES,
            "This build of the extension has no bundled server (%s is missing)." % LIBS,
        )
    if not os.path.isdir(versioned):
        available = sorted(
            "%s.%s" % (name[2], name[3:]) for name in os.listdir(LIBS) if name.startswith("cp3")
        )
        fail(
            EXIT_NO_LIBRARIES,
            "The bundled server has no libraries for %s; choose Python %s."
            % (interpreter(), " or ".join(", ".join(available).rsplit(", ", 1))),
        )
    return [versioned, common]


def main():
    if sys.version_info[:2] < MINIMUM:
        fail(
            EXIT_TOO_OLD,
            "%s is too old for Docs Daemon; choose Python %d.%d or newer."
            % ((interpreter(),) + MINIMUM),
        )
    paths = bundled_paths()
    if os.environ.get("DOCS_DAEMON_IMPORT_STRATEGY") == "fromEnvironment":
        import importlib.util

        if importlib.util.find_spec("docs_daemon") is not None:
            sys.path.extend(paths)
        else:
            sys.path[0:0] = paths
    else:
        sys.path[0:0] = paths
    from docs_daemon.cli import main as docs_daemon

    sys.exit(docs_daemon(sys.argv[1:]))


if __name__ == "__main__":
    main()
