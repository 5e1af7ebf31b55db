"""Each query kind on the real bundled database, for a table of real names."""

from __future__ import annotations

import pytest

from docs_daemon.schema import Kind
from docs_daemon.store import DocStore


@pytest.mark.parametrize(
    ("qualname", "kind", "parent"),
    [
        ("json.dumps", Kind.FUNCTION, "json"),
        ("os.path.join", Kind.FUNCTION, "os.path"),
        ("str.split", Kind.METHOD, "str"),
        ("collections.OrderedDict", Kind.CLASS, "collections"),
        ("collections.OrderedDict.move_to_end", Kind.METHOD, "collections.OrderedDict"),
        ("pathlib", Kind.MODULE, None),
        ("ValueError", Kind.EXCEPTION, None),
    ],
)
async def test_lookup_real_names(
    store: DocStore, qualname: str, kind: Kind, parent: str | None
) -> None:
    entry = await store.lookup(qualname)
    assert entry is not None
    assert (entry.qualname, entry.kind, entry.parent) == (qualname, kind, parent)
    assert entry.docset == "python"
    assert entry.url.startswith("https://docs.python.org/3.11/")
    assert "#" in entry.url
    assert entry.body  # hover needs the whole section


async def test_lookup_signature_and_summary_come_from_the_docs(store: DocStore) -> None:
    entry = await store.lookup("json.dumps")
    assert entry is not None
    assert entry.signature.startswith("(obj")
    assert "JSON" in entry.summary


@pytest.mark.parametrize("qualname", ["json.dump_s", "", "JSON.DUMPS", "no.such.thing", "json.%"])
async def test_lookup_is_exact(store: DocStore, qualname: str) -> None:
    assert await store.lookup(qualname) is None


async def test_lookup_many_keeps_order_and_drops_missing(store: DocStore) -> None:
    names = ["os.path.join", "missing.name", "json.dumps", "str.split"]
    entries = await store.lookup_many(names)
    assert [e.qualname for e in entries] == ["os.path.join", "json.dumps", "str.split"]


@pytest.mark.parametrize(
    ("name", "context", "first", "also"),
    [
        ("dumps", (), "json.dumps", {"pickle.dumps", "marshal.dumps"}),
        ("split", ("str",), "str.split", {"bytes.split", "re.split"}),
        ("split", ("re",), "re.split", {"str.split"}),
        ("path.join", (), "os.path.join", set()),
        ("json.dumps", (), "json.dumps", set()),
        ("move_to_end", (), "collections.OrderedDict.move_to_end", set()),
        ("OrderedDi", (), None, {"collections.OrderedDict", "typing.OrderedDict"}),
        ("open", (), "open", {"os.open"}),
    ],
)
async def test_resolve_short_names(
    store: DocStore, name: str, context: tuple[str, ...], first: str | None, also: set[str]
) -> None:
    found = [entry.qualname for entry in await store.resolve(name, context, limit=20)]
    assert found
    if first is not None:
        assert found[0] == first
    assert also <= set(found)
    assert len(found) == len(set(found))


async def test_resolve_without_context_prefers_builtin_types(store: DocStore) -> None:
    found = [entry.qualname for entry in await store.resolve("split", limit=8)]
    assert found.index("str.split") < found.index("re.split")


@pytest.mark.parametrize(
    ("parent", "prefix", "expected"),
    [
        ("os.path", "", {"join", "exists", "basename", "dirname", "splitext"}),
        ("os.path", "jo", {"join"}),
        ("os.path", "EX", {"exists", "expanduser", "expandvars"}),
        ("collections.OrderedDict", "move", {"move_to_end"}),
        ("json", "dump", {"dump", "dumps"}),
        ("str", "spl", {"split", "splitlines"}),
    ],
)
async def test_members(store: DocStore, parent: str, prefix: str, expected: set[str]) -> None:
    found = await store.members(parent, prefix)
    names = [entry.name for entry in found]
    assert expected <= set(names)
    assert all(entry.parent == parent for entry in found)
    assert all(name.lower().startswith(prefix.lower()) for name in names)
    assert names == sorted(names, key=str.lower)


