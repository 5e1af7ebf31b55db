"""The pure matching and ranking rules, and that user text never becomes FTS5 syntax."""

from __future__ import annotations

import pytest

from docs_daemon.store.ranking import (
    Candidate,
    Tier,
    fts_query,
    is_subsequence,
    like_escape,
    match_tier,
    query_words,
    rank_search,
    subsequence_pattern,
)


@pytest.mark.parametrize(
    ("query", "qualname", "tier"),
    [
        ("dumps", "json.dumps", Tier.EXACT),
        ("json.dumps", "json.dumps", Tier.EXACT),
        ("ordereddict", "collections.OrderedDict", Tier.EXACT_ANY_CASE),
        ("dum", "json.dumps", Tier.NAME_PREFIX),
        ("os.path.jo", "os.path.join", Tier.NAME_PREFIX),  # a prefix of the full name
        ("path", "os.path.join", Tier.COMPONENT_PREFIX),
        # The end of a qualified name, as people shorten it.
        ("path.join", "os.path.join", Tier.EXACT_ANY_CASE),
        ("Path.read_text", "pathlib.Path.read_text", Tier.EXACT_ANY_CASE),
        ("path.joi", "os.path.join", Tier.NAME_PREFIX),
        ("path.join", "zipfile.Path.joinpath", Tier.NAME_PREFIX),
        ("ath.join", "os.path.join", Tier.SUBSTRING),  # not at a component's start
        ("path.join", "os.path", None),
        ("dict", "collections.OrderedDict", Tier.COMPONENT_PREFIX),  # camelCase word
        ("end", "collections.OrderedDict.move_to_end", Tier.COMPONENT_PREFIX),
        ("ickle", "pickle.dumps", None),
        ("ickle", "copyreg.pickle", Tier.SUBSTRING),
        ("odict", "collections.OrderedDict", Tier.FUZZY),
        ("xyz", "json.dumps", None),
        ("path join", "os.path.join", Tier.EXACT),
        ("path jo", "os.path.join", Tier.NAME_PREFIX),
        ("os join", "os.path.join", Tier.EXACT),
        ("json join", "os.path.join", None),
        # The other words must be whole words for the last one's tier to count.
        ("read file", "stat.FILE_ATTRIBUTE_READONLY", Tier.COMPONENT_PREFIX),
        ("readonly file", "stat.FILE_ATTRIBUTE_READONLY", Tier.NAME_PREFIX),
        ("attribute file", "stat.FILE_ATTRIBUTE_READONLY", Tier.NAME_PREFIX),
        ("ordered move", "collections.OrderedDict.move_to_end", Tier.NAME_PREFIX),
        ("server http", "http.server.HTTPServer", Tier.NAME_PREFIX),
        ("htt http", "http.server.HTTPServer", Tier.COMPONENT_PREFIX),
    ],
)
def test_match_tier(query: str, qualname: str, tier: Tier | None) -> None:
    assert match_tier(query, qualname, qualname.rsplit(".", 1)[-1]) == tier


@pytest.mark.parametrize(
    ("query", "qualname", "tier"),
    [
        ("http", "http.server.HTTPServer", Tier.NAME_PREFIX),
        ("http", "http.server.ThreadingHTTPServer", Tier.COMPONENT_PREFIX),  # acronym
        ("server", "http.server.HTTPServer", Tier.COMPONENT_PREFIX),
        ("serv", "socketserver.TCPServer", Tier.COMPONENT_PREFIX),  # camelCase hump
        ("tcp", "socketserver.TCPServer", Tier.NAME_PREFIX),
        ("256", "hashlib.sha256", Tier.COMPONENT_PREFIX),  # digits start a word
        ("to", "collections.OrderedDict.move_to_end", Tier.COMPONENT_PREFIX),
        ("rdered", "collections.OrderedDict", Tier.SUBSTRING),
        ("ocket", "socket.socket", Tier.SUBSTRING),
    ],
)
def test_word_starts(query: str, qualname: str, tier: Tier | None) -> None:
    assert match_tier(query, qualname, qualname.rsplit(".", 1)[-1]) == tier


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["dumps"], '"dumps"*'),
        (["path", "join"], '"path"* "join"*'),
        (["os.path"], '"os path"*'),
        (['"'], None),
        (["*"], None),
        (["AND"], '"AND"*'),
        (["NEAR(a", "b)"], '"NEAR a"*'),
        (["-x:y"], '"x y"*'),
        (["col:val"], '"col val"*'),
        (['"a" OR "b"'], '"a OR b"*'),
        (["a"], None),  # one letter: no prefix index, left to the name-prefix stage
    ],
)
def test_fts_query_quotes_everything(words: list[str], expected: str | None) -> None:
    assert fts_query(words) == expected


def test_like_escape_and_subsequence_pattern() -> None:
    assert like_escape("a_b%c\\") == "a\\_b\\%c\\\\"
    assert subsequence_pattern("o_d") == "o%\\_%d%"
    assert is_subsequence("odict", "ordereddict")
    assert not is_subsequence("odict", "dictionary")


def _candidate(
    qualname: str, priority: int = 0, precedence: int = 0, kind: str = "function"
) -> Candidate:
    return Candidate(
        hash(qualname), qualname, qualname.rsplit(".", 1)[-1], kind, priority, precedence
    )


def test_rank_search_orders_tiers_before_priority() -> None:
    candidates = [
        _candidate("collections.OrderedDict", priority=100, kind="class"),
        _candidate("os.path.join", priority=0),
        _candidate("os.path", priority=50, kind="module"),
        _candidate("shlex.join", priority=10),
    ]
    ranked = [c.qualname for c in rank_search("join", candidates, 10)]
    assert ranked == ["shlex.join", "os.path.join"]
    ranked = [c.qualname for c in rank_search("path", candidates, 10)]
    assert ranked == ["os.path", "os.path.join"]


def test_rank_search_keeps_the_first_database_for_a_qualname() -> None:
    candidates = [_candidate("json.dumps", precedence=1), _candidate("json.dumps", precedence=0)]
    ranked = rank_search("dumps", candidates, 10)
    assert [(c.qualname, c.precedence) for c in ranked] == [("json.dumps", 0)]


def test_query_words_keep_name_characters_only() -> None:
    assert query_words('json.dumps( "x" name:val NEAR(a) -b_c') == [
        "json.dumps",
        "x",
        "name",
        "val",
        "NEAR",
        "a",
        "b_c",
    ]
    assert query_words('"*:-()') == []
