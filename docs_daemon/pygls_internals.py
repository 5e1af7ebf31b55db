"""The one place docs-daemon touches pygls' private internals.

pygls has no public way to answer an unparsable request, nor to stop keeping finished
handlers' futures. ``tests/unit/test_pygls_internals.py`` checks every name and behaviour
relied on here (and the dispatch order ``protocol.py`` relies on), so a pygls release that
changes them fails the tests instead of the server.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol


class InternalsProtocol(LanguageServerProtocol):
    """``LanguageServerProtocol`` plus what needs its private members."""

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Callable[..., Any],
        callback: Callable[..., Any],
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        """Forget each handler's future once it is done: pygls keeps those of notifications
        and of handlers its built-in ones call forever (about 2 KB each)."""
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future = self._request_futures.get(msg_id)
        if future is not None:

            def forget(done: Any) -> None:
                if self._request_futures.get(msg_id) is done:
                    del self._request_futures[msg_id]

            future.add_done_callback(forget)

    def send_error(self, msg_id: int | str | None, error: types.ResponseError) -> None:
        """Answer ``msg_id`` with ``error`` outside any handler; a null id (a frame too broken
        to have one) is written as ``null``, which JSON-RPC requires and pygls leaves out."""
        if msg_id is None:
            error_object = self._converter.unstructure(error)
            self._send_data({"jsonrpc": "2.0", "id": None, "error": error_object})
        else:
            self._send_response(msg_id, None, error)