async def test_members_of_unknown_parent_and_limit(store: DocStore) -> None:
    assert await store.members("no.such.module") == []
    assert len(await store.members("os", limit=5)) == 5


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("xml.e", {"xml.etree.ElementTree"}),
        ("os", {"os", "os.path"}),
        ("concurrent.", {"concurrent.futures"}),
        ("json", {"json"}),
    ],
)
async def test_modules(store: DocStore, prefix: str, expected: set[str]) -> None:
    found = await store.modules(prefix)
    names = {entry.qualname for entry in found}
    assert expected <= names
    assert all(entry.kind is Kind.MODULE and entry.qualname.startswith(prefix) for entry in found)


@pytest.mark.parametrize(
    ("query", "first", "within"),
    [
        ("dumps", "json.dumps", {"pickle.dumps", "marshal.dumps"}),
        ("path join", "os.path.join", set()),
        ("os.path.jo", "os.path.join", set()),
        ("move_to_end", "collections.OrderedDict.move_to_end", set()),
        ("odict", None, {"collections.OrderedDict"}),
        ("ickle", None, {"pickle"}),
        ("ThreadPoolExec", "concurrent.futures.ThreadPoolExecutor", set()),
    ],
)
async def test_search_ranking(
    store: DocStore, query: str, first: str | None, within: set[str]
) -> None:
    found = [entry.qualname for entry in await store.search(query, limit=20)]
    if first is not None:
        assert found[0] == first
    assert within <= set(found)
    assert len(found) == len(set(found))


@pytest.mark.parametrize(
    ("phrase", "wanted"),
    [
        ("read file", {"open", "pathlib.Path.read_text"}),
        ("reading a file", {"open", "pathlib.Path.read_text"}),
        ("sort list", {"sorted", "list.sort"}),
        ("split string", {"str.split"}),
        ("current working directory", {"os.getcwd"}),
        ("sleep seconds", {"time.sleep"}),
        ("list files in directory", {"os.listdir", "os.scandir"}),
        ("make directory", {"os.mkdir", "os.makedirs"}),
        ("copy file", {"shutil.copyfile", "shutil.copy"}),
        ("regular expression", {"re", "re.compile"}),
        ("ordered dict", {"collections.OrderedDict"}),
        ("absolute value", {"abs"}),
    ],
)
async def test_search_phrases_people_type(store: DocStore, phrase: str, wanted: set[str]) -> None:
    """When no name starts with what was typed, the words of the summaries count: one of
    the entries meant is among the first three."""
    found = [entry.qualname for entry in await store.search(phrase, limit=10)]
    assert wanted & set(found[:3]), found


async def test_a_phrase_does_not_outrank_a_name(store: DocStore) -> None:
    # Names that start with what was typed come before any phrase match.
    assert (await store.search("path join", 5))[0].qualname == "os.path.join"
    assert (await store.search("async for", 5))[0].qualname == "async for"
    found = [entry.qualname for entry in await store.search("http server", 5)]
    assert found[0] == "http.server"


async def test_search_tiers_come_in_order(store: DocStore) -> None:
    found = await store.search("dump", limit=50)
    names = [entry.name for entry in found]
    exact = [i for i, name in enumerate(names) if name == "dump"]
    prefix = [i for i, name in enumerate(names) if name != "dump" and name.startswith("dump")]
    assert exact and prefix
    assert max(exact) < min(prefix)


async def test_search_one_letter_is_bounded_but_answers(store: DocStore) -> None:
    found = await store.search("a", limit=50)
    assert len(found) == 50
    assert all("a" in entry.qualname.lower() for entry in found)


async def test_docsets(store: DocStore) -> None:
    (docset,) = await store.docsets()
    assert docset.name == "python"
    assert docset.version.startswith("3.11")
    assert docset.entry_count > 9000


