"""Proof that every exercise works: shipped as *not attempted*, solved as *correct*, wrong as *wrong*.

A lesson marks each starter cell with the tag ``exercise-qN``; the cell
calling ``ex.qN.check()`` follows it. From a lesson notebook this module
builds a *proof notebook* in which every starter cell first tries each of the
exercise's ``wrong_answers`` (each must be rejected with its expected
message) and then runs the exercise's reference ``solution``, so every
check cell must then say *correct*. The course's tests execute it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from course_helpers import catalog
from course_helpers.exercises.core import INCORRECT, Exercise

TAG = re.compile(r"^exercise-(q\d+)$")
CHECK = re.compile(r"^\s*ex\.(q\d+)\.check\(\)\s*$", re.MULTILINE)


def lesson_module_name(notebook: Path) -> str:
    """``notebooks/03_signed_cookies.ipynb`` → ``course_helpers.exercises.lesson03``, from the catalog.

    Raises ``LookupError`` for a notebook the catalog does not list.
    """
    return catalog.notebook_for(notebook).exercise_module


def exercise_cells(notebook: Any) -> dict[str, int]:
    """The index of each exercise's starter cell, by exercise name (several exercises may share one cell)."""
    found = {}
    for index, cell in enumerate(notebook.cells):
        for tag in cell.get("metadata", {}).get("tags", []):
            match = TAG.match(tag)
            if match:
                found[match.group(1)] = index
    return found


def check_cells(notebook: Any) -> dict[str, int]:
    """The index of the cell that calls ``ex.qN.check()``, by exercise name."""
    found = {}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            for name in CHECK.findall(cell.source):
                found[name] = index
    return found


def outputs_text(cell: Any) -> str:
    """All the plain text a code cell's saved outputs show."""
    parts = []
    for output in cell.get("outputs", []):
        if "text" in output:
            parts.append(output["text"])
        data = output.get("data", {})
        if "text/plain" in data:
            parts.append(data["text/plain"])
        if output.get("output_type") == "error":
            parts.append(f"{output.get('ename')}: {output.get('evalue')}")
    return "\n".join(parts)


def prove_wrong_answers(exercise: Exercise, namespace: Mapping[str, Any]) -> int:
    """Run each wrong answer in a copy of ``namespace``; each must be rejected with its message.

    Returns how many were proven; raises ``AssertionError`` naming every one that was not.
    """
    if len(exercise.wrong_answers) < 2:
        raise AssertionError(f"{exercise.label} needs at least two plausible wrong answers.")
    problems = []
    for wrong in exercise.wrong_answers:
        trial = dict(namespace)
        try:
            exec(compile(wrong.code, f"<wrong answer to {exercise.label}>", "exec"), trial)
        except Exception as exc:  # a wrong answer that crashes proves nothing
            problems.append(f"{wrong.code!r} raised {type(exc).__name__}: {exc}")
            continue
        outcome = exercise.check(trial)
        if outcome.status != INCORRECT or wrong.expect not in outcome.message:
            problems.append(
                f"{wrong.code!r} gave {outcome.status}: {outcome.message!r} (wanted {wrong.expect!r})"
            )
    if problems:
        raise AssertionError(
            f"{exercise.label}: wrong answers not rejected as expected:\n" + "\n".join(problems)
        )
    return len(exercise.wrong_answers)


def proof_solution(module_name: str, name: str) -> str:
    """The reference solution code of exercise ``name`` of the lesson module ``module_name``."""
    import importlib

    return getattr(importlib.import_module(module_name), name).solution_code


def proof_notebook(notebook: Any, module_name: str) -> Any:
    """A copy of ``notebook`` whose starter cells prove the wrong answers, then run the solutions.

    A starter cell may carry several tags (``exercise-q1``, ``exercise-q2``...) when several exercises
    grade the same code (a capstone's views, one exercise per requirement): it then proves the wrong
    answers of each of them, in order, and runs their reference solution once (each distinct one, in order).
    """
    proof = copy.deepcopy(notebook)
    names_by_cell: dict[int, list[str]] = {}
    for name, index in exercise_cells(proof).items():
        names_by_cell.setdefault(index, []).append(name)
    for index, names in names_by_cell.items():
        cell = proof.cells[index]
        source = "from course_helpers.exercises.proof import prove_wrong_answers as __prove\n"
        for name in names:
            source += f"from {module_name} import {name} as __exercise\n__prove(__exercise, globals())\n"
        solutions = list(dict.fromkeys(proof_solution(module_name, name) for name in names))
        cell.source = (
            source + "# the reference solution, as a learner would type it:\n" + "\n".join(solutions)
        )
        cell.outputs = []
    return proof
