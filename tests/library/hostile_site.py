"""Small hand-made Sphinx sites that misbehave: a lying inventory, hostile links and text."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import sphobjinv

from docs_daemon.environment import Distribution


def inventory(project: str, version: str, objects: list[tuple[str, str, str]]) -> bytes:
    """A real zlib ``objects.inv`` of ``(name, role, uri)`` py-domain objects."""
    inv = sphobjinv.Inventory()
    inv.project, inv.version = project, version
    for name, role, uri in objects:
        inv.objects.append(
            sphobjinv.DataObjStr(
                name=name, domain="py", role=role, priority="1", uri=uri, dispname="-"
            )
        )
    return bytes(sphobjinv.compress(inv.data_file(contract=False)))


def function_page(*functions: tuple[str, str]) -> str:
    """A Sphinx-shaped page documenting ``(qualname, body HTML)`` functions."""
    parts = []
    for qualname, body in functions:
        name = qualname.rpartition(".")[2]
        parts.append(
            f'<dl class="py function"><dt class="sig sig-object py" id="{qualname}">'
            f'<span class="sig-name descname"><span class="pre">{name}</span></span>'
            f'<span class="sig-paren">(</span><em class="sig-param">x</em><span class="sig-paren">)</span>'
            f'<a class="headerlink" href="#{qualname}">¶</a></dt><dd>{body}</dd></dl>'
        )
    return f'<html><body><div class="body" role="main"><section id="api"><h1>API</h1>{"".join(parts)}</section></div></body></html>'


#: Everything a page could try to smuggle into a hover.
HOSTILE_BODY = """
<p>Adds things. <a href="command:workbench.action.terminal.new">run a command</a>,
<a href="file:///etc/passwd">read a file</a>, <a href="javascript:alert(1)">script</a>,
<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>, <a href="vscode://settings">vscode</a>,
<a href="JaVaScRiPt:alert(1)">mixed case</a>, <a href="  command:x">padded</a>,
<a href="https://ok.example/a) [boom](command:evil">breaks out</a>,
<a href="#hostile.add">this entry</a>, <a href="other.html#x">a sibling page</a>,
<a href="https://ok.example/page">fine</a>.</p>
<p>Text that looks like markup: [click](command:evil) &lt;command:evil&gt; &lt;img src=x onerror=alert(1)&gt;
&lt;script&gt;alert(1)&lt;/script&gt; ![img](file:///etc/passwd)</p>
<p>[ref]: command:evil</p>
<script>alert("inline")</script><style>p{}</style><iframe src="command:x">frame</iframe>
<img src="file:///etc/passwd" alt="image"><object data="command:x">object</object>
<svg><a href="javascript:alert(1)">svg link</a></svg>
<pre>code ```
[after the fence](command:evil)
</pre>
<p><code>inline `` [x](command:evil) ``</code></p>
"""


def write_hostile_site(root: Path) -> list[str]:
    """A site whose inventory points inside, outside and nowhere; returns the qualnames that
    must survive."""
    (root / "api.html").write_text(
        function_page(("hostile.add", HOSTILE_BODY), ("hostile.plain", "<p>Plain.</p>"))
    )
    (root / "other.html").write_text(function_page(("hostile.other", "<p>Other.</p>")))
    (root.parent / "outside.html").write_text(function_page(("hostile.outside", "<p>Secret.</p>")))
    objects = [
        ("hostile.add", "function", "api.html#hostile.add"),
        ("hostile.plain", "function", "api.html#hostile.plain"),
        ("hostile.other", "function", "other.html#hostile.other"),
        # Lies: a missing anchor, a missing page.
        ("hostile.no_anchor", "function", "api.html#hostile.no_anchor"),
        ("hostile.no_page", "function", "missing.html#hostile.no_page"),
        # Escapes: up, encoded up, absolute, another host, other schemes, backslashes.
        ("hostile.up", "function", "../outside.html#hostile.outside"),
        ("hostile.encoded_up", "function", "%2e%2e/outside.html#hostile.outside"),
        ("hostile.double_encoded", "function", "%252e%252e/outside.html#hostile.outside"),
        ("hostile.absolute", "function", "/outside.html#hostile.outside"),
        ("hostile.elsewhere", "function", "https://evil.example/api.html#hostile.add"),
        ("hostile.scheme_relative", "function", "//evil.example/api.html#hostile.add"),
        ("hostile.js", "function", "javascript:alert(1)#x"),
        ("hostile.backslash", "function", "..\\\\outside.html#hostile.outside"),
        # A name that is not a Python name, and an anchor that tries to end the link.
        ("hostile.[x](command:evil)", "function", "api.html#hostile.add"),
        ("hostile.add_again", "function", "api.html#hostile.add)[x](command:evil)"),
    ]
    (root / "objects.inv").write_bytes(inventory("Hostile", "1.0", objects))
    return ["hostile.add", "hostile.plain", "hostile.other"]


def distribution(name: str, version: str = "1.0", **urls: str) -> Distribution:
    """A distribution as read from metadata (no files needed for locating docs)."""
    key = name.lower()
    return Distribution(
        name=name, key=key, version=version, top_level=(key.replace("-", "_"),),
        project_urls={label.replace("_", " "): url for label, url in urls.items()}, summary="",
        location=Path("/nonexistent"), files=(PurePosixPath(f"{key}/__init__.py"),),
        metadata_path=Path(f"/nonexistent/{key}-{version}.dist-info"),
    )  # fmt: skip
