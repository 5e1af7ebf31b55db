"""Settings from initializationOptions and didChangeConfiguration, including bad ones."""

from __future__ import annotations

from typing import Any

from tests.wire import WireServer

DOC = ("file:///w/settings.py", "import os\nos.\nimport subprocess\nsubprocess.Popen\n")


def _completion_count(server: WireServer) -> int:
    response = server.request(
        "textDocument/completion",
        {"textDocument": {"uri": DOC[0]}, "position": {"line": 1, "character": 3}},
    )
    return len(response["result"]["items"])


def _hover_length(server: WireServer) -> int:
    return len(server.hover(DOC[0], 3, 13)["result"]["contents"]["value"])


def _messages(server: WireServer, first: float = 20.0, more: float = 1.0) -> list[dict[str, Any]]:
    """Every showMessage: a generous wait for the first (a loaded machine starts slowly),
    then a short one for the rest."""
    found: list[dict[str, Any]] = []
    try:
        while True:
            found.append(
                server.wait_for(
                    lambda m: m.get("method") == "window/showMessage", more if found else first
                )
            )
    except TimeoutError:
        return found


def test_initialization_options_apply() -> None:
    default = WireServer()
    default.initialize()
    default.open(*DOC)
    default_length = _hover_length(default)
    assert default.close() == 0

    server = WireServer()
    server.initialize({"maxResults": 5, "hoverMaxLength": 300})
    server.open(*DOC)
    assert _completion_count(server) == 5
    # Popen's body is far longer than 4,000 characters; only the body is cut, not the heading.
    assert _hover_length(server) < default_length - 3000
    assert server.close() == 0


def test_bad_settings_warn_and_fall_back_to_defaults() -> None:
    server = WireServer()
    server.initialize({"maxResults": "many", "hoverMaxLength": -3, "noSuchSetting": 1})
    warnings = _messages(server)
    text = " ".join(m["params"]["message"] for m in warnings)
    assert "maxResults" in text and "hoverMaxLength" in text and "noSuchSetting" in text
    server.open(*DOC)
    assert _completion_count(server) == 50  # the default
    assert server.close() == 0


def test_did_change_configuration_applies_without_restart() -> None:
    server = WireServer()
    server.initialize()
    server.open(*DOC)
    assert _completion_count(server) == 50
    server.notify(
        "workspace/didChangeConfiguration", {"settings": {"docsDaemon": {"maxResults": 7}}}
    )
    assert _completion_count(server) == 7
    server.notify("workspace/didChangeConfiguration", {"settings": {"docsets": ["no-such-docset"]}})
    response = server.hover(DOC[0], 3, 13)
    assert response["result"] is None
    assert server.close() == 0


def test_missing_database_is_reported_and_server_keeps_running(tmp_path: Any) -> None:
    server = WireServer("--db", str(tmp_path / "missing.sqlite"), "--no-bundled")
    server.initialize()
    warnings = _messages(server)
    assert any("missing.sqlite" in m["params"]["message"] for m in warnings), warnings
    server.open(*DOC)
    assert server.hover(DOC[0], 3, 13)["result"] is None
    assert server.close() == 0
