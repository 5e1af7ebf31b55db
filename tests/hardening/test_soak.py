"""Load and soak: many mixed requests over one session, memory sampled, latency watched.

The default run sends a short series (``DEFAULT_REQUESTS``); the full soak of 100,000
requests runs with ``DOCS_DAEMON_SOAK_REQUESTS=100000 pytest -m soak tests/hardening``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from tests.hardening.peer import hover_value, start_peer
from tests.hardening.processes import rss_bytes

DEFAULT_REQUESTS = 3_000
BATCH = 50
#: Memory may not grow more than this between the end of warm-up and the end of the run.
GROWTH_BOUND = 8 << 20
WARM_UP_FRACTION = 0.2

SOURCE = (
    "import json\nimport os.path\nimport collections\nfrom pathlib import Path\n\n"
    "json.dumps({})\nos.path.join('a', 'b')\ncollections.OrderedDict()\nPath('x').exists()\n"
    "os.path.\n"
)
#: (line, character, a word the official docs' text for that name holds, lower case).
HOVERS = [(5, 7, "serialize"), (6, 10, "join"), (7, 16, "dict"), (8, 1, "path")]
EXPECTED = {(line, character): word for line, character, word in HOVERS}
QUERIES = ["dumps", "path join", "OrderedDict", "getLogger", "urlparse", "Counter", "sub"]


def _batch(index: int, uri: str) -> list[tuple[str, Any]]:
    """One batch of mixed requests; varied so every feature and cache is exercised."""
    calls: list[tuple[str, Any]] = []
    for k in range(BATCH):
        n = index * BATCH + k
        choice = n % 10
        if choice < 5:
            line, character, _ = HOVERS[n % len(HOVERS)]
            calls.append(("textDocument/hover", _position(uri, line, character)))
        elif choice < 7:
            calls.append(("textDocument/completion", _position(uri, 9, 8)))
        elif choice == 7:
            calls.append(("workspace/symbol", {"query": QUERIES[n % len(QUERIES)]}))
        elif choice == 8:
            calls.append(("textDocument/signatureHelp", _position(uri, 6, 14)))
        else:
            calls.append(("docsDaemon/status", None))
    return calls


def _position(uri: str, line: int, character: int) -> dict[str, Any]:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


@pytest.mark.soak
def test_soak_mixed_requests(tmp_path: Path) -> None:
    """Zero errors; RSS flat after warm-up (growth within GROWTH_BOUND); hover p99 of the last
    half no worse than twice the first half's (plus 2 ms for noise)."""
    total = int(os.environ.get("DOCS_DAEMON_SOAK_REQUESTS", DEFAULT_REQUESTS))
    batches = max(10, total // BATCH)
    peer = start_peer(tmp_path / "cache")
    peer.warm_inference()
    errors: list[str] = []
    rss: list[int] = []
    probes: list[float] = []
    started = time.monotonic()
    try:
        for index in range(batches):
            # A fresh document per batch, closed afterwards: per-document state must not pile up.
            uri = f"file:///soak/doc{index}.py"
            peer.open(uri, SOURCE)
            if index % 3 == 0:
                peer.notify(
                    "textDocument/didChange",
                    {
                        "textDocument": {"uri": uri, "version": 2},
                        "contentChanges": [{"text": SOURCE + f"\nvalue_{index} = 1\n"}],
                    },
                )
            calls = _batch(index, uri)
            for (method, params), answer in zip(
                calls, peer.pipeline(calls, timeout=60), strict=True
            ):
                if "error" in answer:
                    errors.append(f"{method}: {answer['error']}")
                elif method == "textDocument/hover":
                    expected = EXPECTED[
                        (params["position"]["line"], params["position"]["character"])
                    ]
                    if expected not in hover_value(answer).lower():
                        errors.append(f"hover without {expected!r}: {hover_value(answer)[:80]!r}")
            peer.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
            probes.append(peer.known_hover())
            rss.append(rss_bytes(peer.process.pid))
        elapsed = time.monotonic() - started
        assert peer.alive()
        assert not errors, f"{len(errors)} failed requests, e.g. {errors[:5]}"
        warm = int(len(rss) * WARM_UP_FRACTION)
        baseline = sorted(rss[warm : warm + max(1, len(rss) // 10)])[0]
        growth = max(rss[-max(1, len(rss) // 4) :]) - baseline
        half = len(probes) // 2
        first, last = _p99(probes[warm:half]), _p99(probes[half:])
        print(
            f"\nsoak: {batches * BATCH} requests + {batches} probes in {elapsed:.1f} s; "
            f"RSS {baseline / 2**20:.1f} -> {rss[-1] / 2**20:.1f} MiB (growth "
            f"{growth / 2**20:+.1f} MiB); probe hover p99 {first * 1e3:.2f} -> {last * 1e3:.2f} ms"
        )
        assert growth <= GROWTH_BOUND, f"RSS grew by {growth / 2**20:.1f} MiB after warm-up"
        assert last <= 2 * first + 0.002, f"hover p99 drifted from {first:.4f} s to {last:.4f} s"
    finally:
        peer.close()


#: Typing is the commonest traffic: this many edits may not grow memory by more than
#: TYPING_GROWTH_BOUND once warm.
TYPING_EDITS = 5_000
TYPING_GROWTH_BOUND = 2 << 20


def test_typing_does_not_grow_memory(tmp_path: Path) -> None:
    """Every keystroke is a didChange notification; none may leave anything behind.

    Found by the soak: pygls 2.1 keeps a future per notification handled by its built-in
    document handlers (``JsonRPCProtocol._request_futures``, never popped for notifications),
    about 1.9 KB per keystroke.
    """
    peer = start_peer(tmp_path / "cache")
    uri = "file:///soak/typing.py"
    try:
        peer.open(uri, SOURCE)

        def type_edits(first: int, count: int) -> None:
            for version in range(first, first + count):
                peer.notify(
                    "textDocument/didChange",
                    {
                        "textDocument": {"uri": uri, "version": version},
                        "contentChanges": [{"text": SOURCE + f"\nx = {version}\n"}],
                    },
                )
            peer.known_hover(timeout=30)  # every edit before it has been handled

        type_edits(2, 500)  # warm-up
        peer.warm_inference()
        before = rss_bytes(peer.process.pid)
        type_edits(502, TYPING_EDITS)
        growth = rss_bytes(peer.process.pid) - before
        print(f"\n{TYPING_EDITS} edits: RSS {growth / 2**20:+.2f} MiB")
        assert growth <= TYPING_GROWTH_BOUND, (
            f"{TYPING_EDITS} edits grew RSS by {growth / 2**20:.1f} MiB "
            f"({growth / TYPING_EDITS:.0f} bytes per edit)"
        )
    finally:
        peer.close()
