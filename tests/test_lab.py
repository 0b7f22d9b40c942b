"""``make lab`` really serves JupyterLab with lesson 00 reachable (what a newcomer does first)."""

import os
import subprocess
import sys
from pathlib import Path

import requests

from tests.processes import first_answer, free_port

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "course-test-token"


def test_lab_serves_lesson_00():
    port = free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(ROOT / ".venv" / "nonexistent-user-config")}
    process = subprocess.Popen(
        [sys.executable, "tools/lab.py", "--port", str(port), "--", f"--IdentityProvider.token={TOKEN}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        lab = first_answer(f"{base}/lab?token={TOKEN}", process, within=60, what="JupyterLab")
        assert lab.status_code == 200 and "JupyterLab" in lab.text
        lesson = requests.get(
            f"{base}/api/contents/notebooks/00_start_here.ipynb",
            headers={"Authorization": f"token {TOKEN}"},
            timeout=10,
        )
        assert lesson.status_code == 200
        assert lesson.json()["content"]["cells"][0]["source"].startswith("# 00 · Start here")
        anonymous = requests.get(f"{base}/api/contents/notebooks/00_start_here.ipynb", timeout=10)
        assert anonymous.status_code == 403, "the server must not serve the course without its token"
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert f"http://127.0.0.1:{port}/lab" in output, "make lab must print the URL to open"
