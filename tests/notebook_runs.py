"""Run All, then Run All again, in one kernel, and check that the notebook stayed clean.

Learners re-run cells all the time. A lesson must survive it: the demo site
is replaced rather than leaked, exercises do not trip over state left by the
first run, no cell raises and nothing is printed to stderr. The proofs
(``tests/test_exercise_proofs.py``) run each solved proof notebook this way,
so the re-run guarantee costs no execution of its own; ``tests/test_rerun.py``
does the same for a notebook without exercises.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course_helpers import catalog
from course_helpers.exercises.proof import exercise_cells

#: Every lesson notebook of the catalog that exists (tests/test_catalog.py reports a missing one), in order.
NOTEBOOKS = [notebook.path for notebook in catalog.notebooks() if notebook.path.exists()]
#: Those with exercise cells: the proofs re-run them. The others: test_rerun.py does.
WITH_EXERCISES = [path for path in NOTEBOOKS if exercise_cells(nbformat.read(path, as_version=4))]
WITHOUT_EXERCISES = [path for path in NOTEBOOKS if path not in WITH_EXERCISES]

#: Printed by the probe cell after each run: running demo sites, then demo-site server threads.
PROBE = (
    "import threading as _threading\n"
    "from course_helpers import running_demo_sites as _running\n"
    "print(len(_running()), len([t for t in _threading.enumerate() if t.name.endswith('-server')]))"
)


def problems(notebook: Any) -> list[str]:
    """Every error output and every stderr output of the notebook's cells, one line each."""
    found = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"cell {index}: {output['ename']}: {output['evalue']}")
            elif output.get("name") == "stderr":
                found.append(f"cell {index} printed to stderr: {output['text'][:200]!r}")
    return found


def run_all_twice(
    notebook: Any, folder: Path, after_each_run: Callable[[Any, int], None] | None = None
) -> None:
    """Execute every code cell of ``notebook`` twice in one kernel started in ``folder``.

    A cell that raises stops it (the ``AssertionError`` names the run and the
    cell, with the traceback). After each run: no cell may have printed to stderr, then
    ``after_each_run(notebook, run)`` (run is 1 or 2) may check that run's
    outputs. After both: the number of running demo sites and of their server
    threads must be the same after run 2 as after run 1 (nothing leaked).
    Raises ``AssertionError`` saying which run broke which rule. The notebook
    is changed in place: its outputs are those of run 2, and a probe cell is
    appended.
    """
    lesson_cells = [(index, cell) for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    probe = nbformat.v4.new_code_cell(PROBE)
    notebook.cells.append(probe)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(folder)}},
    )
    counts = []
    with client.setup_kernel():
        for run in (1, 2):
            for index, cell in lesson_cells:
                cell.outputs = []
                try:
                    client.execute_cell(cell, index)
                except CellExecutionError as exc:
                    raise AssertionError(f"Run All number {run}, cell {index} raised:\n{exc}") from None
            assert not problems(notebook), f"Run All number {run}: {problems(notebook)}"
            if after_each_run is not None:
                after_each_run(notebook, run)
            probe.outputs = []
            client.execute_cell(probe, len(notebook.cells) - 1)
            printed = "".join(o.get("text", "") for o in probe.outputs if o.get("output_type") == "stream")
            counts.append(printed.split())
            assert len(counts[-1]) == 2, f"the probe printed {probe.outputs!r}"
    assert counts[0] == counts[1], f"running sites and server threads after run 1 vs run 2: {counts}"
