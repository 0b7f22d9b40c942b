"""An in-memory log for the demo site.

The embedded server runs in threads of a Jupyter kernel. Anything those
threads print lands in whichever cell runs next, so the site's loggers write
here instead, and ``DemoSite.log()`` shows the records when a learner asks.
"""

import logging
import threading
from collections import deque

#: The most recent records of the process, oldest first.
RECORDS: deque[logging.LogRecord] = deque(maxlen=500)
_lock = threading.Lock()


class MemoryHandler(logging.Handler):
    """Keep the last 500 records in memory; never write to a stream."""

    def emit(self, record: logging.LogRecord) -> None:
        # Format now: the request object attached to a record must not outlive it.
        try:
            record.formatted = self.format(record)
        except Exception:  # a log call must never break a request
            record.formatted = str(record.msg)
        record.request = None
        record.args = None
        with _lock:
            RECORDS.append(record)


def records() -> list[logging.LogRecord]:
    """Return a snapshot of the kept records, oldest first."""
    with _lock:
        return list(RECORDS)


def clear() -> None:
    """Forget every kept record."""
    with _lock:
        RECORDS.clear()
