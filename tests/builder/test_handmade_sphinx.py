"""A tiny Sphinx build written by the test: damaged pages cost only their own entries' text."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sphobjinv

from tests.builder.conftest import connect, run_cli

API_PAGE = """<html><body><section id="module-pkg"><h1>pkg — a demo</h1>
<p>The demo package, used by the builder's tests.</p>
<dl class="py function"><dt class="sig sig-object py" id="pkg.f">
<span class="sig-prename descclassname"><span class="pre">pkg.</span></span><span
class="sig-name descname"><span class="pre">f</span></span><span class="sig-paren">(</span><em
class="sig-param">x</em><span class="sig-paren">)</span><a class="headerlink" href="#pkg.f">¶</a>
</dt><dd><p>Compute <em>f</em> of <code>x</code>, see <a href="other.html#y">y</a>.</p>
<div class="highlight-pycon"><div class="highlight"><pre>&gt;&gt;&gt; f(1)
2</pre></div></div></dd></dl>
</section></body></html>"""


def _inventory(objects: list[tuple[str, str, str]]) -> bytes:
    inventory = sphobjinv.Inventory()
    inventory.project = "Demo"
    inventory.version = "1.0"
    for name, role, uri in objects:
        inventory.objects.append(
            sphobjinv.DataObjStr(
                name=name, domain="py", role=role, priority="1", uri=uri, dispname="-"
            )
        )
    return bytes(sphobjinv.compress(inventory.data_file()))


def test_damaged_pages_are_skipped_counted_and_reported(tmp_path: Path) -> None:
    html = tmp_path / "html"
    html.mkdir()
    (html / "api.html").write_text(API_PAGE, encoding="utf-8")
    (html / "junk.html").write_bytes(os.urandom(4096) + b"\x00\xff<dl><dt id=")
    (html / "objects.inv").write_bytes(
        _inventory(
            [
                ("pkg", "module", "api.html#module-$"),
                ("pkg.f", "function", "api.html#$"),
                ("pkg.no_anchor", "function", "api.html#$"),
                ("pkg.in_junk", "data", "junk.html#$"),
                ("pkg.gone", "class", "gone.html#$"),
            ]
        )
    )
    output = tmp_path / "demo.sqlite"
    result = run_cli("build", html, "--base-url", "https://demo.example/docs", "-o", output)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "api.html: no anchor for pkg.no_anchor" in result.stderr
    assert "junk.html: no anchor for pkg.in_junk" in result.stderr
    assert "page gone.html is missing" in result.stderr
    assert "demo 1.0: 5 entries" in result.stdout
    for conn in connect(output):
        conn.row_factory = sqlite3.Row
        entries = {r["qualname"]: r for r in conn.execute("SELECT * FROM entries")}
        f = entries["pkg.f"]
        assert f["signature"] == "(x)"
        assert (
            f["summary"] == "Compute *f* of `x`, see [y](https://demo.example/docs/other.html#y)."
        )
        assert "```pycon\n>>> f(1)\n2\n```" in f["body"]
        assert f["url"] == "https://demo.example/docs/api.html#pkg.f"
        assert f["parent"] == "pkg"
        assert entries["pkg"]["summary"] == "The demo package, used by the builder's tests."
        assert "pkg.f" not in entries["pkg"]["body"]  # the module intro stops at its objects
        for skipped in ("pkg.no_anchor", "pkg.in_junk", "pkg.gone"):
            assert entries[skipped]["body"] == ""
            assert entries[skipped]["url"].startswith("https://demo.example/docs/")
        assert conn.execute("SELECT base_url FROM docsets").fetchone()[0] == (
            "https://demo.example/docs/"
        )
