"""What dotted name is under the cursor, given the document's imports: pure functions on text.

Hover, completion and signature help ask these questions of a document; nothing here does
I/O, knows LSP types or touches the database.
"""

from docs_daemon.python_source.calls import CallContext, call_context
from docs_daemon.python_source.completion import CompletionContext, completion_context
from docs_daemon.python_source.expressions import InferAt
from docs_daemon.python_source.imports import Imports, parse_imports
from docs_daemon.python_source.target import Target, target_at

__all__ = [
    "CallContext",
    "CompletionContext",
    "Imports",
    "InferAt",
    "Target",
    "call_context",
    "completion_context",
    "parse_imports",
    "target_at",
]
