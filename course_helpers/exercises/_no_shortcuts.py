"""Call a learner's function and see whether it took a shortcut: a call into a module it was asked to replace.

An exercise that asks for a function *by hand* (``make_jwt`` without PyJWT,
``read_session`` without the course's own ``explain_signed_value``) cannot
tell from the result alone: the shortcut gives the very same bytes. So the
check calls the function under :func:`sys.setprofile` and records every
Python function it entered whose code lives in one of the named modules.
Only the calling thread is watched, which is the one the learner's function
runs in.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from course_helpers.exercises.core import Attempt


def call_watching(
    attempt: Attempt, modules: list[ModuleType], fn: Callable[..., Any], *args: Any
) -> tuple[Any, list[str]]:
    """``attempt.call(fn, *args)``; also the names of the functions of ``modules`` it called (in order, once each).

    A module given as a package covers every file under its folder.
    """
    roots = []
    for module in modules:
        for path in {Path(module.__file__), Path(module.__file__).resolve()}:
            roots.append(str(path.parent) if path.name == "__init__.py" else str(path))
    entered: list[str] = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(tuple(roots)):
            name = f"{Path(frame.f_code.co_filename).stem}.{frame.f_code.co_name}"
            if name not in entered:
                entered.append(name)

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        result = attempt.call(fn, *args)
    finally:
        sys.setprofile(previous)
    return result, entered
