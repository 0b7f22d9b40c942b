"""Every process's data folder goes away, even when the process was killed."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from demo_site import datadir


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_folders_of_dead_processes_are_removed_and_live_ones_kept(tmp_path):
    dead = tmp_path / f"{datadir.PREFIX}{_dead_pid()}-abc"
    mine = tmp_path / f"{datadir.PREFIX}{os.getpid()}-def"
    unrelated = tmp_path / f"{datadir.PREFIX}not-a-pid"
    for folder in (dead, mine, unrelated):
        folder.mkdir()
        (folder / "site_1.sqlite3").write_bytes(b"x")
    assert datadir.remove_stale(tmp_path) == [dead]
    assert not dead.exists() and mine.exists() and unrelated.exists()


def test_a_killed_kernel_leaves_nothing_once_the_next_one_starts():
    code = "import course_helpers, os, sys; course_helpers.start_demo_site(); print(os.getpid(), flush=True); os._exit(0)"
    killed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    pid = killed.stdout.split()[0]
    left = list(Path(tempfile.gettempdir()).glob(f"{datadir.PREFIX}{pid}-*"))
    assert left, "os._exit skips atexit, as a killed kernel does: its folder is left behind"
    subprocess.run([sys.executable, "-c", "import demo_site.settings"], check=True)
    assert not any(folder.exists() for folder in left), "the next process removed it"


def test_an_owned_folder_is_named_for_this_process_and_left_to_the_stale_sweep_when_it_dies(tmp_path):
    import os
    from pathlib import Path

    from demo_site import datadir

    folder = Path(datadir.create_owned("chromium"))
    try:
        assert folder.is_dir() and folder.name.startswith(f"demo-site-{os.getpid()}-chromium-")
        datadir.remove_stale(folder.parent)
        assert folder.is_dir()  # its process is alive: the sweep leaves it
    finally:
        folder.rmdir()
