"""The VS Code extension: its settings reach the real server intact, and it works in real VS Code.

The first tests need only Python: they read the extension's package.json and talk to the real
server the way the extension does. The ``editor`` test packages the extension, installs it into
code-server (the real VS Code workbench) and drives it in headless Chromium (test/e2e.mjs).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import zipfile
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


def _vscode_target() -> str:
    """VS Code's name for this platform, as the .vsix files are named."""
    system = {"linux": "linux", "darwin": "darwin", "win32": "win32"}[sys.platform]
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}[
        platform.machine().lower()
    ]
    return f"{system}-{arch}"


def _require_vscode_tools() -> str:
    _require(NODE_BIN / "node", "Node 24")
    _require(CODE_SERVER, "code-server")
    _require(EXTENSION / "node_modules" / ".bin" / "vsce", "the extension's npm packages")
    return require_tool("chromium", INSTALL_HINT)


def _tool_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": os.pathsep.join([str(NODE_BIN), os.environ.get("PATH", "")]),
        "DOCS_DAEMON_BUILD_PYTHON": sys.executable,
        **extra,
    }


@pytest.fixture(scope="module")
def vsix() -> Path:
    """The self-contained .vsix: the one CI built into dist/ (DOCS_DAEMON_VSIX), else built now."""
    _require_vscode_tools()
    given = os.environ.get("DOCS_DAEMON_VSIX")
    if given:
        return Path(given)
    run = subprocess.run(
        ["npm", "run", "--silent", "package"],
        cwd=EXTENSION,
        env=_tool_env(),
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, f"npm run package failed:\n{run.stdout}\n{run.stderr}"
    return ROOT / "dist" / f"docs-daemon-{_vscode_target()}.vsix"


def _pythons() -> dict[str, Path]:
    """CPython interpreters on this machine by ``major.minor`` (PATH and pyenv's versions)."""
    found: dict[str, Path] = {}
    candidates = [shutil.which(f"python3.{minor}") for minor in range(6, 16)]
    candidates += [str(p) for p in Path.home().glob(".pyenv/versions/*/bin/python3")]
    candidates += [str(p) for p in Path.home().glob(".pyenv/versions/2.*/bin/python")]
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
        )
        if probe.returncode == 0:
            found.setdefault(probe.stdout.strip(), Path(candidate))
    return found


def _old_python() -> Path | None:
    old = [v for v in _pythons() if tuple(map(int, v.split("."))) < (3, 11)]
    return _pythons()[max(old, key=lambda v: tuple(map(int, v.split("."))))] if old else None


def _clean_python(tmp_path: Path) -> Path:
    """A Python with nothing installed: a fresh venv without pip (no docs-daemon, no pygls)."""
    venv = tmp_path / "clean-python"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    return venv / ("Scripts" if sys.platform == "win32" else "bin")


@pytest.mark.editor
def test_vsix_server_runs_on_every_python_here(vsix: Path, tmp_path: Path) -> None:
    """The .vsix's bundle answers on each CPython 3.11+ on this machine; older ones get one line."""
    with zipfile.ZipFile(vsix) as archive:
        manifest = archive.read("extension.vsixmanifest").decode()
        assert f'TargetPlatform="{_vscode_target()}"' in manifest
        archive.extractall(tmp_path, [n for n in archive.namelist() if "/bundled/" in n])
    launcher = tmp_path / "extension" / "bundled" / "launch.py"
    bundled = sorted(p.name for p in launcher.parent.joinpath("libs").iterdir() if p.is_dir())
    assert bundled == ["common", "cp311", "cp312", "cp313", "cp314"]
    pythons = _pythons()
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    ran = []
    for version, python in sorted(pythons.items()):
        result = subprocess.run(
            [str(python), str(launcher), "lookup", "json.dumps"],
            capture_output=True,
            text=True,
            env=clean,
            timeout=120,
        )
        if tuple(map(int, version.split("."))) >= (3, 11):
            assert result.returncode == 0, f"Python {version}: {result.stderr}"
            # Markdown or rendered text, depending on the terminal: compare the words.
            assert "Serialize obj to a JSON formatted" in " ".join(
                re.split(r"[\s*`]+", result.stdout)
            )
        else:
            assert result.returncode == 3, f"Python {version}: {result.stderr}"
            assert result.stderr.strip() == (
                f"Python {version} ({python}) is too old for Docs Daemon; "
                "choose Python 3.11 or newer."
            )
        ran.append(version)
    print(f"bundled server checked on Python {', '.join(ran)}")
    assert "3.11" in ran


@pytest.mark.editor
def test_extension_in_real_vscode(vsix: Path, tmp_path: Path) -> None:
    """Only the .vsix installed: no docs-daemon on PATH or in the Python the extension finds."""
    chromium = _require_vscode_tools()
    # A second, small docset for the databases-setting step, built by the real builder.
    extra = tmp_path / "extra.sqlite"
    subprocess.run(
        [sys.executable, "-m", "docs_daemon", "build", "--module", "markdownify", "-o", str(extra)],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": _python_path()},
    )
    for script in ("check", "test:unit"):
        run = subprocess.run(
            ["npm", "run", "--silent", script],
            cwd=EXTENSION,
            env=_tool_env(),
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, f"npm run {script} failed:\n{run.stdout}\n{run.stderr}"
    clean_path = os.pathsep.join([str(NODE_BIN), str(_clean_python(tmp_path)), "/usr/bin", "/bin"])
    assert shutil.which("docs-daemon", path=clean_path) is None
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PATH"}
    }
    old = _old_python()
    env.update(
        PATH=clean_path,
        CHROMIUM=chromium,
        DOCS_DAEMON_VSIX=str(vsix),
        DOCS_DAEMON_EXTRA_DATABASE=str(extra),
        **({"DOCS_DAEMON_OLD_PYTHON": str(old)} if old else {}),
    )
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
