"""The people-facing commands, run through the real CLI entry point on the real database.

Plain output (a pipe, a file, ``TERM=dumb``) is asserted exactly, as the docs wrote it; the
terminal's colour and links through a real pseudo-terminal; ``| head`` through a real pipe.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from docs_daemon.cli import main
from docs_daemon.terminal import typed_name

ROOT = Path(__file__).resolve().parents[2]
#: An SGR escape that sets a foreground or background colour.
_COLOUR = re.compile(r"\x1b\[(?:[0-9]+;)*(?:3[0-8]|4[0-8]|9[0-7])[;m]")


@pytest.fixture(autouse=True)
def _width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrap at 100 columns whatever terminal runs the tests."""
    monkeypatch.setenv("COLUMNS", "100")
    for variable in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR"):
        monkeypatch.delenv(variable, raising=False)


def _run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--no-bundled", "--db", str(db)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _cli(*argv: str) -> list[str]:
    return [sys.executable, "-m", "docs_daemon", *argv]


def test_lookup_object_enter_exactly(bundled_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, bundled_db, "lookup", "object.__enter__")
    assert (code, err) == (0, "")
    assert out == (
        "object.__enter__(self)  method · python 3.11\n"
        "\n"
        "Enter the runtime context related to this object. The with statement will bind this method’s return\n"
        "value to the target(s) specified in the as clause of the statement, if any.\n"
        "\n"
        "https://docs.python.org/3.11/reference/datamodel.html#object.__enter__\n"
    )


def test_lookup_with_keeps_dunder_names(
    bundled_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, bundled_db, "lookup", "with")
    lines = out.splitlines()
    assert code == 0
    assert lines[:5] == [
        "with  keyword · python 3.11",
        "",
        "The with statement is used to wrap the execution of a block with methods defined by a context",
        "manager (see section With Statement Context Managers). This allows common try…except…finally usage",
        "patterns to be encapsulated for convenient reuse.",
    ]
    # The grammar is a code block: indented, its long line kept whole.
    assert lines[6] == (
        '    with_stmt          ::=  "with" ( "(" with_stmt_contents ","? ")" '
        '| with_stmt_contents ) ":" suite'
    )
    assert " 2 The context manager’s __enter__() is loaded for later use." in lines
    assert " 3 The context manager’s __exit__() is loaded for later use." in lines
    assert "enter = type(manager).__enter__" in out
    assert "\x1b" not in out and "`" not in out and "](" not in out
    assert all(line == line.rstrip() for line in lines)


def test_lookup_json_dumps_exactly(bundled_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, bundled_db, "lookup", "json.dumps")
    assert code == 0
    assert out.splitlines()[:10] == [
        "json.dumps(obj, *, skipkeys=False, ensure_ascii=True, check_circular=True, allow_nan=True, cls=None,",
        "indent=None, separators=None, default=None, sort_keys=False, **kw)  function · python 3.11",
        "",
        "Serialize obj to a JSON formatted str using this conversion table. The arguments have the same",
        "meaning as in dump().",
        "",
        "▌ Note: Keys in key/value pairs of JSON are always of the type str. When a dictionary is converted",
        "▌ into JSON, all the keys of the dictionary are coerced to strings. As a result of this, if a",
        "▌ dictionary is converted into JSON and then back into a dictionary, the dictionary may not equal",
        "▌ the original one. That is, loads(dumps(x)) != x if x has non-string keys.",
    ]
    assert out.endswith("\n\nhttps://docs.python.org/3.11/library/json.html#json.dumps\n")


