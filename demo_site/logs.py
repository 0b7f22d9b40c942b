"""An in-memory log for the demo site.

The embedded server runs in threads of a Jupyter kernel. Anything those
threads print lands in whichever cell runs next, so the site's loggers write
here instead, and ``DemoSite.log()`` shows the entries when a learner asks.
"""

import logging
import threading
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class LogEntry:
    """One log record, formatted when it was made (it keeps no request object alive)."""

    created: float
    level: str
    logger: str
    message: str
    thread: str = ""


_entries: deque[LogEntry] = deque(maxlen=500)
_lock = threading.Lock()


class MemoryHandler(logging.Handler):
    """Keep the last 500 records in memory; never write to a stream."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = self.format(record)
        except Exception:  # a log call must never break a request
            message = str(record.msg)
        with _lock:
            _entries.append(
                LogEntry(record.created, record.levelname, record.name, message, record.threadName or "")
            )


def entries() -> list[LogEntry]:
    """Return a snapshot of the kept entries, oldest first."""
    with _lock:
        return list(_entries)
