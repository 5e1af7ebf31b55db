"""Docstring docsets of real distributions installed from PyPI (werkzeug, jinja2, django)."""

from __future__ import annotations

from pathlib import Path

import pytest

from docs_daemon.builder.records import DocEntry, Docset
from docs_daemon.builder.source_docs import build_docstring_docset, public_aliases
from docs_daemon.environment import Environment, find_environment
from docs_daemon.vocabulary import Kind
from tests.venvs import Venv


@pytest.fixture(scope="module")
def environment(real_venv: Venv) -> Environment:
    return find_environment(str(real_venv.path), None, {"PATH": ""})


def build(
    environment: Environment, key: str, workers: int | None = None
) -> tuple[Docset, dict[str, DocEntry]]:
    distribution = environment.distributions[key]
    docset = build_docstring_docset(distribution, environment=environment, workers=workers)
    assert docset.warnings == []
    return docset, {entry.qualname: entry for entry in docset.entries}


@pytest.fixture(scope="module")
def jinja2(environment: Environment) -> tuple[Docset, dict[str, DocEntry]]:
    return build(environment, "jinja2")


@pytest.fixture(scope="module")
def werkzeug(environment: Environment) -> tuple[Docset, dict[str, DocEntry]]:
    return build(environment, "werkzeug")


def source_url(venv: Venv, relative: str, line: int) -> str:
    return f"{(venv.site_packages / relative).as_uri()}#L{line}"


def test_jinja2_template(jinja2: tuple[Docset, dict[str, DocEntry]], real_venv: Venv) -> None:
    docset, entries = jinja2
    assert (docset.name, docset.version, docset.origin, docset.base_url, docset.source) == (
        "jinja2",
        "3.1.6",
        "docstrings",
        "https://jinja.palletsprojects.com/",
        "docstrings of Jinja2 3.1.6 (installed)",
    )
    assert entries["jinja2.Template"] == DocEntry(
        qualname="jinja2.Template",
        name="Template",
        kind=Kind.CLASS,
        parent="jinja2",
        # From Template.__new__, annotations and defaults as written.
        signature=(
            "(source: t.Union[str, nodes.Template], block_start_string: str = BLOCK_START_STRING, "
            "block_end_string: str = BLOCK_END_STRING, variable_start_string: str = "
            "VARIABLE_START_STRING, variable_end_string: str = VARIABLE_END_STRING, "
            "comment_start_string: str = COMMENT_START_STRING, comment_end_string: str = "
            "COMMENT_END_STRING, line_statement_prefix: t.Optional[str] = LINE_STATEMENT_PREFIX, "
            "line_comment_prefix: t.Optional[str] = LINE_COMMENT_PREFIX, trim_blocks: bool = "
            "TRIM_BLOCKS, lstrip_blocks: bool = LSTRIP_BLOCKS, newline_sequence: "
            "te.Literal['\\n', '\\r\\n', '\\r'] = NEWLINE_SEQUENCE, keep_trailing_newline: bool = "
            "KEEP_TRAILING_NEWLINE, extensions: t.Sequence[t.Union[str, t.Type['Extension']]] = "
            "(), optimized: bool = True, undefined: t.Type[Undefined] = Undefined, finalize: "
            "t.Optional[t.Callable[..., t.Any]] = None, autoescape: t.Union[bool, "
            "t.Callable[[t.Optional[str]], bool]] = False, enable_async: bool = False)"
        ),
        summary="A compiled template that can be rendered.",
        body=(
            "A compiled template that can be rendered.\n\n"
            "Use the methods on `Environment` to create or load templates.\n"
            "The environment is used to configure how templates are compiled and\nbehave.\n\n"
            "It is also possible to create a template object directly. This is\n"
            "not usually recommended. The constructor takes most of the same\n"
            "arguments as `Environment`. All templates created with the\n"
            "same environment arguments share the same ephemeral ``Environment``\n"
            "instance behind the scenes.\n\n"
            "A template object should be considered immutable. Modifications on\n"
            "the object are not supported."
        ),
        url=source_url(real_venv, "jinja2/environment.py", 1136),
    )


