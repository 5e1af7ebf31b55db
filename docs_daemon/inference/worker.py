"""The inference worker: a child process answering jedi questions, one JSON line per message.

Run as ``python -m docs_daemon.inference.worker``. Requests and answers are single-line JSON
objects on stdin/stdout; anything a library prints goes to stderr so it cannot corrupt the
stream. The process keeps no state the server cannot rebuild: when it dies or hangs, the
server starts a new one and resends the documents it asks about.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import threading
import time
from typing import Any, BinaryIO

from docs_daemon.inference.stub_cache import StubCache

#: How often the worker checks that the server that started it is still alive.
PARENT_CHECK_SECONDS = 0.25

#: Code inferred once at start-up so the first real question finds the stubs parsed.
_WARM_UP = "import os, re, pathlib\nos.path.join\n''.split\nre.compile('').match('').group\n"


def handle(engine: Any, request: dict[str, Any]) -> dict[str, Any] | None:
    """Answer one request (None for requests that need no answer)."""
    op = request.get("op")
    if op == "configure":
        engine.configure(request.get("root"), list(request.get("sys_path") or []))
        return None
    if op == "open":
        engine.open(request["uri"], request["revision"], request["text"], request.get("path"))
        return None
    if op == "forget":
        engine.forget(request["uri"])
        return None
    answer: dict[str, Any] = {"id": request.get("id")}
    uri, revision = request.get("uri", ""), request.get("revision", "")
    if op in ("name", "classes") and not engine.has(uri, revision):
        answer["missing"] = True
        return answer
    if op == "name":
        found = engine.name_at(
            uri,
            request["line"],
            request["column"],
            request.get("receiver"),
            request.get("member") or "",
        )
    elif op == "classes":
        found = engine.classes_at(uri, request["line"], request["column"])
    elif op == "ping":
        return answer
    else:
        answer["error"] = f"unknown request {op!r}"
        return answer
    answer.update(found.to_wire())
    return answer


def _warm_up(engine: Any, cache: StubCache) -> None:
    def infer_a_little() -> None:
        engine.open("warm-up:", "0", _WARM_UP, None)
        for line, column in ((1, 12), (2, 8), (3, 30)):
            engine.name_at("warm-up:", line, column)
        engine.forget("warm-up:")

    try:
        cache.healing(infer_a_little)
    except Exception as error:  # a slower first question is better than no worker
        print(f"warm-up failed: {type(error).__name__}: {error}", file=sys.stderr)


def serve(stdin: BinaryIO, stdout: BinaryIO, cache: StubCache) -> None:
    from docs_daemon.inference.engine import Engine

    engine = Engine()
    _warm_up(engine, cache)
    stdout.write(b'{"ready": true}\n')
    stdout.flush()
    for raw in stdin:
        try:
            request = json.loads(raw)
            answer = cache.healing(functools.partial(handle, engine, request))
        except Exception as error:  # one bad question must not end the worker
            answer = {"id": _id_of(raw), "error": f"{type(error).__name__}: {error}"}
        if answer is not None:
            stdout.write(json.dumps(answer).encode() + b"\n")
            stdout.flush()


def _id_of(raw: bytes) -> Any:
    try:
        return json.loads(raw).get("id")
    except Exception:
        return None


def _leave(cache: StubCache) -> None:
    # Without the seconds a normal interpreter shutdown spends collecting jedi's caches.
    cache.close()
    sys.stderr.flush()
    os._exit(0)


def _exit_with_parent(cache: StubCache) -> None:
    """Leave as soon as the server is gone (even mid warm-up, before stdin is read)."""
    parent = os.getppid()
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            _leave(cache)


#: Inference yields the processor to the server itself: a hover of a name the text proves
#: must not wait behind a file being inferred.
NICENESS = 5


def main() -> None:
    cache = StubCache.choose()
    threading.Thread(
        target=_exit_with_parent, args=(cache,), name="parent-watch", daemon=True
    ).start()
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(NICENESS)
    stdout = sys.stdout.buffer
    sys.stdout = sys.stderr  # stray prints from libraries must not corrupt the stream
    serve(sys.stdin.buffer, stdout, cache)
    _leave(cache)  # the server has gone (stdin closed)


if __name__ == "__main__":
    main()
