"""Traffic diagrams: what a client really sent and received, drawn as a sequence.

Every :class:`~course_helpers.client.DemoClient` records its exchanges in a
:class:`Trace`. Displayed in JupyterLab, a trace is a mermaid sequence
diagram (method, path, status, the ``Cookie`` sent, each ``Set-Cookie``
received, redirects as their own arrows); elsewhere it is the same story in
plain text.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from course_helpers.display import Display, Mermaid, shorten
from course_helpers.exchange import Exchange

#: How much of a header value a diagram shows.
DIAGRAM_VALUE = 60


class Trace(Display):
    """The exchanges of one client, oldest first, at most ``limit`` of them.

    ``trace.clear()`` forgets them; ``trace.last(n)`` is a trace of the last ``n``.
    """

    def __init__(self, exchanges: list[Exchange] | None = None, *, limit: int = 200, title: str = ""):
        self._exchanges: deque[Exchange] = deque(exchanges or [], maxlen=limit)
        self.limit = limit
        self.title = title

    def append(self, exchange: Exchange) -> None:
        self._exchanges.append(exchange)

    def clear(self) -> None:
        """Forget every recorded exchange."""
        self._exchanges.clear()

    def last(self, n: int) -> Trace:
        """A trace of the last ``n`` exchanges."""
        return Trace(list(self._exchanges)[-n:] if n > 0 else [], limit=self.limit, title=self.title)

    def __iter__(self) -> Iterator[Exchange]:
        return iter(list(self._exchanges))

    def __len__(self) -> int:
        return len(self._exchanges)

    def __getitem__(self, index: int) -> Exchange:
        return list(self._exchanges)[index]

    def mermaid(self) -> str:
        """The trace as mermaid source (``sequenceDiagram``)."""
        lines = ["sequenceDiagram"]
        if self.title:
            lines.append(f"    title {_mermaid_lines([self.title])}")
        lines += ["    participant C as client", "    participant S as demo site"]
        if not self._exchanges:
            lines.append("    Note over C,S: no requests yet")
        for ex in self._exchanges:
            request = [f"{ex.method} {shorten(ex.path, DIAGRAM_VALUE)}"]
            if ex.cookie_sent:
                request += _cookie_lines(ex.cookie_sent)
            lines.append(f"    C->>S: {_mermaid_lines(request)}")
            reply = [f"{ex.status} {ex.reason}"]
            if ex.location:
                reply.append(f"Location: {shorten(ex.location, DIAGRAM_VALUE)}")
            reply += [f"Set-Cookie: {shorten(header, DIAGRAM_VALUE)}" for header in ex.set_cookies]
            lines.append(f"    S-->>C: {_mermaid_lines(reply)}")
        return "\n".join(lines)

    def text(self) -> str:
        lines = [self.title] if self.title else []
        if not self._exchanges:
            lines.append("(no requests yet)")
        for n, ex in enumerate(self._exchanges, 1):
            lines.append(f"{n}. client -> site: {ex.method} {shorten(ex.path, DIAGRAM_VALUE)}")
            if ex.cookie_sent:
                cookie_lines = _cookie_lines(ex.cookie_sent)
                lines.append(f"      {cookie_lines[0]}")
                lines += [f"              {more}" for more in cookie_lines[1:]]
            lines.append(f"   client <- site: {ex.status} {ex.reason}")
            if ex.location:
                lines.append(f"      Location: {shorten(ex.location, DIAGRAM_VALUE)}")
            for header in ex.set_cookies:
                lines.append(f"      Set-Cookie: {shorten(header, DIAGRAM_VALUE)}")
        return "\n".join(lines)

    def diagram(self) -> Mermaid:
        """The trace as a diagram display (what showing the trace itself gives)."""
        return Mermaid(self.mermaid(), self.text())

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return self.diagram()._repr_mimebundle_(include, exclude)

    _repr_html_ = None


def trace(client, *, last: int | None = None, title: str = "") -> Trace:
    """The recorded traffic of ``client`` (a ``site.client()``), ready to display.

    ``last`` keeps only the most recent exchanges; ``title`` heads the diagram.
    """
    recorded = getattr(client, "trace", None)
    if not isinstance(recorded, Trace):
        raise TypeError(
            "trace() needs a client made by site.client(): a plain requests.Session "
            "does not record its traffic."
        )
    chosen = recorded.last(last) if last is not None else recorded.last(len(recorded))
    chosen.title = title
    return chosen


def _cookie_lines(header: str) -> list[str]:
    """A ``Cookie`` header for a diagram: whole if short, else one line per cookie.

    Shortening a long header as a whole would hide every cookie after the
    first; each cookie is shortened on its own instead, so all their names show.
    """
    if len(header) <= DIAGRAM_VALUE:
        return [f"Cookie: {header}"]
    pairs = [shorten(pair, DIAGRAM_VALUE) for pair in header.split("; ")]
    lines = [f"{pair};" for pair in pairs[:-1]] + pairs[-1:]
    lines[0] = f"Cookie: {lines[0]}"
    return lines


def _mermaid_lines(lines: list[str]) -> str:
    """One mermaid message of several lines, each escaped so that mermaid reads it as text.

    ``;`` and ``#`` are mermaid syntax, and ``<``/``>`` would let a value
    (a cookie holding ``<br/>``, say) break the line or inject markup; each
    becomes an entity code. Only the separators added here are ``<br/>``.
    """
    escapes = {"#": "#35;", ";": "#59;", "<": "#lt;", ">": "#gt;"}
    return "<br/>".join("".join(escapes.get(ch, ch) for ch in line) for line in lines)
