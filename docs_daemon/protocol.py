"""How messages are dispatched: documents in stream order, and JSON-RPC strictness pygls leaves
out (every bad request gets an error response, not silence)."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcParseError

from docs_daemon.documents import OpenDocuments
from docs_daemon.pygls_internals import InternalsProtocol

if TYPE_CHECKING:
    from cattrs import Converter
    from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)

_DOCUMENT_NOTIFICATIONS = (
    types.DidOpenTextDocumentNotification,
    types.DidChangeTextDocumentNotification,
    types.DidCloseTextDocumentNotification,
)


class DocsProtocol(InternalsProtocol):
    """Applies document notifications the moment they are read and gives every request the
    documents as of its place in the stream; answers requests whose parameters do not
    deserialize with ``InvalidParams``.

    pygls' own document handling splits lines the Python way and leaves a coroutine handler
    to read the document whenever its task first runs, which may be after later changes
    were read; pygls logs and drops a request with bad parameters, so the client waits
    forever; and custom requests sent without ``params`` (legal JSON-RPC) fail to
    deserialize at all.
    """

    def __init__(self, server: LanguageServer, converter: Converter) -> None:
        super().__init__(server, converter)
        self.documents = OpenDocuments()

    def handle_message(self, message: Any) -> None:
        if isinstance(message, _DOCUMENT_NOTIFICATIONS) and message.jsonrpc == "2.0":
            self._apply(message)
            return
        # pygls creates a coroutine handler's task in here, and the task keeps this context.
        with self.documents.captured():
            super().handle_message(message)

    def _apply(
        self,
        message: types.DidOpenTextDocumentNotification
        | types.DidChangeTextDocumentNotification
        | types.DidCloseTextDocumentNotification,
    ) -> None:
        documents = self.documents
        params = message.params
        if isinstance(params, types.DidOpenTextDocumentParams):
            item = params.text_document
            documents.open(item.uri, item.version, item.text)
        elif isinstance(params, types.DidChangeTextDocumentParams):
            identifier = params.text_document
            documents.change(identifier.uri, identifier.version, params.content_changes)
        else:
            documents.close(params.text_document.uri)

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
                self.send_error(msg_id, error.to_response_error())
            raise


def report_bad_frame(protocol: DocsProtocol, error: Exception) -> None:
    """A frame whose body is not JSON gets the JSON-RPC parse error (with a null id)."""
    if isinstance(error, json.JSONDecodeError | UnicodeDecodeError):
        protocol.send_error(None, JsonRpcParseError().to_response_error())
