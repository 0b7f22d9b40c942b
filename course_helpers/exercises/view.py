"""How exercise results look: a coloured box in JupyterLab, one clear line of text elsewhere."""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from course_helpers.display import Display

if TYPE_CHECKING:
    from course_helpers.exercises.core import Outcome


def _inline(text: str) -> str:
    """``text`` escaped for HTML, a name quoted in backticks (`` `visits` ``) shown as code."""
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", escape(text))


def _box(colour: str, background: str, body: str) -> str:
    return (
        f"<div style='border-left:4px solid {colour};background:{background};"
        f"padding:.5em 1em;margin:.25em 0'>{body}</div>"
    )


class OutcomeView(Display):
    """The display of one :class:`~course_helpers.exercises.core.Outcome`."""

    def __init__(self, outcome: Outcome):
        self.outcome = outcome

    def text(self) -> str:
        status = self.outcome.status
        lines = [f"{status.symbol} {status.heading} ({self.outcome.exercise}): {self.outcome.message}"]
        if self.outcome.details:
            lines.append(self.outcome.details)
        return "\n".join(lines)

    def html(self) -> str:
        status = self.outcome.status
        body = (
            f"<b>{status.symbol} {escape(status.heading)}</b> "
            f"<small>({escape(self.outcome.exercise)})</small><br/>"
        )
        body += _inline(self.outcome.message)
        if self.outcome.details:
            body += f"<pre style='margin:.5em 0 0'>{escape(self.outcome.details)}</pre>"
        return _box(status.colour, status.background, body)


class HintView(Display):
    """One hint, numbered."""

    def __init__(self, label: str, number: int, total: int, text: str):
        self.label, self.number, self.total, self.hint = label, number, total, text

    def _heading(self) -> str:
        if not self.number:
            return f"Hint ({self.label})"
        more = "" if self.number < self.total else " — the last one; .solution() shows the answer"
        return f"Hint {self.number} of {self.total} ({self.label}){more}"

    def text(self) -> str:
        return f"{self._heading()}: {self.hint}"

    def html(self) -> str:
        return _box("#1565c0", "#eef4fb", f"<b>{escape(self._heading())}</b><br/>{_inline(self.hint)}")


class SolutionView(Display):
    """The reference solution: code highlighted, and why it works."""

    def __init__(self, label: str, code: str, why: str):
        self.label, self.code, self.why = label, code, why

    def text(self) -> str:
        return f"Solution ({self.label}):\n{self.code}\n\nWhy: {self.why}"

    def html(self) -> str:
        try:
            from pygments import highlight
            from pygments.formatters import HtmlFormatter
            from pygments.lexers import PythonLexer

            code = highlight(self.code, PythonLexer(), HtmlFormatter(noclasses=True, nowrap=False))
        except ImportError:  # pragma: no cover - pygments comes with JupyterLab
            code = f"<pre>{escape(self.code)}</pre>"
        return _box(
            "#1565c0",
            "#eef4fb",
            f"<b>Solution ({escape(self.label)})</b><div style='margin:.4em 0'>{code}</div>"
            f"<b>Why:</b> {_inline(self.why)}",
        )
