"""The keys of the demo site's tokens (lesson 10), and the names written in every token.

* :func:`private_key` signs access tokens with **RS256**. It is an RSA key pair
  made once per process (like ``SECRET_KEY``, see ``demo_site.settings``): only
  this process can sign with it.
* :func:`public_jwks` is what ``/tokens/.well-known/jwks.json`` publishes, the
  public half as a JWK Set (RFC 7517): anyone can verify an access token with
  it, nobody can sign one.
* :func:`refresh_secret` signs refresh tokens with **HS256**. Only the site
  itself ever reads a refresh token, so one shared secret is enough. It is
  derived from ``SECRET_KEY`` with a purpose label, never ``SECRET_KEY``
  itself: a secret used for one purpose only cannot be abused for another
  (a refresh token is not a signed cookie, nor a password-reset link).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json

from django.conf import settings

#: ``iss`` of every token: who issued it.
ISSUER = "demo-site"
#: ``aud`` of access tokens: the API that accepts them.
ACCESS_AUDIENCE = "demo-api"
#: ``aud`` of refresh tokens: only the token endpoint itself accepts them.
REFRESH_AUDIENCE = "demo-site/tokens/refresh"
#: ``typ`` headers (explicit typing, RFC 8725 §3.11): an access token (RFC 9068) is never taken for a refresh token.
ACCESS_TYPE = "at+jwt"
REFRESH_TYPE = "rt+jwt"
#: Lifetimes, in seconds: an access token is short-lived, a refresh token lasts a day.
ACCESS_LIFETIME = 5 * 60
REFRESH_LIFETIME = 24 * 3600

#: The purpose label the HS256 refresh secret is derived with.
REFRESH_PURPOSE = b"demo_site.tokens: HS256 refresh tokens"


@functools.cache
def private_key():
    """This process's RSA private key (2048 bits), made on first use."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_key():
    """The public half of :func:`private_key`: it verifies, it cannot sign."""
    return private_key().public_key()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _public_jwk_members() -> dict[str, str]:
    """The RSA public key's required JWK members: ``e``, ``kty``, ``n``."""
    numbers = public_key().public_numbers()
    return {
        "e": _b64url(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")),
        "kty": "RSA",
        "n": _b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
    }


def key_id() -> str:
    """The key's ``kid``: its JWK thumbprint (RFC 7638), the SHA-256 of its required members."""
    canonical = json.dumps(_public_jwk_members(), separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def public_jwks() -> dict:
    """The JWK Set the site publishes: its one public signing key, with ``kid``, ``alg`` and ``use``."""
    return {"keys": [{**_public_jwk_members(), "kid": key_id(), "alg": "RS256", "use": "sig"}]}


def refresh_secret() -> bytes:
    """The HS256 secret of refresh tokens: HMAC-SHA256 of a purpose label under ``SECRET_KEY``."""
    return hmac.new(settings.SECRET_KEY.encode(), REFRESH_PURPOSE, hashlib.sha256).digest()
