"""Run All, then Run All again, in one kernel: every notebook stays clean.

Learners re-run cells all the time. A lesson must survive it: the demo site
is replaced rather than leaked, exercises do not trip over state left by the
first run, and no cell raises.
"""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _errors(notebook) -> list[str]:
    found = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"cell {index}: {output['ename']}: {output['evalue']}")
            elif output.get("name") == "stderr":
                found.append(f"cell {index} printed to stderr: {output['text'][:200]!r}")
    return found


PROBE = (
    "import threading as _threading\n"
    "from course_helpers import running_demo_sites as _running\n"
    "print(len(_running()), len([t for t in _threading.enumerate() if t.name.endswith('-server')]))"
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_run_all_twice_in_one_kernel(path, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    notebook = nbformat.read(path, as_version=4)
    probe = nbformat.v4.new_code_cell(PROBE)
    notebook.cells.append(probe)
    lesson_cells = list(enumerate(notebook.cells))[:-1]
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    after = []
    with client.setup_kernel():
        for run in (1, 2):
            for index, cell in lesson_cells:
                if cell.cell_type == "code":
                    cell.outputs = []
                    client.execute_cell(cell, index)
            assert not _errors(notebook), f"Run All number {run}: {_errors(notebook)}"
            client.execute_cell(probe, len(notebook.cells) - 1)
            printed = "".join(o.get("text", "") for o in probe.outputs if o.get("output_type") == "stream")
            after.append(printed.split())
            assert len(after[-1]) == 2, f"the probe printed {probe.outputs!r}"
    assert after[0] == after[1], f"running sites and server threads after run 1 vs run 2: {after}"
