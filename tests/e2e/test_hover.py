"""Hover over real code resolves to the official docs text (a table of real-world cases)."""

from __future__ import annotations

import asyncio
import time

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import open_document, plain_text, split_cursor, units

#: (code with ‸ at the cursor, the qualified name the hover must head with, a phrase of the
#: official docs text for that entry). Phrases are the Python 3.11 documentation's words.
CASES: list[tuple[str, str, str]] = [
    # dotted names through the document's imports
    ("import json\njson.du‸mps({})", "json.dumps", "Serialize"),
    ("import json\njs‸on.dumps({})", "json", "JSON"),
    ("import json\njson.lo‸ads('1')", "json.loads", "Deserialize"),
    ("import numpy as np\nimport json as j\nj.dum‸ps(1)", "json.dumps", "Serialize"),
    ("from os import path\npath.jo‸in('a', 'b')", "os.path.join", "Join one or more path"),
    ("import os.path\nos.path.jo‸in('a')", "os.path.join", "Join one or more path"),
    ("import os\nos.path.exi‸sts('a')", "os.path.exists", "Return True"),
    (
        "from collections import OrderedDict as OD\nO‸D()",
        "collections.OrderedDict",
        "dict subclass",
    ),
    (
        "import collections\ncollections.OrderedDict.move_to‸_end",
        "collections.OrderedDict.move_to_end",
        "Move an existing",
    ),
    ("import datetime\ndatetime.datetime.n‸ow()", "datetime.datetime.now", "local date and time"),
    (
        "from datetime import datetime\ndatetime.no‸w()",
        "datetime.datetime.now",
        "local date and time",
    ),
    ("import pathlib\npathlib.Pa‸th('.')", "pathlib.Path", "path"),
    ("import re\nre.comp‸ile('a')", "re.compile", "regular expression"),
    ("import re\nre.sp‸lit(',', 'a,b')", "re.split", "Split"),
    ("import subprocess\nsubprocess.ru‸n(['ls'])", "subprocess.run", "Run the command"),
    ("import itertools\nitertools.cha‸in([], [])", "itertools.chain", "iterator"),
    ("import functools\n@functools.ca‸che\ndef f(): pass", "functools.cache", "cache"),
    ("import asyncio\nasyncio.ga‸ther()", "asyncio.gather", "concurrently"),
    ("from pathlib import Path\nPath.cw‸d()", "pathlib.Path.cwd", "current directory"),
    ("import typing\ntyping.Opti‸onal[int]", "typing.Optional", "Optional"),
    ("import sys\nsys.ar‸gv", "sys.argv", "command line arguments"),
    ("import math\nmath.sq‸rt(2)", "math.sqrt", "square root"),
    ("import urllib.parse\nurllib.parse.urlpa‸rse('x')", "urllib.parse.urlparse", "URL"),
    ("import xml.etree.ElementTree as ET\nET.pa‸rse('f')", "xml.etree.ElementTree.parse", "Parses"),
    ("import logging\nlogging.getLo‸gger()", "logging.getLogger", "logger"),
    ("from json import dumps\ndum‸ps(1)", "json.dumps", "Serialize"),
    # builtins
    ("le‸n([])", "len", "Return the length"),
    ("pri‸nt('x')", "print", "Print"),
    ("x = di‸ct()", "dict", "dictionary"),
    ("raise ValueEr‸ror('x')", "ValueError", "inappropriate value"),
    ("isinst‸ance(1, int)", "isinstance", "Return True"),
    ("sor‸ted([3, 1])", "sorted", "Return a new sorted list"),
    ("enumer‸ate([])", "enumerate", "enumerate object"),
    ("str.spl‸it('a b')", "str.split", "Return a list of the words"),
    # methods on literals and obvious constructors
    ('"x".spl‸it()', "str.split", "Return a list of the words"),
    ("'a,b'.jo‸in([])", "str.join", "concatenation"),
    ("[].appe‸nd(1)", "list.append", "end of the sequence"),
    ("{}.ge‸t('k')", "dict.get", "Return the value for key"),
    ('b"".deco‸de()', "bytes.decode", "Return the bytes decoded"),
    ("set().uni‸on({1})", "set.union", "Return a new set"),
    ("dict(a=1).ite‸ms()", "dict.items", "Return a new view"),
    # receivers typed by annotations (inference)
    (
        "from pathlib import Path\ndef f(p: Path):\n    return p.gl‸ob('*')",
        "pathlib.Path.glob",
        "Glob the given relative pattern",
    ),
    (
        "def f(proxies: dict[str, str] | None):\n    return proxies.co‸py()",
        "dict.copy",
        "shallow copy",
    ),
    (
        "import re\nfrom typing import Optional\ndef f(m: Optional[re.Match]):\n    m.gro‸up()",
        "re.Match.group",
        "subgroups",
    ),
    # attributes of self, set in __init__ or annotated in the class
    (
        "class A:\n    def __init__(self):\n        self.items = []\n"
        "    def f(self):\n        self.items.app‸end(1)",
        "list.append",
        "end of the sequence",
    ),
    (
        "import threading\nclass A:\n    def __init__(self):\n        self.lock = threading.Lock()\n"
        "    def f(self):\n        self.lock.acqu‸ire()",
        "threading.Lock.acquire",
        "Acquire a lock",
    ),
    (
        "class A:\n    names: dict[str, int]\n    def f(self):\n        return self.names.ke‸ys()",
        "dict.keys",
        "Return a new view",
    ),
    # an attribute the stdlib sets on ``self`` in ``__init__`` (documented on the class)
    (
        "import logging\nlog = logging.getLogger(__name__)\nlog.propa‸gate = False",
        "logging.Logger.propagate",
        "ancestor",
    ),
    # results of calls, chained
    (
        "import hashlib\nhashlib.sha1(b'x').hexdig‸est()",
        "hashlib.hash.hexdigest",
        "hexadecimal",
    ),
    ("def f(key: str):\n    return key.lower().enc‸ode()", "str.encode", "encoded"),
    ("import re\nre.match('a', 'a').gro‸up()", "re.Match.group", "subgroups"),
    (
        "class A:\n    def __init__(self):\n        super().__in‸it__()",
        "object.__init__",
        "after the instance has been created",
    ),
    # locals assigned from calls, loops and with statements
    ("import re\nm = re.match('a', 'b')\nm.gro‸up()", "re.Match.group", "subgroups"),
    ("import pathlib\np = pathlib.Path('.')\np.exi‸sts()", "pathlib.Path.exists", "exists"),
    (
        "from collections import OrderedDict as OD\ncache = OD()\ncache.move_to_e‸nd(1)",
        "collections.OrderedDict.move_to_end",
        "Move an existing",
    ),
    ("for k in ['a', 'b']:\n    k.upp‸er()", "str.upper", "uppercase"),
    (
        "import zipfile\nwith zipfile.ZipFile('f') as z:\n    z.namel‸ist()",
        "zipfile.ZipFile.namelist",
        "Return a list of archive members",
    ),
    ('x = "a"\nx.spl‸it()', "str.split", "Return a list of the words"),
    # keywords and statements: the Language Reference text
    ("wi‸th open('f') as f:\n    pass", "with", "with"),
    ("def f():\n    yi‸eld 1", "yield", "yield"),
    ("f = lamb‸da x: x", "lambda", "Lambda"),
    ("async def f():\n    awa‸it g()", "await", "await"),
    ("asy‸nc def f():\n    pass", "async", "coroutine"),
    ("def f():\n    glo‸bal x", "global", "global"),
    ("ma‸tch command:\n    case 1:\n        pass", "match", "match"),
    ("tr‸y:\n    pass\nexcept Exception:\n    pass", "try", "try"),
    ("def f():\n    retu‸rn 1", "return", "return"),
    ("impo‸rt os", "import", "import"),
    ("while True:\n    bre‸ak", "break", "break"),
    ("ra‸ise ValueError", "raise", "raise"),
    # code being edited: syntax errors elsewhere do not break hover
    ("import json\ndef broken(:\n    x = [\njson.dum‸ps(1)", "json.dumps", "Serialize"),
    ("import os\nos.path.jo‸in(\nclass", "os.path.join", "Join one or more path"),
    # non-ASCII before the symbol (LSP positions are UTF-16 code units)
    ("import json\ns = '😀😀'; json.du‸mps(s)", "json.dumps", "Serialize"),
    ("import json\n名前 = json.lo‸ads('1')", "json.loads", "Deserialize"),
    ("import os\n# ünïcødé 🐍\nx = '𝔘𝔫𝔦'; os.getc‸wd()", "os.getcwd", "current working directory"),
    ("import json\nemoji = '👩‍👩‍👧'; json.dum‸ps(emoji)", "json.dumps", "Serialize"),
]


