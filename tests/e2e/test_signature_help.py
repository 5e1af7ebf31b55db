"""Signature help shows the documented signature with the parameter being typed."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.conftest import open_document, split_cursor

#: (code with ‸, the label's start, the parameter text that must be active)
CASES = [
    ("import json\njson.dumps(‸", "json.dumps(", "obj"),
    ("import json\njson.dumps(x, indent=‸", "json.dumps(", "indent=None"),
    ("import os\nos.path.join('a', ‸", "os.path.join(", "*paths"),
    ("import subprocess\nsubprocess.run(['ls'], che‸", "subprocess.run(", None),
    ("sorted(xs, key=len, rever‸se=True)", "sorted(", None),
]


@pytest.mark.parametrize(("marked", "label_start", "active_text"), CASES)
async def test_signature_help(
    client: LanguageClient, marked: str, label_start: str, active_text: str | None
) -> None:
    text, position = split_cursor(marked, client)
    uri = open_document(client, text)
    result = await client.text_document_signature_help_async(
        types.SignatureHelpParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position
        )
    )
    assert result is not None
    signature = result.signatures[0]
    assert signature.label.startswith(label_start)
    if active_text is not None:
        assert signature.parameters is not None and result.active_parameter is not None
        param = signature.parameters[result.active_parameter]
        assert isinstance(param.label, tuple)
        start, end = param.label
        assert signature.label[start:end] == active_text


async def test_no_signature_outside_calls(client: LanguageClient) -> None:
    text, position = split_cursor("import json\njson.dumps‸", client)
    uri = open_document(client, text)
    result = await client.text_document_signature_help_async(
        types.SignatureHelpParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position
        )
    )
    assert result is None
