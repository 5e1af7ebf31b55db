"""How entries read in an editor: headings, truncation that never breaks a code fence, pages."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from docs_daemon.render import (
    candidates_markdown,
    hover_markdown,
    page_markdown,
    provenance_note,
    short_signature,
    signature_line,
    truncate_markdown,
)
from docs_daemon.schema import Kind
from docs_daemon.store.models import Entry


def _entry(kind: Kind = Kind.FUNCTION, body: str = "Body text.", **fields: str) -> Entry:
    values = {
        "docset": "python",
        "qualname": "json.dumps",
        "name": "dumps",
        "parent": "json",
        "signature": "(obj, *, indent=None)",
        "summary": "Serialize *obj*.",
        "url": "https://docs.python.org/3.11/library/json.html#json.dumps",
    }
    values.update(fields)
    return Entry(kind=kind, body=body, **values)  # type: ignore[arg-type]


def test_signature_line_per_kind() -> None:
    assert signature_line(_entry()) == "json.dumps(obj, *, indent=None)"
    assert signature_line(_entry(Kind.CLASS, qualname="json.JSONEncoder")).startswith(
        "class json.JSONEncoder("
    )
    assert signature_line(_entry(Kind.MODULE, qualname="json", signature="")) == "module json"
    assert signature_line(_entry(Kind.CLASSMETHOD)).startswith("@classmethod\n")


def test_hover_has_signature_block_text_and_link() -> None:
    text = hover_markdown(_entry(body="Serialize *obj* to a JSON formatted str."), 1000)
    assert text.startswith("```python\njson.dumps(obj, *, indent=None)\n```")
    assert "Serialize *obj* to a JSON formatted str." in text
    assert text.rstrip().endswith("(https://docs.python.org/3.11/library/json.html#json.dumps)")


def test_keyword_hover_has_no_python_block() -> None:
    text = hover_markdown(_entry(Kind.KEYWORD, qualname="with", signature=""), 1000)
    assert "```python" not in text.split("\n\n")[0]
    assert "`with`" in text


def test_truncation_keeps_fences_whole_and_links_online() -> None:
    body = "First paragraph.\n\n```python\n" + "x = 1\n" * 50 + "```\n\nLast paragraph."
    text = hover_markdown(_entry(body=body), 100)
    assert text.count("```") % 2 == 0
    assert "x = 1" not in text  # the whole block did not fit, so none of it is shown
    assert "online docs" in text


def test_truncation_of_one_huge_block_closes_its_fence() -> None:
    text, cut = truncate_markdown("```python\n" + "y = 2\n" * 500 + "```", 200)
    assert cut and text.count("```") == 2 and len(text) <= 210


@given(st.text(alphabet=st.sampled_from(list("ab \n`#*")), max_size=400), st.integers(1, 300))
def test_truncation_never_grows_text_or_leaves_odd_fences(text: str, limit: int) -> None:
    result, cut = truncate_markdown(text, limit)
    if not cut:
        assert result == text
    else:
        assert len(result) <= limit + 4


def test_candidates_are_labelled_as_candidates() -> None:
    entries = [_entry(qualname="str.split"), _entry(qualname="bytes.split")]
    text = candidates_markdown("x.split", entries, 2000)
    assert "candidates" in text
    assert text.index("str.split") < text.index("bytes.split")


def test_page_is_standalone_markdown() -> None:
    page = page_markdown(_entry(body="Serialize."))
    assert page.startswith("# json.dumps\n")
    assert "Online: <https://docs.python.org/3.11/library/json.html#json.dumps>" in page


def test_short_signature_is_one_bounded_line() -> None:
    long = "(" + ", ".join(f"p{i}=None" for i in range(40)) + ")"
    text = short_signature(_entry(signature=long))
    assert "\n" not in text and len(text) <= len("dumps") + 80


def _docstring_entry() -> Entry:
    return Entry(
        docset="jinja2",
        qualname="jinja2.Template",
        name="Template",
        kind=Kind.CLASS,
        parent="jinja2",
        signature="(source)",
        summary="A compiled template that can be rendered.",
        url="file:///venv/lib/python3.11/site-packages/jinja2/environment.py#L1136",
        body="A compiled template that can be rendered.",
        origin="docstrings",
    )


def test_docstrings_say_so_and_link_their_source() -> None:
    entry = _docstring_entry()
    note = provenance_note(entry, "3.1.6", (3, 13))
    assert note == (
        "*From the docstrings of the installed jinja2 3.1.6: its official docs are not downloaded.*"
    )
    assert hover_markdown(entry, 1000, note) == (
        "```python\nclass jinja2.Template(source)\n```\n\n"
        + note
        + "\n\nA compiled template that can be rendered.\n\n"
        "[jinja2.Template — source of the installed jinja2]"
        "(file:///venv/lib/python3.11/site-packages/jinja2/environment.py#L1136)"
    )


def test_another_python_versions_docs_say_which() -> None:
    entry = _entry()
    assert provenance_note(entry, "3.11", (3, 13)) == (
        "*Python 3.11 docs; your environment runs Python 3.13.*"
    )
    assert provenance_note(entry, "3.11", (3, 11)) == ""
    assert provenance_note(entry, "3.11", None) == ""