#: Seconds a hover may keep answering null before the case fails (see the test).
INFERENCE_PATIENCE = 30.0


def _hover_text(result: types.Hover | None) -> str:
    assert result is not None, "expected a hover, got null"
    assert isinstance(result.contents, types.MarkupContent)
    assert result.contents.kind == types.MarkupKind.Markdown
    return result.contents.value


@pytest.mark.parametrize(("marked", "qualname", "phrase"), CASES, ids=[c[1] for c in CASES])
async def test_hover_shows_official_docs(
    client: LanguageClient, marked: str, qualname: str, phrase: str
) -> None:
    text, position = split_cursor(marked, client)
    uri = open_document(client, text)
    params = types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position
    )
    result = await client.text_document_hover_async(params)
    # Type inference has a bound per question: on a loaded machine the first question about
    # a file may pass it; as in an editor, hovering again finds the answer ready.
    deadline = time.monotonic() + INFERENCE_PATIENCE
    while result is None and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        result = await client.text_document_hover_async(params)
    value = _hover_text(result)
    head = value.split("\n\n", 1)[0]
    assert qualname in head, f"hover heads with {head!r}, expected {qualname}"
    assert phrase.lower() in plain_text(value).lower()
    assert "docs.python.org/3.11/" in value  # the link to the online page


