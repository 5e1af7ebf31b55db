"""The untested-editor recipes in editor_clients/README.md at least say what the server accepts:
their TOML/JSON parses, their command is the project's script with arguments the CLI takes, and
their options are ones the server reads without warnings."""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from typing import Any

import pytest

from docs_daemon.cli import build_parser
from docs_daemon.settings import WIRE_NAMES, Settings, parse_settings, to_wire
from tests.conftest import ROOT

README = ROOT / "editor_clients" / "README.md"


def section(title: str) -> str:
    """The text of the README section headed `## {title}`, up to the next `## ` heading."""
    text = README.read_text()
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match is not None, f"README has no '## {title}' section"
    return match.group(1)


def code_block(title: str, language: str) -> str:
    """The first ```{language} block of a section."""
    match = re.search(rf"^```{language}\n(.*?)^```", section(title), re.MULTILINE | re.DOTALL)
    assert match is not None, f"the {title} section has no {language} block"
    return match.group(1)


def assert_serves(command: list[str]) -> None:
    """`command` is the project's console script running `serve` with options the CLI accepts."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert command[0] in scripts
    assert build_parser().parse_args(command[1:]).command == "serve"


def assert_accepted(options: dict[str, Any]) -> None:
    """The server reads every option under the recipe's name and keeps the recipe's value."""
    settings, warnings = parse_settings(options)
    assert warnings == []
    applied = to_wire(settings)
    assert {name: applied[name] for name in options} == options


def test_helix_recipe() -> None:
    config = tomllib.loads(code_block("Helix", "toml"))
    server = config["language-server"]["docs-daemon"]
    assert_serves([server["command"], *server["args"]])
    assert_accepted(server["config"])
    (python,) = [language for language in config["language"] if language["name"] == "python"]
    names = [
        entry if isinstance(entry, str) else entry["name"] for entry in python["language-servers"]
    ]
    assert "docs-daemon" in names


def test_sublime_text_recipe() -> None:
    client = json.loads(code_block("Sublime Text", "json"))["clients"]["docs-daemon"]
    assert_serves(client["command"])
    assert_accepted(client["initializationOptions"])
    assert client["selector"] == "source.python"


def test_kate_recipe() -> None:
    server = json.loads(code_block("Kate", "json"))["servers"]["python"]
    assert_serves(server["command"])
    assert_accepted(server["initializationOptions"])


def test_any_client_command_lines_parse() -> None:
    lines = [line.split("#")[0].strip() for line in code_block("Any LSP client", "sh").splitlines()]
    commands = [shlex.split(line) for line in lines if line]
    assert len(commands) >= 3
    for argv in commands:
        if argv[:3] == ["python", "-m", "docs_daemon"]:
            argv = ["docs-daemon", *argv[3:]]
        assert_serves(argv)


def test_any_client_options_table_is_the_servers_settings() -> None:
    """Every option the server reads is documented under its wire name with its real default."""
    rows = re.findall(r"^\| `(\w+)` \| [^|]+ \| `([^`]+)`", section("Any LSP client"), re.MULTILINE)
    documented = {name: json.loads(default) for name, default in rows}
    assert set(documented) == set(WIRE_NAMES)
    assert documented == to_wire(Settings())


@pytest.mark.parametrize("title", ["Emacs", "Neovim"])
def test_other_recipes_start_the_server(title: str) -> None:
    """Recipes in languages not parsed here still name the real command and subcommand."""
    text = section(title)
    assert '"docs-daemon" "serve"' in text or '"docs-daemon", "serve"' in text