def test_jinja2_members_and_exceptions(jinja2: tuple[Docset, dict[str, DocEntry]]) -> None:
    _, entries = jinja2
    from_string = entries["jinja2.Environment.from_string"]
    assert (from_string.kind, from_string.parent, from_string.summary) == (
        Kind.METHOD,
        "jinja2.Environment",
        "Load a template from a source string without using `loader`.",
    )
    assert from_string.signature == (
        "(source: t.Union[str, nodes.Template], globals: t.Optional[t.MutableMapping[str, "
        "t.Any]] = None, template_class: t.Optional[t.Type['Template']] = None) -> Template"
    )
    assert "- `globals`: Extend the environment `globals` with" in from_string.body
    not_found = entries["jinja2.TemplateNotFound"]
    assert (not_found.kind, not_found.signature, not_found.summary) == (
        Kind.EXCEPTION,
        "(name: t.Optional[t.Union[str, 'Undefined']], message: t.Optional[str] = None)",
        "Raised if a template does not exist.",
    )
    assert "*Changed in 2.11*" in not_found.body
    assert entries["jinja2.Environment.sandboxed"].kind is Kind.ATTRIBUTE
    assert entries["jinja2.Template.render"].signature == "(*args: t.Any, **kwargs: t.Any) -> str"
    # Defined in jinja2.environment, published (and only documented) as jinja2.Template.
    assert "jinja2.environment.Template" not in entries


def test_jinja2_aliases(
    jinja2: tuple[Docset, dict[str, DocEntry]], environment: Environment
) -> None:
    docset, _ = jinja2
    assert docset.aliases["jinja2.environment.Template"] == "jinja2.Template"
    assert docset.aliases["jinja2.environment.Template.render"] == "jinja2.Template.render"
    assert docset.aliases["jinja2.loaders.FileSystemLoader"] == "jinja2.FileSystemLoader"
    published = public_aliases(environment.distributions["jinja2"])
    assert published["jinja2.environment.Template"] == "jinja2.Template"
    assert published["jinja2.utils.select_autoescape"] == "jinja2.select_autoescape"
    assert all(target.count(".") == 1 for target in published.values())


def test_werkzeug_secure_filename(
    werkzeug: tuple[Docset, dict[str, DocEntry]], real_venv: Venv
) -> None:
    _, entries = werkzeug
    assert entries["werkzeug.utils.secure_filename"] == DocEntry(
        qualname="werkzeug.utils.secure_filename",
        name="secure_filename",
        kind=Kind.FUNCTION,
        parent="werkzeug.utils",
        signature="(filename: str) -> str",
        summary=(
            "Validate and modify a filename so that it is safe to use on a regular filesystem "
            "and in `os.path.join`. This may produce an empty string if nothing in the filename "
            "could be safely preserved."
        ),
        body=(
            "Validate and modify a filename so that it is safe to use on a regular\n"
            "filesystem and in `os.path.join`. This may produce an empty string if\n"
            "nothing in the filename could be safely preserved.\n\n"
            "Only the ASCII letters, digits, and ``._-`` characters are allowed, all\n"
            "others are removed or replaced. Unicode characters are decomposed and\n"
            "replaced with ASCII equivalents according to NFKD. ``/`` (and ``\\`` on\n"
            "Windows) and whitespace, are replaced with ``_``. Surrounding ``._``\n"
            "characters are removed.\n\n"
            "On Windows, special device names such as ``CON`` and ``NUL`` will be\n"
            "prefixed with ``_`` to avoid access.\n\n"
            "This only considers the filename, it does not validate if the file does or\n"
            "does not exist, if it is a symlink, or other properties of the file.\n"
            "- `filename`: The filename to validate and modify.\n\n"
            "*Added in 0.5*"
        ),
        url=source_url(real_venv, "werkzeug/utils.py", 188),
    )


