"""Rich displays: every helper's result shows as HTML in JupyterLab and as text elsewhere.

A display is an ordinary object. JupyterLab calls ``_repr_html_`` (or
``_repr_mimebundle_``); terminals, nbval and the web view of a notebook read
the plain text from ``__repr__``. Both forms are built from the same facts, in
a fixed order, so a display is stable from run to run wherever the facts are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

#: Values longer than this are shortened in tables, visibly (with the full length).
MAX_CELL = 48

#: Words longer than this get places to wrap in HTML tables (see :func:`breakable`).
LONG_WORD = 20
_BREAK_AFTER = frozenset("/\\?&=;,@")


def shorten(text: str, limit: int = MAX_CELL) -> str:
    """Shorten ``text`` to ``limit`` characters, saying how long it really is."""
    if len(text) <= limit:
        return text
    keep = max(limit - 16, 8)
    return f"{text[:keep]}… ({len(text)} chars)"


def breakable(text: str) -> str:
    """``text`` escaped for HTML, with ``<wbr>`` in its long words so that a narrow table can wrap them.

    A URL has no space to wrap at, so a table of them grows wider than the
    notebook and hides its last columns. ``<wbr>`` marks where a line may
    break if it must (after ``/``, ``?``, ``&``, ``=``, ``;``, ``,``, ``@``);
    it adds no character to the text, nor to a copy of it.
    """
    words = []
    for word in re.split(r"(\s+)", text):
        if len(word) > LONG_WORD:
            last = len(word) - 1
            words.append(
                "".join(
                    escape(ch) + ("<wbr>" if ch in _BREAK_AFTER and i < last else "")
                    for i, ch in enumerate(word)
                )
            )
        else:
            words.append(escape(word))
    return "".join(words)


#: Units of time, largest first: (name, seconds).
_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def describe_age(seconds: float) -> str:
    """Say how far away a moment is, rounded to its largest unit: ``in 14 days``, ``3 minutes ago``.

    Rounding never gives a count of the next unit: 3599.6 s is ``1 hour``, not ``60 minutes``.
    """
    future = seconds >= 0
    seconds = abs(seconds)
    index = next((i for i, (_, size) in enumerate(_UNITS) if seconds >= size), len(_UNITS) - 1)
    unit, size = _UNITS[index]
    amount = round(seconds / size)
    if index > 0 and amount * size >= _UNITS[index - 1][1]:
        unit, amount = _UNITS[index - 1][0], round(amount * size / _UNITS[index - 1][1])
    words = f"{amount} {unit}{'' if amount == 1 else 's'}"
    return f"in {words}" if future else f"{words} ago"


class Display:
    """Base class of the course's displays: subclasses give ``text()`` and ``html()``."""

    def text(self) -> str:
        raise NotImplementedError

    def html(self) -> str:
        return f"<pre>{escape(self.text())}</pre>"

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        return self.html()


class Table(Display):
    """A titled table with optional notes under it."""

    def __init__(
        self,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        title: str = "",
        notes: Sequence[str] = (),
        empty: str = "(none)",
    ):
        self.columns = list(columns)
        self.rows = [[_cell(value) for value in row] for row in rows]
        self.title = title
        self.notes = list(notes)
        self.empty = empty

    def __len__(self) -> int:
        return len(self.rows)

    def text(self) -> str:
        lines = [self.title] if self.title else []
        if not self.rows:
            lines.append(self.empty)
        else:
            widths = [
                max(len(str(col)), *(len(row[i]) for row in self.rows)) for i, col in enumerate(self.columns)
            ]
            lines.append("  ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=True)).rstrip())
            lines.append("  ".join("-" * w for w in widths))
            for row in self.rows:
                lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
        lines.extend(self.notes)
        return "\n".join(lines)

    def html(self) -> str:
        parts = []
        if self.title:
            parts.append(f"<p><b>{escape(self.title)}</b></p>")
        if not self.rows:
            parts.append(f"<p><i>{escape(self.empty)}</i></p>")
        else:
            head = "".join(f"<th style='text-align:left'>{escape(c)}</th>" for c in self.columns)
            body = "".join(
                "<tr>"
                + "".join(
                    f"<td style='text-align:left'><code>{breakable(v)}</code></td>" if v else "<td></td>"
                    for v in row
                )
                + "</tr>"
                for row in self.rows
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        parts.extend(f"<p>{escape(note)}</p>" for note in self.notes)
        return "\n".join(parts)


class Sections(Display):
    """Several displays shown one after the other, each under a heading."""

    def __init__(self, sections: Sequence[tuple[str, Display | str]], *, title: str = ""):
        self.sections = list(sections)
        self.title = title

    def text(self) -> str:
        out = [self.title, "=" * len(self.title)] if self.title else []
        for heading, body in self.sections:
            if heading:
                out.append(f"-- {heading} --")
            out.append(body.text() if isinstance(body, Display) else str(body))
        return "\n".join(out)

    def html(self) -> str:
        out = [f"<h4>{escape(self.title)}</h4>"] if self.title else []
        for heading, body in self.sections:
            if heading:
                out.append(f"<p><b>{escape(heading)}</b></p>")
            out.append(body.html() if isinstance(body, Display) else f"<pre>{escape(str(body))}</pre>")
        return "\n".join(out)


class Mermaid(Display):
    """A mermaid diagram (MIME ``text/vnd.mermaid``) with a plain-text fallback.

    JupyterLab 4.1+ draws the diagram itself, offline; other front ends show
    the text.
    """

    _repr_html_ = None  # the diagram, not an HTML copy of its text, is the rich form

    def __init__(self, source: str, fallback: str):
        self.source = source
        self.fallback = fallback

    def text(self) -> str:
        return self.fallback

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {"text/vnd.mermaid": self.source, "text/plain": self.fallback}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
