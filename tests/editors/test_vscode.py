"""The VS Code extension: its settings reach the real server intact, and it works in real VS Code.

The first tests need only Python: they read the extension's package.json and talk to the real
server the way the extension does. The ``editor`` test packages the extension, installs it into
code-server (the real VS Code workbench) and drives it in headless Chromium (test/e2e.mjs).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

from tests.conftest import REQUIRE_EDITORS, ROOT, require_tool

EXTENSION = ROOT / "editor_clients" / "vscode"
TOOLS = ROOT / ".tools"
NODE_BIN = TOOLS / "bin"
CODE_SERVER = TOOLS / "code-server" / "out" / "node" / "entry.js"
INSTALL_HINT = "run `bash .ci/install-vscode-tools.sh`"
PREFIX = "docsDaemon."
#: Client-side settings: how to start the server, and the client's own LSP trace.
CLIENT_ONLY = ("server.", "trace.")

DOCUMENT = "file:///workspace/example.py"
SOURCE = "import json\njson.dumps({})\n"
DUMPS = types.Position(line=1, character=7)


def _python_path() -> str:
    """PYTHONPATH that finds this checkout's docs_daemon whether or not it is installed."""
    return os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))


def _properties() -> dict[str, dict[str, Any]]:
    manifest = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    properties: dict[str, dict[str, Any]] = manifest["contributes"]["configuration"]["properties"]
    return properties


def _server_settings() -> dict[str, dict[str, Any]]:
    """package.json's settings that the extension sends to the server, by their wire name."""
    return {
        key.removeprefix(PREFIX): spec
        for key, spec in _properties().items()
        if not key.removeprefix(PREFIX).startswith(CLIENT_ONLY)
    }


def _extension_option_keys() -> list[str]:
    """The keys the extension declares it sends (INITIALIZATION_OPTION_KEYS in options.ts)."""
    source = (EXTENSION / "src" / "options.ts").read_text(encoding="utf-8")
    match = re.search(r"INITIALIZATION_OPTION_KEYS = \[(.*?)\]", source, re.DOTALL)
    assert match is not None, "options.ts no longer declares INITIALIZATION_OPTION_KEYS"
    return re.findall(r'"(\w+)"', match.group(1))


def test_every_setting_is_documented_and_scoped() -> None:
    properties = _properties()
    assert properties, "package.json contributes no settings"
    for key, spec in properties.items():
        assert key.startswith(PREFIX), key
        assert spec.get("markdownDescription") or spec.get("description"), f"{key} is undocumented"
        assert spec.get("scope") in {"window", "resource", "machine-overridable", "machine"}, key
        assert "default" in spec, f"{key} has no default"


def test_extension_sends_exactly_the_server_settings_of_package_json() -> None:
    assert sorted(_extension_option_keys()) == sorted(_server_settings())


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LanguageClient]:
    """The real server over stdio, started as the extension starts it."""
    client = make_test_lsp_client()
    env = {**os.environ, "PYTHONPATH": _python_path()}
    await client.start_io(
        sys.executable, "-m", "docs_daemon", "serve", "--cache-dir", str(tmp_path), env=env
    )
    yield client
    await client.shutdown_session()
    await client.stop()  # type: ignore[no-untyped-call]  # pytest-lsp leaves it unannotated


async def _initialize(client: LanguageClient, options: dict[str, Any]) -> None:
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            initialization_options=options,
        )
    )
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=DOCUMENT, language_id="python", version=1, text=SOURCE
            )
        )
    )


async def _hover_text(client: LanguageClient) -> str:
    """Hover over json.dumps, waiting while the documentation loads."""
    for _ in range(100):
        hover = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=DOCUMENT), position=DUMPS
            )
        )
        if hover is not None:
            assert isinstance(hover.contents, types.MarkupContent)
            return hover.contents.value
        await asyncio.sleep(0.1)
    pytest.fail("no hover over json.dumps after 10 s")


def _warnings(client: LanguageClient) -> list[str]:
    return [m.message for m in client.messages if m.type <= types.MessageType.Warning]


async def test_package_json_defaults_are_accepted_by_the_server(server: LanguageClient) -> None:
    defaults = {name: spec["default"] for name, spec in _server_settings().items()}
    await _initialize(server, defaults)
    assert "Serialize" in await _hover_text(server)
    assert _warnings(server) == []


async def test_package_json_bounds_match_the_server(server: LanguageClient) -> None:
    """Every value the settings UI allows is accepted; one past a bound is reported."""
    bounded = {name: spec for name, spec in _server_settings().items() if spec["type"] == "integer"}
    assert bounded, "package.json declares no bounds for the integer settings"
    await _initialize(server, {})
    await _hover_text(server)
    for edge in ("minimum", "maximum"):
        allowed = {name: spec[edge] for name, spec in bounded.items() if edge in spec}
        server.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"docsDaemon": allowed})
        )
        await _hover_text(server)
        assert _warnings(server) == [], f"the server refuses package.json's {edge}s {allowed}"
    beyond = {name: spec["maximum"] + 1 for name, spec in bounded.items() if "maximum" in spec}
    server.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"docsDaemon": beyond})
    )
    await _hover_text(server)
    assert len(_warnings(server)) == len(beyond)


def _require(path: Path, what: str) -> None:
    """Like tests.conftest.require_tool, for tools installed under .tools/."""
    if not path.exists():
        message = f"{what} is not installed ({path.relative_to(ROOT)}): {INSTALL_HINT}"
        if REQUIRE_EDITORS:
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.editor
def test_extension_in_real_vscode(tmp_path: Path) -> None:
    _require(NODE_BIN / "node", "Node 24")
    _require(CODE_SERVER, "code-server")
    _require(EXTENSION / "node_modules" / ".bin" / "vsce", "the extension's npm packages")
    chromium = require_tool("chromium", INSTALL_HINT)
    python_path = _python_path()
    # A second, small docset for the databases-setting step, built by the real builder.
    extra = tmp_path / "extra.sqlite"
    subprocess.run(
        [sys.executable, "-m", "docs_daemon", "build", "--module", "markdownify", "-o", str(extra)],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": python_path},
    )
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(NODE_BIN), os.environ.get("PATH", "")]),
        "PYTHONPATH": python_path,
        "CHROMIUM": chromium,
        "DOCS_DAEMON_EXTRA_DATABASE": str(extra),
        "DOCS_DAEMON_SERVER_COMMAND": json.dumps(
            [sys.executable, "-m", "docs_daemon", "serve", "--cache-dir", str(tmp_path / "cache")]
        ),
    }
    for script in ("check", "test:unit"):
        run = subprocess.run(
            ["npm", "run", "--silent", script],
            cwd=EXTENSION,
            env=env,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, f"npm run {script} failed:\n{run.stdout}\n{run.stderr}"
    e2e = subprocess.run(
        [str(NODE_BIN / "node"), "test/e2e.mjs"],
        cwd=EXTENSION,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(e2e.stdout)
    assert e2e.returncode == 0, f"the VS Code end-to-end test failed:\n{e2e.stdout}\n{e2e.stderr}"
