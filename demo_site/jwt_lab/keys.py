"""The lab's keys: one RSA pair per process, a deliberately WEAK HMAC secret, and the ``kid`` key folder.

* :func:`private_key` / :func:`public_pem` / :func:`jwks`: the site's RSA key
  (2048 bits, made the first time it is needed, never written anywhere but the
  process's memory). The fixed API signs and verifies with it, and publishes its
  public half at ``/jwt-lab/jwks.json`` and ``/jwt-lab/public-key.pem``.
* :data:`WEAK_SECRET`: WEAK ON PURPOSE. The HMAC secret of the vulnerable
  weak-secret endpoint is a word of :data:`WORDLIST`, so that lesson 11 can
  crack it offline. Never choose a secret like this.
* :func:`key_folder`: where the vulnerable ``kid`` endpoint reads its HMAC
  keys from, inside the site's data directory (a temporary folder of this
  process): ``<data dir>/jwt-lab/hmac-keys/<kid>``.
"""

from __future__ import annotations

import functools
import secrets
from pathlib import Path

#: Who signs the lab's tokens (``iss``) and whom the access tokens are for (``aud``).
ISSUER = "demo-site"
AUDIENCE = "jwt-lab"
#: The audience of refresh tokens: only ``/jwt-lab/refresh/`` accepts them.
REFRESH_AUDIENCE = "jwt-lab/refresh"
#: The ``kid`` of the site's RSA key: the only key id the fixed API knows.
RSA_KID = "lab-rsa-1"
#: Token types (the JOSE ``typ`` header, RFC 9068): access and refresh tokens are told apart.
ACCESS_TYPE = "at+jwt"
REFRESH_TYPE = "rt+jwt"

#: WEAK ON PURPOSE: a word of the shipped word list, the vulnerable weak-secret endpoint's HMAC key.
WEAK_SECRET = "marshmallow"
#: The word list that cracks it (a few hundred common passwords and secrets, written for the course).
WORDLIST = Path(__file__).resolve().parent / "wordlist.txt"
#: The one HMAC key the vulnerable ``kid`` endpoint is meant to read: ``hmac-keys/hs-2026``.
HMAC_KID = "hs-2026"


@functools.cache
def private_key():
    """The site's RSA private key (made once per process)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_key():
    """The public half of :func:`private_key`."""
    return private_key().public_key()


@functools.cache
def public_pem() -> bytes:
    """The public key as PEM bytes (SubjectPublicKeyInfo), exactly as ``/jwt-lab/public-key.pem`` serves it."""
    from cryptography.hazmat.primitives import serialization

    return public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_jwk() -> dict:
    """The public key as a JWK (RFC 7517) with its ``kid``, ``use`` and ``alg``."""
    import json

    from jwt.algorithms import RSAAlgorithm

    jwk = json.loads(RSAAlgorithm.to_jwk(public_key()))
    return {**jwk, "kid": RSA_KID, "use": "sig", "alg": "RS256"}


def jwks() -> dict:
    """The site's key set (JWKS): the one public key it signs with."""
    return {"keys": [public_jwk()]}


def words() -> list[str]:
    """The shipped word list, one word a line (comment lines left out)."""
    lines = WORDLIST.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def data_folder() -> Path:
    """``<data dir>/jwt-lab/``, with its key folder and public-key file made on first use."""
    from django.conf import settings

    folder = Path(settings.DEMO_SITE_DATA_DIR) / "jwt-lab"
    keys = folder / "hmac-keys"
    if not (keys / HMAC_KID).exists():
        keys.mkdir(parents=True, exist_ok=True)
        (keys / HMAC_KID).write_text(secrets.token_hex(32), encoding="ascii")
    pem_file = folder / "public-key.pem"
    if not pem_file.exists() or pem_file.read_bytes() != public_pem():
        pem_file.write_bytes(public_pem())
    return folder


def key_folder() -> Path:
    """Where the vulnerable ``kid`` endpoint looks up ``kid`` as a file name."""
    return data_folder() / "hmac-keys"
