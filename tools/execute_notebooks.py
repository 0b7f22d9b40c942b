"""Execute the course's notebooks and save them with their outputs (``make notebooks``).

Usage: ``python tools/execute_notebooks.py [NOTEBOOK ...]`` (default: every
notebook of the lesson catalog, in order). A notebook that raises is reported and left as it
was on disk. Strict nbval later compares the saved outputs with fresh ones.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course_helpers import catalog

ROOT = Path(__file__).resolve().parent.parent


def lesson_notebooks() -> list[Path]:
    """Every lesson notebook, in course order (the catalog's, ``course_helpers.catalog``)."""
    return [notebook.path for notebook in catalog.notebooks()]


def execute(path: Path) -> float:
    """Execute ``path`` in a fresh kernel and save it in place; return the seconds it took."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    nbformat.write(notebook, path)
    return elapsed


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or lesson_notebooks()
    failed = 0
    for n, path in enumerate(paths, 1):
        print(f"[{n}/{len(paths)}] {path.relative_to(ROOT)} ... ", end="", flush=True)
        try:
            seconds = execute(path)
        except CellExecutionError as exc:
            failed += 1
            print("FAILED (left unchanged)")
            print(str(exc)[-3000:])
            continue
        print(f"saved in {seconds:.1f} s")
    if failed:
        print(f"{failed} notebook(s) failed.")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
