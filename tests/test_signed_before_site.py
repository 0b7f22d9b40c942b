"""explain_signed_value() before any demo site has started: it explains, it never raises.

This test session configures Django (tests/conftest.py), so the check runs in a
fresh Python process where nothing has configured it, as in a kernel whose
first cell explains a signed value before ``start_demo_site()``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import json
from django.conf import settings
from django.core import signing
from course_helpers import explain_signed_value

# Values signed with an explicit key (fallback_keys=[] keeps Django's settings out of it).
stamped = signing.TimestampSigner(key="k", salt="s", fallback_keys=[]).sign("hello")
dumped = signing.TimestampSigner(key="k", salt="django.core.signing", fallback_keys=[]).sign_object({"a": 1})
plain = signing.Signer(key="k", fallback_keys=[]).sign("user:42")
out = {}
for label, call in {
    "no key": lambda: explain_signed_value(stamped, salt="s"),
    "cookie, no key": lambda: explain_signed_value(stamped, cookie="plan"),
    "right key": lambda: explain_signed_value(stamped, salt="s", key="k"),
    "wrong key": lambda: explain_signed_value(stamped, salt="s", key="other"),
    "dumps, right key": lambda: explain_signed_value(dumped, key="k"),
    "signer with ':', right key": lambda: explain_signed_value(plain, key="k"),
    "garbage": lambda: explain_signed_value("not signed at all"),
}.items():
    try:
        result = call()
        out[label] = {"verdict": result.verdict, "text": result.text(), "html": result.html(),
                      "payload": result.payload}
    except Exception as exc:
        out[label] = {"raised": f"{type(exc).__name__}: {exc}"}
out["configured afterwards"] = settings.configured
print(json.dumps(out))
"""


def _run() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_explain_signed_value_before_any_site_never_raises_and_says_what_to_do():
    out = _run()
    raised = {label: r["raised"] for label, r in out.items() if isinstance(r, dict) and "raised" in r}
    assert not raised, raised

    for label in ("no key", "cookie, no key"):
        result = out[label]
        assert result["verdict"] == "unchecked", label
        assert "Start the demo site first" in result["text"], label
        assert "Start the demo site first" in result["html"], label
        assert result["payload"] == "hello", label  # the parts need no key: signed is not encrypted

    assert 'or give the key: key="..."' in out["no key"]["text"]
    assert "key=" not in out["cookie, no key"]["text"]  # a key alone cannot check a signed cookie here
    assert out["right key"]["verdict"] == "valid"
    assert out["wrong key"]["verdict"] == "tampered"
    assert out["dumps, right key"]["verdict"] == "valid"
    assert out["signer with ':', right key"]["verdict"] == "valid"
    assert out["garbage"]["verdict"] == "malformed"
    assert out["configured afterwards"] is False  # the helper never configures Django behind your back