def test_kwargs_signature_and_escaped_stars(
    bundled_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = _run(capsys, bundled_db, "lookup", "os.fdopen")
    assert out.splitlines()[0] == "os.fdopen(fd, *args, **kwargs)  function · python 3.11"
    # The body writes ``*\*args*`` (emphasis around an escaped star): read as "*args".
    _, out, _ = _run(capsys, bundled_db, "lookup", "multiprocessing.Value")
    assert (
        "character typecode of the kind used by the array module. *args is passed on to the "
        "constructor for\n"
    ) in out
    assert "\\*" not in out


def test_lookup_init_related_text(bundled_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, bundled_db, "lookup", "object.__init__")
    assert out.splitlines()[2:5] == [
        "Called after the instance has been created (by __new__()), but before it is returned to the caller.",
        "The arguments are those passed to the class constructor expression. If a base class has an",
        "__init__() method, the derived class’s __init__() method, if any, must explicitly call it to ensure",
    ]


def test_search_lines(bundled_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, bundled_db, "search", "__enter__", "--limit", "3")
    assert code == 0
    assert out.splitlines() == [
        "object.__enter__          method     Enter the runtime context related to this object. The with sta…",
        "contextmanager.__enter__  method     Enter the runtime context and return either this object or ano…",
        "winreg.PyHKEY.__enter__   method     The HKEY object implements __enter__() and __exit__() and thus…",
    ]
    code, out, _ = _run(capsys, bundled_db, "search", "path join", "--limit", "3")
    assert out.splitlines()[0].startswith("os.path.join               function   Join one or more")


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("json.dumps()", "json.dumps"),
        ("os.path.join(", "os.path.join"),
        (">>> os.path.join(a, 'b')", "os.path.join"),
        ("`str.split`", "str.split"),
        ("os.path.", "os.path"),
        ("json . dumps", "json.dumps"),
        ("async  for", "async for"),
        ("__init__", "__init__"),
        ("(", "("),
    ],
)
def test_typed_name(typed: str, name: str) -> None:
    assert typed_name(typed) == name


@pytest.mark.parametrize(
    ("typed", "first_line"),
    [
        ("json.dumps()", "json.dumps(obj, *, skipkeys=False"),
        ("os.path.join(", "os.path.join(path, *paths)  function · python 3.11"),
        ("JSON.dumps", "json.dumps(obj, *, skipkeys=False"),
        ("ORDEREDDICT", "collections.OrderedDict([items])  class · python 3.11"),
    ],
)
def test_lookup_forgives_what_people_type(
    bundled_db: Path, capsys: pytest.CaptureFixture[str], typed: str, first_line: str
) -> None:
    code, out, err = _run(capsys, bundled_db, "lookup", typed)
    assert (code, err) == (0, "")
    assert out.startswith(first_line)


def test_lookup_short_name_lists_candidates(
    bundled_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, bundled_db, "lookup", "dumps")
    assert code == 0 and out.startswith("json.dumps(")
    candidates = out.split("Other candidates:\n")[1].splitlines()
    assert [line.split()[0] for line in candidates][:2] == ["pickle.dumps", "marshal.dumps"]


def test_missing_name_says_which_docs_and_offers_nearest(
    bundled_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, bundled_db, "lookup", "os.path.joinn")
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0] == (
        "docs-daemon: 'os.path.joinn' is not in the python 3.11 docs; added in a later version?"
    )
    assert lines[1] == "Nearest matches:"
    assert lines[2].startswith("os.path.join  function   Join one or more path segments")
    # A module the docs know, a member they lack (new in 3.12): the version hint, nothing near.
    code, _, err = _run(capsys, bundled_db, "lookup", "itertools.batched")
    assert err.splitlines()[0].endswith("not in the python 3.11 docs; added in a later version?")
    # Nothing starts with the name: the names its shorter beginnings start, most alike first.
    code, _, err = _run(capsys, bundled_db, "lookup", "path.joinn")
    lines = err.splitlines()
    assert lines[1] == "Nearest matches:"
    assert lines[2].startswith("os.path.join "), lines
    code, out, err = _run(capsys, bundled_db, "lookup", "zzqqxx")
    assert (code, out) == (1, "")
    assert err == "docs-daemon: 'zzqqxx' is not in the docs searched (python 3.11)\n"


def test_info_table(bundled_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, bundled_db, "info")
    lines = out.splitlines()
    assert code == 0 and lines[0] == str(bundled_db)
    assert "served from memory" in lines[1] and "MiB" in lines[1] and "schema" in lines[1]
    assert lines[2].split() == ["docset", "version", "entries", "source", "links", "to"]
    assert lines[3].split()[:3] == ["python", "3.11", "9,368"]
    assert lines[3].endswith("https://docs.python.org/3.11/")


@pytest.mark.parametrize("command", [["lookup", "json.dumps"], ["search", "x"], ["info"]])
def test_errors_are_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    missing = tmp_path / "missing.sqlite"
    code, out, err = _run(capsys, missing, *command)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and str(missing) in err