async def test_use_docsets_filters_every_query(store: DocStore) -> None:
    store.use_docsets(["some-other-docset"])
    assert await store.lookup("json.dumps") is None
    assert await store.search("dumps") == []
    assert await store.members("os.path") == []
    assert await store.resolve("dumps") == []
    store.use_docsets(["python"])
    assert await store.lookup("json.dumps") is not None
    store.use_docsets(None)
    assert await store.search("dumps")


@pytest.mark.parametrize(
    "query",
    ['"', '""', "*", "dump*", "AND", "a AND b", "OR", "NOT x", "NEAR(", "NEAR(a b)", "-", "-x",
     ":", "name:dumps", "col:", "^dumps", "(", ")", "{a b}", "'", "\\", "dumps\"", '"json" OR'],
)  # fmt: skip
async def test_fts_syntax_in_user_text_is_plain_characters(store: DocStore, query: str) -> None:
    found = await store.search(query, limit=10)
    assert isinstance(found, list)
    assert len({entry.qualname for entry in found}) == len(found)


async def test_fts_words_still_match_inside_syntax(store: DocStore) -> None:
    # Only letters and digits reach the index: "name:dumps" searches the words name, dumps.
    assert (await store.search("dumps*", 3))[0].qualname == "json.dumps"
    assert (await store.search("json.dumps(", 3))[0].qualname == "json.dumps"
    assert "json.dumps" in {e.qualname for e in await store.search('"json" dumps', 10)}


@pytest.mark.parametrize(("prefix", "count"), [("%", 0), ("_", None), ("\\", 0)])
async def test_like_wildcards_in_prefixes_are_literal(
    store: DocStore, prefix: str, count: int | None
) -> None:
    found = await store.members("os", prefix)
    assert all(entry.name.startswith(prefix) for entry in found)
    if count is not None:
        assert len(found) == count
    assert all(e.qualname.startswith("%") for e in await store.modules("%"))


@pytest.mark.parametrize("text", ["\ud800", "json.\udcff", "dumps\udfff", "\udcff\udcfe"])
async def test_lone_surrogates_are_text_not_errors(store: DocStore, text: str) -> None:
    """JSON escapes and undecodable command-line bytes reach the store as lone surrogates."""
    assert await store.lookup(text) is None
    assert await store.lookup_many([text, "json.dumps"]) != []
    assert isinstance(await store.search(text), list)
    assert isinstance(await store.resolve(text), list)
    assert await store.members(text) == []
    assert isinstance(await store.members("os", text), list)
    assert isinstance(await store.modules(text), list)


@pytest.mark.parametrize(
    ("typed", "qualname"),
    [
        ("JSON.dumps", "json.dumps"),
        ("JSON.DUMPS", "json.dumps"),
        ("os.PATH.join", "os.path.join"),
        ("collections.ordereddict", "collections.OrderedDict"),
        ("logging.getlogger", "logging.getLogger"),
        ("json.dumps", "json.dumps"),
        ("WITH", "with"),
    ],
)
async def test_lookup_nocase_forgives_case(store: DocStore, typed: str, qualname: str) -> None:
    entry = await store.lookup_nocase(typed)
    assert entry is not None and entry.qualname == qualname


@pytest.mark.parametrize("typed", ["json.dump_s", "", "no.such.thing", "json.%", "JSON.dumps("])
async def test_lookup_nocase_still_needs_the_whole_name(store: DocStore, typed: str) -> None:
    assert await store.lookup_nocase(typed) is None


@pytest.mark.parametrize(
    ("typed", "qualname"),
    [
        ("random.Random", "random.Random"),
        ("random.random", "random.random"),
        ("inspect.signature", "inspect.signature"),
        ("inspect.Signature", "inspect.Signature"),
        # Neither spelling: the higher-ranked of the two (a class before a function).
        ("INSPECT.SIGNATURE", "inspect.Signature"),
    ],
)
async def test_lookup_nocase_prefers_the_exact_case(
    store: DocStore, typed: str, qualname: str
) -> None:
    entry = await store.lookup_nocase(typed)
    assert entry is not None and entry.qualname == qualname
