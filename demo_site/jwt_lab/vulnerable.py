"""JWT verifiers VULNERABLE ON PURPOSE (lesson 11): each endpoint trusts forged tokens in one classic way.

Every endpoint is a "who am I" under ``/vulnerable/jwt/`` that answers JSON
``{"user", "admin", "verified_by"}``, or 401 when it refuses a token. Each has
exactly one flaw, the one its lesson section attacks; the fixed API
(``demo_site.jwt_lab.views``, ``/jwt-lab/...``) refuses every forged token:

* ``decode-only/``: reads the payload and never checks the signature;
* ``naive/``: a hand-written verifier that takes the algorithm from the
  token's header, so ``alg: none`` passes, and HS256 is checked with the
  site's one key, its RSA *public* key PEM, as the HMAC secret (algorithm
  confusion); it checks no claim either (``exp``, ``aud``, ``typ``);
* ``weak-secret/``: HS256 with a secret that is a word of the shipped list;
* ``header-key/``: RS256, but the key comes from the token itself (a ``jwk``
  header, or the key set at its ``jku`` URL);
* ``kid/``: HS256 with the key read from the file the ``kid`` names
  (path traversal), confined to the lab's own folder of the site's temporary
  data directory and ``/dev/null``, so that the lab can never read a real file;
* ``refresh/``: rotates refresh tokens but never notices a reused one.

Vulnerable means trusting a forged token, not crashing: garbage gets a 401.
Never copy this code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from demo_site.jwt_lab import keys, tokens
from demo_site.jwt_lab.tokens import Refused, bearer_token, refused, who

# -- the hand-written pieces the naive verifiers share ----------------------------------------------


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def split(token: str) -> tuple[dict, dict, bytes, bytes]:
    """Header, payload, signing input and signature of a compact JWT, read without any check."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    header, payload = json.loads(b64url_decode(header_b64)), json.loads(b64url_decode(payload_b64))
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise ValueError("header and payload must be JSON objects")
    return header, payload, f"{header_b64}.{payload_b64}".encode(), b64url_decode(signature_b64)


def hs256_ok(key: bytes, signing_input: bytes, signature: bytes) -> bool:
    """HMAC-SHA256 with plain ``hmac``: it takes any key, even an empty one or a PEM file."""
    return hmac.compare_digest(hmac.new(key, signing_input, hashlib.sha256).digest(), signature)


