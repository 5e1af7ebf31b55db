"""The server's side of type inference: questions to the worker process, answers within a bound.

The worker (``worker.py``) runs jedi in its own process, so an inference never holds the
event loop or the interpreter lock of the server: a direct-reference hover answers in its
usual fraction of a millisecond while a cold file is being inferred. Each question waits at
most ``timeout`` seconds (then the feature answers without it); a worker that stops
answering for ``HANG_SECONDS`` is killed and replaced, and a dead one is restarted on the
next question.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import sys
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal

log = logging.getLogger(__name__)

Origin = Literal["stdlib", "third-party", "local", "unknown"]

#: Longest wait for one answer before a feature gives up on it (the worker's own start-up
#: is waited for separately). A warm file answers in milliseconds; the first question about
#: a big file on a loaded machine can take a second or two.
DEFAULT_TIMEOUT = 5.0
#: A worker silent this long with questions pending is replaced.
HANG_SECONDS = 20.0
#: Longest wait for a new worker's start-up (jedi's import and warm-up).
START_SECONDS = 30.0
#: Larger documents are not sent: parsing them would take longer than any answer is worth.
MAX_INFERRED_CHARS = 2_000_000
#: Answers remembered (a few hundred bytes each).
KEPT_ANSWERS = 4096
#: How the server's own interpreter is asked to run the worker.
WORKER_ARGUMENTS = ("-m", "docs_daemon.inference.worker")


@dataclass(frozen=True, slots=True)
class Answer:
    """What inference found: per possible object, its documented spellings (best first);
    spellings to fall back on (the receiver's classes); and where the object lives."""

    groups: tuple[tuple[str, ...], ...]
    fallback: tuple[str, ...]
    origin: Origin


@dataclass(frozen=True, slots=True)
class Source:
    """The document a question is about, as of one revision."""

    uri: str
    revision: str
    text: str
    #: Its file on disk, when it has one (relative imports resolve from there).
    path: str | None


class InferenceClient:
    """Starts the worker on first use (or :meth:`start`), and asks it questions."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout
        self._process: asyncio.subprocess.Process | None = None
        self._starting: asyncio.Task[asyncio.subprocess.Process] | None = None
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._sent: dict[str, str] = {}  # uri -> revision the worker has
        self._configuration: dict[str, Any] = {"op": "configure", "root": None, "sys_path": []}
        self._last_heard = time.monotonic()
        self._closed = False
        self._tasks: set[asyncio.Task[None]] = set()
        #: Answers already given, by document revision and question: a document being read
        #: is hovered again and again, and its answers cannot change until it does.
        self._answers: OrderedDict[tuple[str, str, str], Answer] = OrderedDict()

    # -- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        """Start the worker now (it takes a few hundred milliseconds to warm up)."""
        await self._worker()

    async def _worker(self) -> asyncio.subprocess.Process:
        if self._process is not None and self._process.returncode is None:
            return self._process
        if self._closed:
            raise RuntimeError("inference is closed")
        if self._starting is None or self._starting.done():
            self._starting = asyncio.ensure_future(self._spawn())
        return await asyncio.shield(self._starting)

    async def _spawn(self) -> asyncio.subprocess.Process:
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        environment.pop("PYTHONSTARTUP", None)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *WORKER_ARGUMENTS,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
        )
        assert process.stdout is not None and process.stderr is not None
        try:
            ready = await asyncio.wait_for(process.stdout.readline(), START_SECONDS)
        except TimeoutError:
            ready = b""
        except asyncio.CancelledError:  # closed while starting: no worker may outlive us
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            raise
        if self._closed or not ready.strip().startswith(b"{"):
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            why = await _last_words(process, ready)
            if not self._closed:
                log.warning("the inference worker did not start: %s", why)
            raise RuntimeError(f"the inference worker did not start: {why}")
        self._sent.clear()
        self._process = process
        self._last_heard = time.monotonic()
        self._spawn_task(self._read_answers(process))
        self._spawn_task(self._drain_stderr(process))
        self._write(process, self._configuration)
        log.info("inference worker %d started", process.pid)
        return process

    def _spawn_task(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        self._closed = True
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(process.wait(), 0.5)
        for future in self._pending.values():
            if not future.done():
                future.cancel()
        self._pending.clear()
        for task in list(self._tasks):
            task.cancel()

    def _replace(self, process: asyncio.subprocess.Process, why: str) -> None:
        """Kill a worker that hangs or misbehaves; the next question starts a new one."""
        log.warning("inference worker %d %s; restarting it", process.pid, why)
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        if self._process is process:
            self._process = None
        self._fail_pending(why)

    def _fail_pending(self, why: str) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(RuntimeError(f"inference worker {why}"))
        self._pending.clear()

    # -- configuration ----------------------------------------------------------------

    def configure(self, root: str | None, sys_path: list[str]) -> None:
        """The workspace root and the environment's import paths (site-packages)."""
        self._configuration = {"op": "configure", "root": root, "sys_path": sys_path}
        self._sent.clear()
        self._answers.clear()
        process = self._process
        if process is not None and process.returncode is None:
            self._write(process, self._configuration)

    def forget(self, uri: str) -> None:
        if self._sent.pop(uri, None) is not None and self._process is not None:
            self._write(self._process, {"op": "forget", "uri": uri})

    # -- questions --------------------------------------------------------------------

    async def name_at(
        self,
        source: Source,
        line: int,
        column: int,
        receiver: tuple[int, int] | None = None,
        member: str = "",
    ) -> Answer | None:
        """What the name ending at ``line``/``column`` is, in documented names; None when
        inference could not answer in time."""
        request: dict[str, Any] = {"op": "name", "line": line, "column": column, "member": member}
        if receiver is not None and receiver[0] == line:
            request["receiver"] = receiver[1]
        return await self._ask(source, request)

    async def classes_at(self, source: Source, line: int, column: int) -> Answer | None:
        """The documented names of the classes of the expression ending at ``column``."""
        return await self._ask(source, {"op": "classes", "line": line, "column": column})

    def prepare(self, source: Source) -> None:
        """Have the worker parse this revision now (a document the user paused on), so the
        first question about it does not pay for the parse. A no-op until the worker runs."""
        process = self._process
        if (
            process is None
            or process.returncode is not None
            or len(source.text) > MAX_INFERRED_CHARS
            or self._sent.get(source.uri) == source.revision
        ):
            return
        self._send_document(process, source)

    def _send_document(self, process: asyncio.subprocess.Process, source: Source) -> None:
        self._write(
            process,
            {
                "op": "open",
                "uri": source.uri,
                "revision": source.revision,
                "text": source.text,
                "path": source.path,
            },
        )
        self._sent[source.uri] = source.revision

    async def _ask(self, source: Source, request: dict[str, Any]) -> Answer | None:
        if len(source.text) > MAX_INFERRED_CHARS:
            return None
        key = (source.uri, source.revision, json.dumps(request, sort_keys=True))
        cached = self._answers.get(key)
        if cached is not None:
            self._answers.move_to_end(key)
            return cached
        answer = await self._ask_worker(source, request)
        if answer is not None:
            self._answers[key] = answer
            while len(self._answers) > KEPT_ANSWERS:
                self._answers.popitem(last=False)
        return answer

    async def _ask_worker(self, source: Source, request: dict[str, Any]) -> Answer | None:
        try:
            await self._worker()  # a starting worker is waited for outside the bound below
            reply = await asyncio.wait_for(self._exchange(source, request), self.timeout)
        except TimeoutError:
            log.info("inference timed out after %.1f s", self.timeout)
            self._check_hung()
            return None
        except (RuntimeError, OSError, ConnectionError) as error:
            log.info("inference unavailable: %s", error)
            return None
        if "error" in reply:
            log.info("inference failed: %s", reply["error"])
            return None
        origin = reply.get("origin", "unknown")
        if origin not in ("stdlib", "third-party", "local", "unknown"):
            origin = "unknown"
        groups = tuple(
            tuple(str(name) for name in group)
            for group in reply.get("groups") or ()
            if isinstance(group, list)
        )
        fallback = tuple(str(name) for name in reply.get("fallback") or ())
        return Answer(groups, fallback, origin)

    async def _exchange(self, source: Source, request: dict[str, Any]) -> dict[str, Any]:
        for _ in range(2):
            process = await self._worker()
            if self._sent.get(source.uri) != source.revision:
                self._send_document(process, source)
            ident = next(self._ids)
            future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
            self._pending[ident] = future
            self._write(
                process, {**request, "id": ident, "uri": source.uri, "revision": source.revision}
            )
            try:
                reply = await future
            finally:
                self._pending.pop(ident, None)
            if not reply.get("missing"):
                return reply
            self._sent.pop(source.uri, None)  # the worker lost it (restarted): send it again
        raise RuntimeError("the inference worker does not keep the document")

    def _write(self, process: asyncio.subprocess.Process, message: dict[str, Any]) -> None:
        if process.stdin is None or process.stdin.is_closing():
            return
        process.stdin.write(json.dumps(message).encode() + b"\n")

    def _check_hung(self) -> None:
        process = self._process
        if (
            process is not None
            and self._pending
            and time.monotonic() - self._last_heard > HANG_SECONDS
        ):
            self._replace(process, f"has not answered for {HANG_SECONDS:.0f} s")

    async def _read_answers(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        while True:
            try:
                raw = await process.stdout.readline()
            except (ValueError, OSError) as error:  # an absurd line: the stream is lost
                self._replace(process, f"sent an unreadable answer ({error})")
                return
            if not raw:
                break
            self._last_heard = time.monotonic()
            try:
                reply = json.loads(raw)
            except ValueError:
                log.debug("inference worker said: %r", raw[:200])
                continue
            ident = reply.get("id") if isinstance(reply, dict) else None
            future = self._pending.get(ident) if isinstance(ident, int) else None
            if future is not None and not future.done():
                future.set_result(reply)
        if self._process is process:
            self._process = None
            log.warning("inference worker %d exited (%s)", process.pid, process.returncode)
        self._fail_pending("exited")

    async def _drain_stderr(self, process: asyncio.subprocess.Process) -> None:
        assert process.stderr is not None
        while line := await process.stderr.readline():
            log.debug("inference worker: %s", line.decode(errors="replace").rstrip())


async def _last_words(process: asyncio.subprocess.Process, first_line: bytes) -> str:
    """Why a worker failed to start, in one line: its exit status and the last thing it
    wrote (a traceback's last line says what was missing)."""
    assert process.stderr is not None
    try:
        said = await asyncio.wait_for(process.stderr.read(64 * 1024), 2.0)
    except (TimeoutError, OSError, ValueError):
        said = b""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(process.wait(), 2.0)
    lines = [
        line
        for line in (first_line + b"\n" + said).decode(errors="replace").splitlines()
        if line.strip()
    ]
    last = lines[-1].strip()[:300] if lines else "nothing on stdout or stderr"
    return f"exit status {process.returncode}; {last}"
