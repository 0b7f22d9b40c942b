"""Launch JupyterLab on the course, opening lesson 00 (what ``make lab`` runs)."""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_LESSON = "notebooks/00_start_here.ipynb"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("jupyter_args", nargs="*", help="more options for jupyter lab, after --")
    args = parser.parse_args()

    jupyter = [sys.executable, "-m", "jupyter"]
    # The announcements plugin fetches news from the network and asks a question
    # on first open; a course that runs offline is calmer without it.
    subprocess.run(
        [
            *jupyter,
            "labextension",
            "disable",
            "--level=sys_prefix",
            "@jupyterlab/apputils-extension:announcements",
        ],
        check=False,
        capture_output=True,
    )
    command = [
        *jupyter,
        "lab",
        FIRST_LESSON,
        f"--ServerApp.root_dir={ROOT}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={args.port}",
        "--ServerApp.port_retries=0",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Containers and CI machines often run as root; JupyterLab refuses unless told.
        command.append("--allow-root")
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        command.append("--no-browser")
    command += args.jupyter_args
    print(f"Starting JupyterLab on http://127.0.0.1:{args.port}/lab (the URL with its token follows).")
    print("Open it in your browser; lesson 00 opens first. Stop with Ctrl+C.", flush=True)
    sys.stdout.flush()
    os.chdir(ROOT)
    # Become JupyterLab (not its parent): Ctrl+C and a terminating signal reach it directly.
    os.execv(sys.executable, [sys.executable, *command[1:]])


if __name__ == "__main__":
    raise SystemExit(main())
