"""Exercises that check themselves.

In a lesson, one line brings its exercises in::

    from course_helpers.exercises import lesson00 as ex

then ``ex.q1.check()``, ``ex.q1.hint()`` and ``ex.q1.solution()``. A starter
cell leaves ``...`` where the answer goes; until it is replaced, ``check()``
says *not attempted*.
"""

from __future__ import annotations

import importlib
import pkgutil

from course_helpers.display import Table
from course_helpers.exercises import store
from course_helpers.exercises.core import Exercise, Lesson, Outcome


def lessons() -> list[Lesson]:
    """Every lesson that has exercises, in course order."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("lesson") and info.name[6:].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append(module.LESSON)
    return found


def progress() -> Table:
    """Show which exercises of which lessons are solved (kept across kernel restarts)."""
    solved = store.load()
    rows = []
    for lesson in lessons():
        for exercise in lesson.exercises.values():
            when = solved.get(exercise.label)
            rows.append((lesson.number, exercise.name, exercise.title, "✓ solved" if when else "not yet"))
    done = sum(1 for row in rows if row[3] != "not yet")
    return Table(
        ["lesson", "exercise", "title", "status"],
        rows,
        title=f"Progress: {done} of {len(rows)} exercises solved",
        notes=[f"Kept in {store.progress_file()}; reset_progress() starts again."],
    )


def reset_progress(lesson: str | int | None = None) -> str:
    """Forget which exercises are solved: all of them, or those of ``lesson`` (e.g. ``3``)."""
    number = None if lesson is None else f"{int(lesson):02d}"
    store.reset(number)
    return "Progress reset" + (f" for lesson {number}." if number else " for every lesson.")


__all__ = ["Exercise", "Lesson", "Outcome", "lessons", "progress", "reset_progress"]
