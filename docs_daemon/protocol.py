"""JSON-RPC strictness pygls leaves out: every bad request gets an error response, not silence."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcParseError
from pygls.protocol import LanguageServerProtocol

log = logging.getLogger(__name__)


class DocsProtocol(LanguageServerProtocol):
    """Answers requests whose parameters do not deserialize with ``InvalidParams``.

    pygls logs such a message and drops it, so the client waits forever for a response; and
    custom requests sent without ``params`` (legal JSON-RPC) fail to deserialize at all.
    It also forgets each handler's future once it is done: pygls keeps the futures of
    notifications and of its built-in document handlers forever (about 2 KB a keystroke).
    """

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Callable[..., Any],
        callback: Callable[..., Any],
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future = self._request_futures.get(msg_id)
        if future is not None:

            def forget(done: Any) -> None:
                if self._request_futures.get(msg_id) is done:
                    del self._request_futures[msg_id]

            future.add_done_callback(forget)

    def structure_message(self, data: dict[str, Any]) -> Any:
        if "jsonrpc" in data and "method" in data and "params" not in data:
            data = {**data, "params": None}
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            msg_id = data.get("id")
            if "method" in data and isinstance(msg_id, int | str):
                if not isinstance(error, JsonRpcInvalidParams):
                    error = JsonRpcInvalidParams()
                self._send_response(msg_id, None, error.to_response_error())
            raise


def report_bad_frame(protocol: LanguageServerProtocol, error: Exception) -> None:
    """A frame whose body is not JSON gets the JSON-RPC parse error (with a null id)."""
    if isinstance(error, json.JSONDecodeError | UnicodeDecodeError):
        protocol._send_response(None, None, JsonRpcParseError().to_response_error())  # type: ignore[arg-type]
