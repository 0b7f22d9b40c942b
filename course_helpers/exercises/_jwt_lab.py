"""What the checks of lesson 11 (the JWT attack lab, parts a and b) share: read a token, send it, judge the answers.

Every forged token is judged the same way: it is read (a JWT in three parts),
sent to the vulnerable endpoint (which must accept it and say admin for the
right user) and to the fixed API (which must refuse it: a token the fixed API
accepts was signed with the site's real key, which an attacker does not have).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from course_helpers.exercises.core import Attempt, Incorrect

FIXED = "/jwt-lab/whoami/"


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def read_token(token: str, name: str = "forged") -> tuple[dict, dict, str]:
    """Header, payload and signature (as text) of ``token``; :class:`Incorrect` if it is not a compact JWT."""
    token = token.strip()
    if token.lower().startswith("bearer "):
        raise Incorrect(
            f"`{name}` starts with 'Bearer ': give the token alone; the check adds the header itself."
        )
    pieces = token.split(".")
    if len(pieces) != 3:
        raise Incorrect(
            f"`{name}` has {len(pieces)} part(s); a JWT has three, joined by dots: header.payload.signature "
            "(an unsigned token still ends with a dot)."
        )
    try:
        header, payload = (json.loads(b64url_decode(p)) for p in pieces[:2])
    except ValueError:
        raise Incorrect(
            f"The header or payload of `{name}` is not base64url-encoded JSON (did you encode with padding '=' "
            "or with standard base64?)."
        ) from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise Incorrect(f"The header and the payload of `{name}` must both be JSON objects ({{...}}).")
    return header, payload, pieces[2]


def send(attempt: Attempt, path: str, token: str) -> tuple[int, dict]:
    """GET ``path`` with ``Authorization: Bearer <token>`` from a fresh client: status and JSON answer."""
    with attempt.site.client() as client:
        reply = client.get(path, headers={"Authorization": f"Bearer {token.strip()}"})
    try:
        body = reply.json()
    except ValueError:
        body = {}
    return reply.status_code, body if isinstance(body, dict) else {}


def hs256_signature(key: bytes, token: str) -> str:
    signing_input = token.strip().rsplit(".", 1)[0].encode()
    return (
        base64.urlsafe_b64encode(hmac.new(key, signing_input, hashlib.sha256).digest()).rstrip(b"=").decode()
    )


def signed_by_the_site(attempt: Attempt, token: str) -> bool:
    """Whether ``token`` carries a genuine RS256 signature of the site's own key (its published public key).

    Whatever the claims say: a token the fixed API refuses for its ``aud`` or its missing ``exp`` may still
    have been signed with the private key read from the kernel, which no attacker has.
    """
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    with attempt.site.client() as client:
        public_key = load_pem_public_key(client.get("/jwt-lab/public-key.pem").content)
    signing_input, _, signature = token.strip().rpartition(".")
    try:
        public_key.verify(
            b64url_decode(signature), signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def judge(attempt: Attempt, token: str, vulnerable: str, user: str) -> str:
    """Send ``token`` to ``vulnerable`` and to the fixed API; :class:`Incorrect` unless it forges admin ``user``."""
    status, body = send(attempt, vulnerable, token)
    if status != 200:
        raise Incorrect(
            f"{vulnerable} refused your token ({status}: {body.get('reason', 'no reason given')}). "
            "Read the reason: what does this endpoint check, and what does it forget?"
        )
    if body.get("user") != user:
        raise Incorrect(f"{vulnerable} took your token as {body.get('user')!r}; the task is to be {user!r}.")
    if body.get("admin") is not True:
        raise Incorrect(
            f'{vulnerable} took your token, but it does not say admin: set "admin": true (JSON true).'
        )
    if signed_by_the_site(attempt, token):
        raise Incorrect(
            "This token carries a genuine signature of the site's own RSA key: it was signed with the private "
            "key read from the kernel (demo_site.jwt_lab.keys), which an attacker never has. Forge it the way "
            "this attack does, without any key of the site."
        )
    fixed_status, fixed_body = send(attempt, FIXED, token)
    if fixed_status == 200:
        raise Incorrect(
            f"The fixed API {FIXED} accepts this token too: it carries a genuine signature of the site's own key. "
            "An attacker has no such key (no reading it from the kernel!): forge the token the way this attack does."
        )
    return f"{vulnerable} says {user} is admin; the fixed API refuses the same token ({fixed_body.get('reason', '')[:80]})."


def refused_jwt(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"
