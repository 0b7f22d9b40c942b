"""Issuing the lab's tokens, and verifying them the way OWASP ASVS 5.0 (V9) asks.

:func:`issue_pair` signs an access token and a refresh token (RS256, the
site's own key, ``typ`` telling them apart) and records the refresh token in
:class:`~demo_site.jwt_lab.models.RefreshToken`. :func:`verify` is the fixed
API's one verifier: it refuses any token that names its own key (``jwk``,
``jku``, ``x5u``, ``x5c``), any ``kid`` but the site's, any algorithm but
RS256, a wrong ``typ``, ``iss`` or ``aud``, and a token outside its
``nbf``..``exp`` window. Every refusal is a :class:`Refused` with a reason.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

from django.http import JsonResponse

from demo_site.jwt_lab import keys

ACCESS_LIFETIME = dt.timedelta(minutes=5)
REFRESH_LIFETIME = dt.timedelta(days=1)
#: The longest ``Authorization`` header the lab reads (a token is a few hundred bytes).
MAX_TOKEN = 8192
#: The one algorithm the fixed API accepts, whatever a token's header says.
ALGORITHMS = ["RS256"]
#: Header fields that make a token name its own key: the fixed API trusts none of them.
KEY_HEADERS = ("jwk", "jku", "x5u", "x5c")
#: The audiences the token endpoint issues for (``reports`` is another service, for the audience check).
AUDIENCES = (keys.AUDIENCE, "reports")


class Refused(Exception):
    """A token was refused; the message says why (it goes into the 401 answer)."""


def now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


def bearer_token(request) -> str:
    """The token of an ``Authorization: Bearer <token>`` header; :class:`Refused` when there is none."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refused("no Authorization: Bearer <token> header")
    token = token.strip()
    if len(token) > MAX_TOKEN or not token.isascii():
        raise Refused("the token is not a JWT (too long, or not ASCII)")
    return token


def refused(reason: str, status: int = 401) -> JsonResponse:
    """The lab's 401: JSON with the reason, and the ``WWW-Authenticate`` header RFC 6750 asks for."""
    reply = JsonResponse({"error": "invalid_token", "reason": reason}, status=status)
    reply["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return reply


def who(claims: dict, verified_by: str) -> JsonResponse:
    """The lab's "who am I" answer: the user the token names, and whether it says admin."""
    return JsonResponse(
        {"user": str(claims.get("sub")), "admin": claims.get("admin") is True, "verified_by": verified_by}
    )


def _sign(claims: dict, typ: str) -> str:
    import jwt

    return jwt.encode(
        claims, keys.private_key(), algorithm="RS256", headers={"kid": keys.RSA_KID, "typ": typ}
    )


def access_token(username: str, *, admin: bool = False, audience: str = keys.AUDIENCE) -> str:
    """A signed access token for ``username`` (RS256, 5 minutes)."""
    issued = now()
    claims = {
        "iss": keys.ISSUER,
        "sub": username,
        "aud": audience,
        "admin": admin,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ACCESS_LIFETIME,
        "jti": secrets.token_urlsafe(12),
    }
    return _sign(claims, keys.ACCESS_TYPE)


def issue_pair(
    username: str, *, admin: bool = False, family: str | None = None, audience: str = keys.AUDIENCE
):
    """An access and a refresh token; the refresh token is recorded in ``family`` (a new one if ``None``)."""
    from demo_site.jwt_lab.models import RefreshToken

    issued = now()
    family = family or secrets.token_urlsafe(12)
    jti = secrets.token_urlsafe(16)
    refresh = _sign(
        {
            "iss": keys.ISSUER,
            "sub": username,
            "aud": keys.REFRESH_AUDIENCE,
            "admin": admin,
            "iat": issued,
            "exp": issued + REFRESH_LIFETIME,
            "jti": jti,
            "fam": family,
        },
        keys.REFRESH_TYPE,
    )
    RefreshToken.objects.create(jti=jti, family=family, username=username, issued_at=issued)
    return {
        "access": access_token(username, admin=admin, audience=audience),
        "refresh": refresh,
        "token_type": "Bearer",
        "expires_in": int(ACCESS_LIFETIME.total_seconds()),
    }


def verify(token: str, *, typ: str = keys.ACCESS_TYPE, audience: str = keys.AUDIENCE) -> dict:
    """The claims of ``token`` if it passes every check of the fixed API; :class:`Refused` otherwise."""
    import jwt

    try:
        header = jwt.get_unverified_header(token)
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise Refused(f"not a JWT: {exc}") from None
    named = [name for name in KEY_HEADERS if name in header]
    if named:
        raise Refused(
            f"the token names its own key ({', '.join(named)}): only the site's own keys are trusted"
        )
    if header.get("kid") != keys.RSA_KID:
        raise Refused(f"unknown kid {str(header.get('kid'))[:40]!r}: the site's only key is {keys.RSA_KID!r}")
    if header.get("alg") not in ALGORITHMS:
        raise Refused(
            f"algorithm {str(header.get('alg'))[:20]!r} is not allowed: the allowlist is {ALGORITHMS}"
        )
    if header.get("typ") != typ:
        raise Refused(f"wrong token type {str(header.get('typ'))[:20]!r}: this endpoint takes {typ!r}")
    try:
        claims = jwt.decode(
            token,
            keys.public_key(),
            algorithms=ALGORITHMS,
            audience=audience,
            issuer=keys.ISSUER,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise Refused(f"{type(exc).__name__}: {exc}") from None
    return claims


def presented_refresh(request) -> dict:
    """The claims of the refresh token in the body's ``refresh`` field (JSON or form), fully verified.

    Both refresh endpoints, the fixed one and the vulnerable one, start here: they differ only in what
    they do next (noticing a reuse, or not). :class:`Refused` when the field is missing or the token fails.
    """
    token = json_body(request).get("refresh")
    if not isinstance(token, str) or not token:
        raise Refused("send the refresh token as the 'refresh' field")
    return verify(token, typ=keys.REFRESH_TYPE, audience=keys.REFRESH_AUDIENCE)


def json_body(request) -> dict:
    """The request's JSON object body, or its form fields; ``{}`` when it is neither."""
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return {}
        return body if isinstance(body, dict) else {}
    return request.POST.dict()
