"""The folder where one process keeps the demo site's databases and session files.

Each process (a Jupyter kernel, a test run) gets its own temporary folder,
named after its process id, and removes it when it exits. A kernel that is
killed (nbval stops kernels that way) cannot clean up after itself, so every
new folder first removes those left behind by processes that no longer exist.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIX = "demo-site-"
_OWNED = re.compile(rf"^{PREFIX}(\d+)-")


def create() -> str:
    """A new folder for this process, removed at exit; stale folders of dead processes go first."""
    remove_stale(Path(tempfile.gettempdir()))
    folder = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def create_owned(kind: str) -> str:
    """A new temporary folder of this process for ``kind`` (a browser profile, say), removed at exit.

    Named like the data folder (``demo-site-<pid>-<kind>-...``), so that the folder of a killed kernel
    is removed by the next process, as :func:`remove_stale` does for data folders.
    """
    folder = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-{kind}-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def remove_stale(parent: Path) -> list[Path]:
    """Remove the folders in ``parent`` that belong to processes that have exited; return them."""
    removed = []
    for folder in parent.glob(f"{PREFIX}*"):
        match = _OWNED.match(folder.name)
        if match and folder.is_dir() and not _alive(int(match.group(1))):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive, and not ours to clean
        return True
    return True