def rs256_ok(public_key, signing_input: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    try:
        public_key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def _answer(request, verify, name: str) -> JsonResponse:
    """Run ``verify(token)``; any failure, even garbage that breaks the naive code, is a 401."""
    try:
        claims = verify(bearer_token(request))
    except Refused as exc:
        return refused(str(exc))
    except Exception as exc:  # vulnerable means trusting forged tokens, not crashing on garbage
        return refused(f"{name} could not read the token ({type(exc).__name__})")
    return who(claims, name)


# -- 1. decode is not verify ------------------------------------------------------------------------


def _decode_only(token: str) -> dict:
    import jwt

    return jwt.decode(token, options={"verify_signature": False})


@require_safe
def decode_only_whoami(request):
    """Who am I, reading the token without checking its signature (VULNERABLE ON PURPOSE)."""
    return _answer(request, _decode_only, "decode-only")


# -- 2 and 4. the algorithm from the header: alg none, algorithm confusion -----------------------


def naive_verify(token: str, key: bytes) -> dict:
    """Verify ``token`` with the algorithm ITS OWN HEADER names (VULNERABLE ON PURPOSE).

    ``key`` is the site's one verification key, its RSA public key (PEM).
    """
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    header, payload, signing_input, signature = split(token)
    alg = header.get("alg")
    if alg == "none":
        return payload  # "no algorithm": nothing to check
    if alg == "HS256" and hs256_ok(key, signing_input, signature):
        return payload  # HMAC with the key we have (the public key PEM!)
    if alg == "RS256" and rs256_ok(load_pem_public_key(key), signing_input, signature):
        return payload
    raise Refused(f"bad signature for alg {str(alg)[:20]!r}")


@require_safe
def naive_whoami(request):
    """Who am I, verified with the algorithm the token's header names (VULNERABLE ON PURPOSE)."""
    return _answer(request, lambda token: naive_verify(token, keys.public_pem()), "naive")


# -- 3. a weak HMAC secret -----------------------------------------------------------------------


def _not_expired(payload: dict) -> dict:
    exp = payload.get("exp")
    if not isinstance(exp, (int, float)) or isinstance(exp, bool):
        raise Refused("the token has no numeric exp")
    if exp < tokens.now().timestamp():
        raise Refused("the token has expired")
    return payload


def _weak_secret_verify(token: str) -> dict:
    header, payload, signing_input, signature = split(token)
    if header.get("alg") != "HS256":
        raise Refused("this endpoint takes HS256 only")
    if not hs256_ok(keys.WEAK_SECRET.encode(), signing_input, signature):
        raise Refused("bad signature")
    return _not_expired(payload)


@require_POST
def weak_secret_token(request):
    """An HS256 token for the logged-in user, signed with a WEAK secret (VULNERABLE ON PURPOSE; POST, CSRF)."""
    if not request.user.is_authenticated:
        return refused("log in first (a session), then POST here", status=401)
    header = {"alg": "HS256", "typ": "JWT"}
    issued = int(tokens.now().timestamp())
    payload = {
        "sub": request.user.get_username(),
        "admin": request.user.is_staff,
        "iat": issued,
        "exp": issued + 300,
    }
    signing_input = ".".join(_b64url_json(part) for part in (header, payload)).encode()
    signature = hmac.new(keys.WEAK_SECRET.encode(), signing_input, hashlib.sha256).digest()
    token = signing_input.decode() + "." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()
    return JsonResponse({"access": token, "token_type": "Bearer"})


def _b64url_json(part: dict) -> str:
    raw = json.dumps(part, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@require_safe
def weak_secret_whoami(request):
    """Who am I, HS256 with a secret from a word list (VULNERABLE ON PURPOSE)."""
    return _answer(request, _weak_secret_verify, "weak-secret")


# -- 5. trusting the token's own key: jwk and jku ----------------------------------------------------

#: The lab fetches a jku only from this machine, so that it can never be made to reach the internet.
JKU_HOST = "127.0.0.1"


def fetch_key_set(url: str) -> dict:
    """GET the JWKS at ``url`` (``http://127.0.0.1:<port>/...`` only; no redirects; 64 KB at most)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname != JKU_HOST or not parts.port:
        raise Refused(f"the lab fetches jku URLs from http://{JKU_HOST}:<port>/ only")
    conn = http.client.HTTPConnection(JKU_HOST, parts.port, timeout=3)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        reply = conn.getresponse()
        body = reply.read(65536)
    finally:
        conn.close()
    if reply.status != 200:
        raise Refused(f"the jku answered {reply.status}")
    return json.loads(body)


def _header_key_verify(token: str) -> dict:
    import jwt

    header = jwt.get_unverified_header(token)
    if "jwk" in header:
        key = jwt.PyJWK(header["jwk"], algorithm="RS256").key  # the attacker's own key, from the token
    elif "jku" in header:
        key_set = jwt.PyJWKSet.from_dict(fetch_key_set(str(header["jku"])))
        matching = [k for k in key_set.keys if k.key_id == header.get("kid")] or key_set.keys
        key = matching[0].key  # a key from wherever the token says
    else:
        key = keys.public_key()
    return jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False})


@require_safe
def header_key_whoami(request):
    """Who am I, RS256 with the key the token's jwk or jku header supplies (VULNERABLE ON PURPOSE)."""
    return _answer(request, _header_key_verify, "header-key")


# -- 6. kid path traversal -------------------------------------------------------------------------------


def read_kid_key(kid: str) -> bytes:
    """The HMAC key in the file named ``kid`` in the key folder, ``../`` and all (VULNERABLE ON PURPOSE).

    The traversal is real, but confined: a path that leaves the lab's own folder
    (``<data dir>/jwt-lab/``: the key folder and ``public-key.pem``) is read only if it
    is ``/dev/null``, so that the lab never reads another file of the site or the machine
    (not the site's database, nor its session files).
    """
    folder = keys.key_folder()
    path = (folder / kid).resolve()
    lab_dir = keys.data_folder().resolve()
    if not (path.is_relative_to(lab_dir) or str(path) == os.devnull):
        raise Refused("the lab reads kid files inside its own folder (or /dev/null) only")
    if not path.is_file() and str(path) != os.devnull:
        raise Refused(f"no key file named {kid[:40]!r}")
    return Path(path).read_bytes()


def _kid_verify(token: str) -> dict:
    header, payload, signing_input, signature = split(token)
    if header.get("alg") != "HS256":
        raise Refused("this endpoint takes HS256 only")
    key = read_kid_key(str(header.get("kid", keys.HMAC_KID)))
    if not hs256_ok(key, signing_input, signature):
        raise Refused("bad signature")
    return _not_expired(payload)


@require_safe
def kid_whoami(request):
    """Who am I, HS256 with the key file the token's kid names (VULNERABLE ON PURPOSE)."""
    return _answer(request, _kid_verify, "kid")


# -- 7. refresh-token reuse --------------------------------------------------------------------------------


@csrf_exempt  # the refresh token travels in the body, not in a cookie: there is nothing to forge across sites
@require_POST
def refresh(request):
    """Exchange a refresh token for a new pair, never noticing reuse (VULNERABLE ON PURPOSE; POST)."""
    from demo_site.jwt_lab.models import RefreshToken

    try:
        claims = tokens.presented_refresh(request)
    except Refused as exc:
        return refused(str(exc))
    row = RefreshToken.objects.filter(jti=str(claims.get("jti"))).first()
    if row is None:
        return refused("unknown refresh token")
    RefreshToken.objects.filter(pk=row.pk).update(used_at=tokens.now())  # rotated... and never checked
    return JsonResponse(tokens.issue_pair(row.username, admin=claims.get("admin") is True, family=row.family))
