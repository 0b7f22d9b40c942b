"""Which exercises a learner has solved, remembered across kernel restarts.

A small JSON file keeps the label of each solved exercise and when it was
first solved. It lives beside the course's ``notebooks/`` folder
(``.course_progress.json``, ignored by git), or in the home folder when the
course is installed elsewhere; ``COURSE_PROGRESS_FILE`` chooses another path.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from pathlib import Path

FILE_NAME = ".course_progress.json"


def progress_file() -> Path:
    """The file where progress is kept."""
    chosen = os.environ.get("COURSE_PROGRESS_FILE")
    if chosen:
        return Path(chosen)
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "notebooks").is_dir():
        return checkout / FILE_NAME
    return Path.home() / FILE_NAME


def load() -> dict[str, str]:
    """Solved exercise labels mapped to when they were first solved (ISO 8601, UTC).

    A missing or unreadable file counts as no progress (it is rewritten on the next success).
    """
    try:
        data = json.loads(progress_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    solved = data.get("solved", {}) if isinstance(data, dict) else {}
    return {str(k): str(v) for k, v in solved.items()} if isinstance(solved, dict) else {}


def record(label: str) -> None:
    """Remember that ``label`` is solved (keeps the first time); never raises."""
    solved = load()
    if label in solved:
        return
    solved[label] = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    _save(solved)


def reset(lesson: str | None = None) -> None:
    """Forget all progress, or only that of ``lesson`` (e.g. ``"03"``)."""
    if lesson is None:
        with contextlib.suppress(FileNotFoundError):
            progress_file().unlink()
        return
    prefix = f"lesson{lesson}."
    _save({k: v for k, v in load().items() if not k.startswith(prefix)})


def _save(solved: dict[str, str]) -> None:
    path = progress_file()
    with contextlib.suppress(OSError):  # progress is a convenience: a read-only disk must not break a check
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".progress-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"solved": dict(sorted(solved.items()))}, handle, indent=1)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
