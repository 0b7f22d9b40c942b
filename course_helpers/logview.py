"""What the demo site logged: request lines, warnings and errors, kept in memory."""

from __future__ import annotations

import datetime as dt

from course_helpers.display import Table


class LogView(Table):
    """The demo site's most recent log entries, as a table."""

    @classmethod
    def latest(cls, last: int = 20, *, thread_prefix: str = "") -> LogView:
        """The last ``last`` entries, only those logged by threads named ``thread_prefix...`` if given."""
        from demo_site import logs

        mine = [e for e in logs.entries() if e.thread.startswith(thread_prefix)]
        chosen = mine[-last:] if last > 0 else []
        return cls(
            ["time (UTC)", "level", "logger", "message"],
            [
                (
                    dt.datetime.fromtimestamp(e.created, dt.UTC).strftime("%H:%M:%S"),
                    e.level,
                    e.logger,
                    e.message.splitlines()[0][:120] if e.message else "",
                )
                for e in chosen
            ],
            title=f"Demo site log (last {last} entries)",
            empty="(nothing logged)",
        )


def latest_problems(last: int = 1) -> list[str]:
    """The demo site's last ``last`` warnings and errors (a CSRF refusal, a 500), oldest first, one line each.

    Request lines are left out: only what Django logs *while* answering, so
    the entry is there as soon as the client has its response. For an
    exception, the line is the message followed by the traceback's last line
    (``Internal Server Error: /path → ValueError: ...``).
    """
    from demo_site import logs

    serious = ("WARNING", "ERROR", "CRITICAL")
    problems = [e for e in logs.entries() if e.level in serious and e.logger != "django.server"]
    lines = []
    for entry in problems[-last:] if last > 0 else []:
        text = entry.message.strip().splitlines() or [""]
        lines.append(text[0] if len(text) == 1 else f"{text[0]} → {text[-1].strip()}")
    return lines
