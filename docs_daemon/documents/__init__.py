"""The server's copy of each open document: exactly the client's text, LSP lines, client units.

``OpenDocuments`` applies ``didOpen``/``didChange``/``didClose`` in stream order and hands each
request the documents as of its place in the stream; a ``Snapshot`` is one immutable version.
"""

from docs_daemon.documents.open_documents import OpenDocuments, detached_context
from docs_daemon.documents.snapshot import Lines, Snapshot, split_lines
from docs_daemon.documents.units import Encoding, negotiated

__all__ = [
    "Encoding",
    "Lines",
    "OpenDocuments",
    "Snapshot",
    "detached_context",
    "negotiated",
    "split_lines",
]
