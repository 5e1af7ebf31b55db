"""How ``add`` progress reads at a terminal (a bar per stage) and in a log (a few lines)."""

from __future__ import annotations

import io

from docs_daemon.library.progress import ProgressEvent
from docs_daemon.library.progress_display import ProgressDisplay

EVENTS = [
    ProgressEvent("werkzeug", "resolve", "looking for the documentation of werkzeug"),
    *(
        ProgressEvent("werkzeug", "pages", "fetching 19 pages of werkzeug", n, 19, "pages")
        for n in range(20)
    ),
    ProgressEvent("werkzeug", "download", "downloading https://x/a.tar.bz2", 0, None, "bytes"),
    ProgressEvent("werkzeug", "download", "downloading https://x/a.zip", 0, 2_000_000, "bytes"),
    ProgressEvent(
        "werkzeug", "download", "downloading https://x/a.zip", 2_000_000, 2_000_000, "bytes"
    ),
    ProgressEvent("werkzeug", "write", "writing /d/werkzeug.sqlite"),
]


def test_log_lines() -> None:
    stream = io.StringIO()
    with ProgressDisplay(stream=stream) as display:
        for event in EVENTS:
            display(event)
    assert stream.getvalue().splitlines() == [
        "looking for the documentation of werkzeug",
        "fetching 19 pages of werkzeug",
        "pages: 5/19 pages", "pages: 10/19 pages", "pages: 15/19 pages", "pages: 19/19 pages",
        "downloading https://x/a.tar.bz2",
        "downloading https://x/a.zip",
        "download: 2.0 MB of 2.0 MB",
        "writing /d/werkzeug.sqlite",
    ]  # fmt: skip


def test_terminal_bars() -> None:
    stream = io.StringIO()
    with ProgressDisplay(stream=stream, force_terminal=True) as display:
        for event in EVENTS:
            display(event)
    text = stream.getvalue()
    assert "fetching 19 pages of werkzeug" in text and "19/19" in text
    assert "downloading https://x/a.zip" in text and "2.0/2.0 MB" in text
    assert "writing /d/werkzeug.sqlite" in text


def test_quiet() -> None:
    stream = io.StringIO()
    with ProgressDisplay(stream=stream, quiet=True) as display:
        for event in EVENTS:
            display(event)
    assert stream.getvalue() == ""
