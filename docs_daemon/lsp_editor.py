"""The editor, as background work (fetching and building docsets) talks to it: a question with
buttons, a message, a progress bar — over LSP, and only where the client supports it."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from docs_daemon.server import DocsServer

log = logging.getLogger(__name__)

#: Longest wait for the client to accept a progress token.
PROGRESS_CREATE_SECONDS = 5.0


class LspEditor:
    """:class:`docs_daemon.workspace_docs.Editor` on a running server."""

    def __init__(self, server: DocsServer) -> None:
        self._server = server

    async def ask(self, question: str, choices: list[str]) -> str | None:
        try:
            answer = await self._server.window_show_message_request_async(
                types.ShowMessageRequestParams(
                    type=types.MessageType.Info,
                    message=question,
                    actions=[types.MessageActionItem(title=choice) for choice in choices],
                )
            )
        except Exception as error:  # the client refused or does not support questions
            log.info("window/showMessageRequest failed: %s", error)
            return None
        return None if answer is None else answer.title

    def tell(self, message: str, *, error: bool = False) -> None:
        kind = types.MessageType.Error if error else types.MessageType.Info
        self._server.tell(kind, message)

    def progress(self, title: str) -> LspProgress:
        return LspProgress(self._server, title)


class LspProgress:
    """``$/progress`` begun at once (when the client accepts the token), reported, ended."""

    def __init__(self, server: DocsServer, title: str) -> None:
        self._server = server
        self._token = f"docs-daemon-{uuid.uuid4().hex[:12]}"
        self._created: asyncio.Future[bool] = asyncio.ensure_future(self._create(title))

    async def _create(self, title: str) -> bool:
        window = self._server.client_capabilities.window
        if window is None or not window.work_done_progress:
            return False
        try:
            await asyncio.wait_for(
                self._server.work_done_progress.create_async(self._token),
                PROGRESS_CREATE_SECONDS,
            )
        except Exception as error:
            log.debug("no work-done progress: %s", error)
            return False
        self._server.work_done_progress.begin(
            self._token, types.WorkDoneProgressBegin(title=title, cancellable=False)
        )
        return True

    def _ready(self) -> bool:
        return self._created.done() and not self._created.cancelled() and self._created.result()

    def report(self, message: str, percentage: int | None = None) -> None:
        if self._ready():
            self._server.work_done_progress.report(
                self._token, types.WorkDoneProgressReport(message=message, percentage=percentage)
            )

    def end(self, message: str) -> None:
        async def finish() -> None:
            if await self._created:
                self._server.work_done_progress.end(
                    self._token, types.WorkDoneProgressEnd(message=message)
                )

        self._server.spawn(finish())