@pytest.mark.parametrize("limit", ["0", "-3", "many"])
def test_limit_must_be_at_least_one(capsys: pytest.CaptureFixture[str], limit: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["search", "x", "--limit", limit])
    assert exit_info.value.code == 2
    assert "argument --limit" in capsys.readouterr().err


def test_help_shows_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["search", "--help"])
    assert "how many results (default: 20)" in capsys.readouterr().out


def _pty_output(argv: list[str], env: dict[str, str]) -> str:
    """Run ``argv`` on a real pseudo-terminal and return what it wrote."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(argv, stdout=follower, stderr=follower, env=env, cwd=ROOT)
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    output = b"".join(chunks).decode()
    assert process.wait(timeout=120) == 0, output
    return output


@pytest.mark.parametrize(
    ("extra_env", "styled", "coloured"),
    [({}, True, True), ({"NO_COLOR": "1"}, True, False), ({"TERM": "dumb"}, False, False)],
)
def test_terminal_styles_follow_the_environment(
    bundled_db: Path, extra_env: dict[str, str], styled: bool, coloured: bool
) -> None:
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", **extra_env}
    if "NO_COLOR" not in extra_env:
        env.pop("NO_COLOR", None)
    out = _pty_output(
        _cli("lookup", "object.__enter__", "--no-bundled", "--db", str(bundled_db)), env
    )
    assert "object.__enter__" in out and "__enter__()" not in out.replace("__enter__(self)", "")
    assert ("\x1b[1m" in out) is styled  # bold name
    assert ("\x1b]8;" in out) is styled  # the link to the with statement is clickable
    assert bool(_COLOUR.search(out)) is coloured  # code spans have a colour
    if not styled:
        assert out.splitlines()[0].rstrip() == "object.__enter__(self)  method · python 3.11"


def test_head_closes_the_pipe_quietly(bundled_db: Path) -> None:
    """``| head``: the reader leaves early; no traceback, exit 0, however the race goes.

    Three shapes of the race, each repeated: the reader gone before the first write, gone
    after one line of more output than a pipe holds (so a write must fail), and real ``head``.
    """
    db = ["--no-bundled", "--db", str(bundled_db)]
    for _ in range(2):
        early = subprocess.Popen(
            _cli("lookup", "with", *db), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert early.stdout is not None and early.stderr is not None
        early.stdout.close()
        assert early.wait(timeout=60) == 0
        assert early.stderr.read() == b""
        early.stderr.close()

        late = subprocess.Popen(
            _cli("search", "e", "--limit", "1000", *db),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert late.stdout is not None and late.stderr is not None
        assert late.stdout.readline()
        late.stdout.close()
        assert late.wait(timeout=60) == 0
        assert late.stderr.read() == b""
        late.stderr.close()

    command = " ".join(_cli("lookup", "with", *db)) + " | head -3"
    for _ in range(4):
        shell = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=60
        )
        assert (shell.returncode, shell.stderr) == (0, "")
        assert shell.stdout.splitlines() == [
            "with  keyword · python 3.11",
            "",
            "The with statement is used to wrap the execution of a block with methods defined by a context",
        ]


def test_a_bad_database_is_said_and_the_others_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.sqlite"
    code = main(["lookup", "json.dumps", "--db", str(missing)])
    captured = capsys.readouterr()
    assert code == 0 and "json.dumps" in captured.out
    assert captured.err.count("\n") == 1 and str(missing) in captured.err


@pytest.fixture(scope="module")
def flask_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Flask's docs as Debian ships them, built by the real CLI."""
    from tests.builder.conftest import FLASK_HTML, require_html, run_cli

    html = require_html(FLASK_HTML, "python-flask-doc")
    output = tmp_path_factory.mktemp("flask") / "flask.sqlite"
    result = run_cli("build", html, "--output", output, "--quiet")
    assert result.returncode == 0, result.stderr
    return output


def test_db_answers_short_names_before_the_bundled_docs(
    flask_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # ``get`` is also ``dict.get``, a builtin that the bundled docs rank first on their own.
    code = main(["lookup", "get", "--db", str(flask_db)])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0].startswith("flask.Flask.get(")
    code = main(["lookup", "get"])
    assert code == 0 and capsys.readouterr().out.startswith("dict.get(")