async def test_hover_range_covers_expression_in_client_units(client: LanguageClient) -> None:
    text, position = split_cursor("import json\ns = '😀'; json.du‸mps(s)", client)
    uri = open_document(client, text)
    result = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    assert result is not None and result.range is not None
    line = text.splitlines()[1]
    start = units(line[: line.index("json.dumps")], client)
    assert result.range == types.Range(
        start=types.Position(line=1, character=start),
        end=types.Position(line=1, character=start + len("json.dumps")),
    )


async def test_hover_when_inference_sees_several_types_lists_them(
    client: LanguageClient,
) -> None:
    marked = "def f(data: str | bytes):\n    return data.spl‸it()"
    text, position = split_cursor(marked, client)
    uri = open_document(client, text)
    result = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    value = _hover_text(result)
    assert "str.split" in value and "bytes.split" in value
    assert "re.split" not in value


async def test_hover_on_unknown_receiver_lists_candidates(client: LanguageClient) -> None:
    text, position = split_cursor("def f(x):\n    return x.spl‸it()", client)
    uri = open_document(client, text)
    result = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    value = _hover_text(result)
    assert "candidates" in value.lower()
    assert "str.split" in value
    assert value.count("```python") >= 2  # more than one candidate, each with its signature


#: Names the code binds itself: never the docs of a standard-library namesake.
SHADOWED = [
    "def f(json):\n    js‸on.dumps(1)",
    "def f(json):\n    json.dum‸ps(1)",
    "for code in codes:\n    print(co‸de)",
    "type = attrib()\nprint(ty‸pe)",
    "def f(chunk):\n    return chu‸nk.read()",
    "def f(chunk):\n    return chunk.re‸ad()",
    "token = next(tokens)\ntok‸en",
    "def f(cmd, help, min):\n    return cm‸d, he‸lp, mi‸n",
    "from . import types\ntyp‸es.X",
    "class ConnectionError(Exception):\n    pass\nraise ConnectionErr‸or()",
    "def copy(x):\n    return x\nco‸py(1)",
    "import json\ndef f(json=None):\n    return json.du‸mps(1)",
    "ch‸unk.read()",  # not bound, not imported: not the chunk module either
    "os.path.jo‸in('a')",  # os is never imported here
    "with open(p) as string:\n    strin‸g.read()",
    "try:\n    pass\nexcept Exception as signal:\n    sig‸nal.args",
    "items = [code for code in x]\nco‸de",
    "lambda json: js‸on",
    "match x:\n    case {'a': json}:\n        js‸on",
]


@pytest.mark.parametrize("marked", SHADOWED)
async def test_names_the_code_binds_never_show_a_stdlib_namesake(
    client: LanguageClient, marked: str
) -> None:
    for index in range(marked.count("‸")):
        one = marked.replace("‸", "", index)
        one = one[: one.index("‸") + 1] + one[one.index("‸") + 1 :].replace("‸", "")
        text, position = split_cursor(one, client)
        uri = open_document(client, text)
        result = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=position
            )
        )
        assert result is None, (one, result)


@pytest.mark.parametrize(
    "marked",
    [
        "x = 1‸23",  # a number
        "s = 'json.du‸mps'",  # inside a string
        "# json.du‸mps",  # inside a comment
        "unknown_thi‸ng_xyz()",  # nothing documented
        "import json\n\n‸\n",  # an empty line
    ],
)
async def test_hover_nothing_found_is_null(client: LanguageClient, marked: str) -> None:
    text, position = split_cursor(marked, client)
    uri = open_document(client, text)
    result = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    assert result is None


async def test_hover_length_is_bounded_and_fences_balanced(client: LanguageClient) -> None:
    # subprocess.Popen has one of the longest entries in the docs.
    text, position = split_cursor("import subprocess\nsubprocess.Po‸pen", client)
    uri = open_document(client, text)
    result = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    value = _hover_text(result)
    assert len(value) < 4000 + 600  # default hoverMaxLength plus heading and link
    assert value.count("```") % 2 == 0
    assert "online docs" in value
