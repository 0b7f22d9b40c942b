"""Every exercise in every lesson, proven: shipped = not attempted, solved = correct, wrong = rejected.

(a) reads the notebooks as saved (strict nbval proves the saved outputs are
    what executing them produces); (b) and (c) execute a proof notebook per
    lesson, built by ``course_helpers.exercises.proof``, twice in one kernel
    (Run All, Run All again): the one execution that proves the exercises also
    proves the lesson survives a re-run (``tests/notebook_runs.py``).
    The notebooks and their exercise modules are the catalog's.
"""

import importlib

import nbformat
import pytest

from course_helpers import catalog
from course_helpers.exercises import lessons
from course_helpers.exercises.proof import (
    check_cells,
    exercise_cells,
    lesson_module_name,
    outputs_text,
    proof_notebook,
)
from tests.notebook_runs import WITH_EXERCISES, run_all_twice


def test_every_lesson_module_has_a_notebook_and_three_exercises():
    keys = {notebook.key for notebook in catalog.notebooks() if notebook.path in WITH_EXERCISES}
    found = lessons()
    assert found, "no lesson has exercises"
    for lesson in found:
        assert lesson.number in keys, (
            f"lesson{lesson.number} has exercises but no notebook with exercise cells"
        )
        assert len(lesson.exercises) >= 3, f"lesson {lesson.number} has fewer than three exercises"
    assert len(found) == len(WITH_EXERCISES), "every notebook with exercise cells has an exercise module"


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
def test_solved_notebook_is_correct_wrong_answers_are_rejected_and_it_runs_twice(path, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    proof = proof_notebook(nbformat.read(path, as_version=4), lesson_module_name(path))
    checks = check_cells(proof)
    assert checks, "the proof notebook has check cells"

    def every_check_says_correct(notebook, run):
        for name, index in checks.items():
            text = outputs_text(notebook.cells[index])
            assert "✓ Correct" in text, f"Run All number {run}, {name}: the reference solution shows {text!r}"

    run_all_twice(proof, path.parent, after_each_run=every_check_says_correct)
