"""The fixed workload every server gets: a real Python file using real stdlib symbols, the
cursor positions to hover, and the official docs phrase each hover is checked for."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

#: Real, commonly used stdlib names; those missing from the database are left out at run time.
SYMBOLS = (
    "json.dumps",
    "json.loads",
    "os.path.join",
    "os.path.exists",
    "os.getcwd",
    "os.listdir",
    "re.compile",
    "re.sub",
    "subprocess.run",
    "shutil.copyfile",
    "collections.OrderedDict",
    "collections.Counter",
    "itertools.chain",
    "functools.partial",
    "functools.lru_cache",
    "pathlib.Path",
    "time.sleep",
    "time.monotonic",
    "datetime.datetime",
    "math.sqrt",
    "random.choice",
    "shlex.quote",
    "base64.b64encode",
    "textwrap.dedent",
    "typing.cast",
    "asyncio.gather",
    "asyncio.sleep",
    "argparse.ArgumentParser",
    "logging.getLogger",
    "sqlite3.connect",
    "tempfile.mkdtemp",
    "heapq.heappush",
    "bisect.bisect_left",
    "statistics.median",
    "struct.pack",
    "zlib.compress",
    "urllib.parse.urlparse",
    "uuid.uuid4",
    "copy.deepcopy",
    "contextlib.suppress",
)

#: Workspace-symbol queries a person types (names, prefixes, two words).
SYMBOL_QUERIES = (
    "dumps",
    "join",
    "OrderedDict",
    "getLogger",
    "path exists",
    "urlparse",
    "deepcopy",
    "gather",
    "Counter",
    "mkdtemp",
)

#: The heavy queries of the search flood: one letter matches a large part of the docs.
FLOOD_QUERIES = tuple("aeiostrnlcdpmu")

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[*`_\\]")
_SPACE = re.compile(r"\s+")
PHRASE_WORDS = 6


@dataclass(frozen=True, slots=True)
class HoverPoint:
    """One symbol in the file: where to hover and the docs phrase the answer should contain."""

    qualname: str
    line: int
    character: int
    phrase: str


@dataclass(frozen=True, slots=True)
class Workload:
    source: str
    points: tuple[HoverPoint, ...]
    #: A second document: the cursor right after ``os.path.`` (completion).
    completion_source: str
    completion_line: int
    completion_character: int


def plain(markdown: str) -> str:
    """Markdown reduced to comparable words: links to their text, no emphasis, one space."""
    return _SPACE.sub(" ", _MARKUP.sub("", _LINK.sub(r"\1", markdown))).strip().lower()


def summaries(database: Path, qualnames: tuple[str, ...]) -> dict[str, str]:
    """The official summary of each name found in ``database`` (read straight from the file)."""
    connection = sqlite3.connect(f"file:{database.resolve().as_posix()}?mode=ro", uri=True)
    try:
        found = {}
        for qualname in qualnames:
            row = connection.execute(
                "SELECT summary FROM entries WHERE qualname = ? ORDER BY priority DESC LIMIT 1",
                (qualname,),
            ).fetchone()
            if row is not None and row[0].strip():
                found[qualname] = row[0]
        return found
    finally:
        connection.close()


def build(database: Path) -> Workload:
    """The hover file (imports, then one assignment per symbol) and its hover points."""
    texts = summaries(database, SYMBOLS)
    symbols = [name for name in SYMBOLS if name in texts]
    modules = sorted({name.rsplit(".", 1)[0] for name in symbols})
    lines = ['"""A file using the standard library, as the benchmark hovers it."""', ""]
    lines += [f"import {module}" for module in modules]
    lines += ["", "", "def main() -> None:"]
    points = []
    for index, qualname in enumerate(symbols):
        prefix = f"    value_{index} = "
        lines.append(f"{prefix}{qualname}")
        last = qualname.rsplit(".", 1)[-1]
        column = len(prefix) + len(qualname) - len(last) + len(last) // 2
        phrase = " ".join(plain(texts[qualname]).split()[:PHRASE_WORDS])
        points.append(HoverPoint(qualname, len(lines) - 1, column, phrase))
    lines += ["", "", 'if __name__ == "__main__":', "    main()", ""]
    completion = "import os.path\n\n\ndef main() -> None:\n    os.path.\n"
    return Workload("\n".join(lines), tuple(points), completion, 4, len("    os.path."))
