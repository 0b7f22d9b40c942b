"""Run All, then Run All again, in one kernel: every notebook stays clean.

A notebook with exercises is re-run as its solved proof notebook, by
``tests/test_exercise_proofs.py`` (one execution proves both); the notebooks
without exercises are re-run here. Which notebooks there are comes from the
catalog (``course_helpers.catalog``).
"""

import nbformat
import pytest

from course_helpers import catalog
from tests.notebook_runs import WITH_EXERCISES, WITHOUT_EXERCISES, run_all_twice


def test_every_notebook_is_re_run_by_exactly_one_test():
    every = [notebook.path for notebook in catalog.notebooks() if notebook.path.exists()]
    assert every, "no lesson notebook found"
    assert sorted(WITH_EXERCISES + WITHOUT_EXERCISES) == sorted(every)
    assert not set(WITH_EXERCISES) & set(WITHOUT_EXERCISES)


_ALL_HAVE_EXERCISES = pytest.param(
    None,
    marks=pytest.mark.skip(reason="every notebook has exercises: test_exercise_proofs.py re-runs them all"),
)


@pytest.mark.parametrize("path", WITHOUT_EXERCISES or [_ALL_HAVE_EXERCISES], ids=lambda p: p and p.name)
def test_run_all_twice_in_one_kernel(path, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    run_all_twice(nbformat.read(path, as_version=4), path.parent)
