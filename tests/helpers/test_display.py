"""The generic displays: shortening, ages, tables, sections.

One demo site serves the module (``site`` and ``client`` fixtures from ``tests/helpers/conftest.py``).
"""

from __future__ import annotations

from course_helpers.display import Mermaid, Sections, Table, describe_age, shorten

# -- displays ---------------------------------------------------------------------


def test_shorten_and_describe_age():
    assert shorten("abc") == "abc"
    assert shorten("x" * 48) == "x" * 48
    assert shorten("x" * 49) == "x" * 32 + "… (49 chars)"
    assert shorten("y" * 200, 100) == "y" * 84 + "… (200 chars)"
    assert describe_age(0) == "in 0 seconds"
    assert describe_age(1) == "in 1 second"
    assert describe_age(-90) == "2 minutes ago"
    assert describe_age(3600) == "in 1 hour"
    assert describe_age(-86400 * 14) == "14 days ago"


def test_generic_displays_escape_and_are_stable():
    table = Table(["k", "v"], [("<a>", True), ("b", None)], title="T<1>", notes=["n<2>"])
    assert table.text() == "T<1>\nk    v\n---  ---\n<a>  yes\nb\nn<2>"
    assert table.text() == table.text()
    html = table.html()
    assert "<a>" not in html and "&lt;a&gt;" in html and "T&lt;1&gt;" in html and "n&lt;2&gt;" in html
    sections = Sections([("h<1>", table), ("", "plain <x>")], title="S")
    assert sections.text() == "S\n=\n-- h<1> --\n" + table.text() + "\nplain <x>"
    assert "&lt;x&gt;" in sections.html() and "<x>" not in sections.html()
    diagram = Mermaid("graph TD", "fallback")
    assert repr(diagram) == "fallback"
    assert diagram._repr_mimebundle_() == {"text/vnd.mermaid": "graph TD", "text/plain": "fallback"}