def test_werkzeug_request(werkzeug: tuple[Docset, dict[str, DocEntry]]) -> None:
    docset, entries = werkzeug
    request = entries["werkzeug.Request"]
    assert (request.kind, request.signature) == (
        Kind.CLASS,
        "(environ: WSGIEnvironment, populate_request: bool = True, shallow: bool = False)",
    )
    limit = entries["werkzeug.Request.max_content_length"]
    assert limit.kind is Kind.ATTRIBUTE
    assert limit.body.startswith("```python\nmax_content_length: int | None = None\n```\n\n")
    assert limit.summary.startswith("Stop reading data after this many bytes")
    for spelling in ("werkzeug.wrappers.Request", "werkzeug.wrappers.request.Request"):
        assert docset.aliases[spelling] == "werkzeug.Request"
    assert docset.aliases["werkzeug.wrappers.request.Request.get_data"] == (
        "werkzeug.Request.get_data"
    )
    getlist = entries["werkzeug.datastructures.MultiDict.getlist"]
    assert getlist.signature == (
        "(key: K, type: cabc.Callable[[V], T] | None = None) -> list[V] | list[T]"
    )
    assert getlist.body.endswith(
        "**Overloads**\n\n```python\ngetlist(key: K) -> list[V]\n"
        "getlist(key: K, type: cabc.Callable[[V], T]) -> list[T]\n```"
    )
    assert entries["werkzeug.exceptions.NotFound"].kind is Kind.EXCEPTION
    # Inherited from the sans-IO base class, documented there.
    assert docset.aliases["werkzeug.Request.args"] == "werkzeug.sansio.request.Request.args"
    assert "werkzeug.sansio.request.Request.args" in entries
    assert "werkzeug.Request.get_data" not in docset.aliases  # its own entry


def test_official_docs_spelling(environment: Environment) -> None:
    """Werkzeug's own docs document ``werkzeug.wrappers.Request``: aliases lead there."""
    documented = {"werkzeug.wrappers.Request", "werkzeug.wrappers.Request.get_data"}
    aliases = public_aliases(environment.distributions["werkzeug"], documented)
    assert aliases == {
        # werkzeug/debug/__init__.py imports Request for itself: still a working spelling.
        "werkzeug.debug.Request": "werkzeug.wrappers.Request",
        "werkzeug.debug.Request.get_data": "werkzeug.wrappers.Request.get_data",
        "werkzeug.Request": "werkzeug.wrappers.Request",
        "werkzeug.Request.get_data": "werkzeug.wrappers.Request.get_data",
        "werkzeug.wrappers.request.Request": "werkzeug.wrappers.Request",
        "werkzeug.wrappers.request.Request.get_data": "werkzeug.wrappers.Request.get_data",
    }


@pytest.mark.slow
def test_django(environment: Environment, real_venv: Venv, tmp_path: Path) -> None:
    # Two spawned workers, whatever the machine: the pool's results must be the same.
    docset, entries = build(environment, "django", workers=2)
    assert entries["django.shortcuts.get_object_or_404"] == DocEntry(
        qualname="django.shortcuts.get_object_or_404",
        name="get_object_or_404",
        kind=Kind.FUNCTION,
        parent="django.shortcuts",
        signature="(klass, *args, **kwargs)",
        summary=(
            "Use get() to return an object, or raise an Http404 exception if the object "
            "does not exist."
        ),
        body=(
            "Use get() to return an object, or raise an Http404 exception if the object\n"
            "does not exist.\n\n"
            "klass may be a Model, Manager, or QuerySet object. All other passed\n"
            "arguments and keyword arguments are used in the get() query.\n\n"
            "Like with QuerySet.get(), MultipleObjectsReturned is raised if more than\n"
            "one object is found."
        ),
        url=source_url(real_venv, "django/shortcuts.py", 69),
    )
    # Published through django.db.models' __all__ (built from other modules' __all__).
    assert docset.aliases["django.db.models.base.Model"] == "django.db.models.Model"
    assert docset.aliases["django.db.models.query.QuerySet.filter"] == (
        "django.db.models.QuerySet.filter"
    )
    assert entries["django.db.models.QuerySet.filter"].summary == (
        "Return a new QuerySet instance with the args ANDed to the existing set."
    )
    assert entries["django.db.models.CharField"].kind is Kind.CLASS
    assert docset.aliases["django.http.HttpResponse.set_cookie"] == (
        "django.http.HttpResponseBase.set_cookie"
    )
    assert entries["django.http.Http404"].kind is Kind.EXCEPTION
    assert entries["django.core.exceptions.ObjectDoesNotExist"].kind is Kind.EXCEPTION
    assert not any(".tests." in name for name in entries)
