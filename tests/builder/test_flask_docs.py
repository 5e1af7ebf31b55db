"""A second, unrelated Sphinx project (Flask's docs from Debian) proves the builder is generic."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sphobjinv

from tests.builder.conftest import FLASK_BASE_URL
from tests.builder.html_oracle import anchor_node, dt_text, first_sentence, plain

pytestmark = pytest.mark.slow


def _entry(conn: sqlite3.Connection, qualname: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM entries WHERE qualname = ?", (qualname,)).fetchone()
    assert row is not None, f"{qualname} is missing"
    return row


def test_counts_match_inventory(flask_conn: sqlite3.Connection, flask_html: Path) -> None:
    inventory = sphobjinv.Inventory(flask_html / "objects.inv")
    expected = Counter(o.role for o in inventory.objects if o.domain == "py")
    found = Counter(
        dict(flask_conn.execute("SELECT kind, count(*) FROM entries GROUP BY kind").fetchall())
    )
    assert found == expected
    assert "keyword" not in found  # keywords come only from the Python docs themselves
    docset = flask_conn.execute("SELECT name, version, base_url FROM docsets").fetchone()
    assert tuple(docset) == ("flask", inventory.version, FLASK_BASE_URL)


@pytest.mark.parametrize(
    ("qualname", "kind"),
    [
        ("flask.Flask", "class"),
        ("flask.render_template", "function"),
        ("flask.Flask.route", "method"),
        ("flask.Request.args", "property"),
        ("flask.Blueprint", "class"),
        ("flask.json.jsonify", "function"),
        ("flask.Flask.config", "attribute"),
    ],
)
def test_entries_against_html(
    flask_conn: sqlite3.Connection, flask_html: Path, qualname: str, kind: str
) -> None:
    row = _entry(flask_conn, qualname)
    assert row["kind"] == kind
    url = urlsplit(row["url"])
    assert row["url"].startswith(FLASK_BASE_URL) and url.fragment == qualname
    node = anchor_node(flask_html, url.path.removeprefix(urlsplit(FLASK_BASE_URL).path), qualname)
    assert dt_text(node).endswith(row["signature"])
    sentence = first_sentence(node)
    assert sentence and plain(sentence) in plain(row["body"])


def test_signatures_and_parameter_lists(flask_conn: sqlite3.Connection) -> None:
    flask_class = _entry(flask_conn, "flask.Flask")
    assert flask_class["signature"].startswith("(import_name, static_url_path=None")
    assert flask_class["parent"] == "flask"
    route = _entry(flask_conn, "flask.Flask.route")
    assert route["parent"] == "flask.Flask"
    assert "**Parameters:**" in route["body"]
    assert "- **rule** (*str*) – The URL rule string." in route["body"]
    assert '```python\n@app.route("/")' in route["body"]
    render = _entry(flask_conn, "flask.render_template")
    assert render["signature"] == "(template_name_or_list, **context)"
