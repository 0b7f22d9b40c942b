"""The demo site also runs on its own for a real browser (``make site`` / ``python -m demo_site``)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.processes import first_answer, free_port

ROOT = Path(__file__).resolve().parent.parent


def test_python_m_demo_site_serves_the_front_page_and_prints_its_url():
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEMO_SITE_SECRET_KEY")}
    process = subprocess.Popen(
        [sys.executable, "-m", "demo_site", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = first_answer(f"http://127.0.0.1:{port}/", process, within=30, what="The demo site")
        assert page.status_code == 200 and "<code>/counter/</code>" in page.text
        assert "vulnerable on purpose" in page.text
        counter = requests.get(f"http://127.0.0.1:{port}/counter/", timeout=5)
        assert counter.cookies["visits"] == "1"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert f"Demo site: http://127.0.0.1:{port}/" in output
    assert "secret key was generated for this run" in output
    assert '"GET /counter/ HTTP/1.1" 200' in output, "standalone, the request log goes to the terminal"


def test_the_kernel_keeps_utc():
    from course_helpers import start_demo_site

    with start_demo_site("utc"):
        assert os.environ.get("TZ") == "UTC", "Django's default TIME_ZONE would set America/Chicago"
        assert time.strftime("%Z") == "UTC"
