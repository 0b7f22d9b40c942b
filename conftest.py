"""Project-wide pytest hooks."""

import tempfile
from pathlib import Path


def pytest_sessionfinish(session, exitstatus):
    """nbval kills each notebook's kernel, which leaves its data folder behind: remove those."""
    from demo_site import datadir

    datadir.remove_stale(Path(tempfile.gettempdir()))
