"""Every exercise in every lesson, proven: shipped = not attempted, solved = correct, wrong = rejected.

(a) reads the notebooks as saved (strict nbval proves the saved outputs are
    what executing them produces); (b) and (c) execute a proof notebook per
    lesson, built by ``course_helpers.exercises.proof``.
"""

import importlib
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course_helpers.exercises import lessons
from course_helpers.exercises.proof import (
    check_cells,
    exercise_cells,
    lesson_module_name,
    outputs_text,
    proof_notebook,
)

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WITH_EXERCISES = [nb for nb in NOTEBOOKS if exercise_cells(nbformat.read(nb, as_version=4))]


def test_every_lesson_module_has_a_notebook_and_three_exercises():
    numbers = {nb.name[:2] for nb in NOTEBOOKS}
    for lesson in lessons():
        assert lesson.number in numbers, f"lesson{lesson.number} has exercises but no notebook"
        assert len(lesson.exercises) >= 3, f"lesson {lesson.number} has fewer than three exercises"


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.name)
def test_shipped_notebook_says_not_attempted(path):
    notebook = nbformat.read(path, as_version=4)
    module = importlib.import_module(lesson_module_name(path))
    starters, checks = exercise_cells(notebook), check_cells(notebook)
    assert set(starters) == set(module.LESSON.exercises), "every exercise needs one tagged starter cell"
    assert set(checks) == set(module.LESSON.exercises), "every exercise needs a cell calling ex.qN.check()"
    for name, index in checks.items():
        assert starters[name] < index, f"{name}: the check cell must follow its starter cell"
        text = outputs_text(notebook.cells[index])
        assert "Not attempted" in text, f"{name}: the shipped check shows {text!r}"


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.name)
def test_solved_notebook_is_correct_and_wrong_answers_are_rejected(path, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    proof = proof_notebook(nbformat.read(path, as_version=4), lesson_module_name(path))
    NotebookClient(
        proof, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    for name, index in check_cells(proof).items():
        text = outputs_text(proof.cells[index])
        assert "✓ Correct" in text, f"{name}: with the reference solution the check shows {text!r}"
