"""Issue, verify, rotate and revoke the demo site's tokens (lesson 10). Views call these; so can tests.

An **access token** is a JWT signed with RS256 (``keys.private_key``), with
``typ`` ``at+jwt`` (RFC 9068) and the key's ``kid`` in its header, and
``iss``, ``aud`` (``demo-api``), ``sub`` (the username), ``iat``, ``nbf``,
``exp`` (5 minutes), ``jti`` (a random id) and ``sid`` (the login it belongs
to). Anyone with the public key can check it; the site checks its ``jti``
against the denylist too.

A **refresh token** is a JWT signed with HS256 (``keys.refresh_secret``),
with its own ``typ`` (``rt+jwt``), its own audience, a day's ``exp``, and a row in ``RefreshToken``. Each
may be used once (:func:`rotate` gives a new pair and marks the old one
used). A used one presented again means two parties hold it, the user and a
thief, and nobody can tell which is which: the whole family (every refresh
token of that login) is revoked (OAuth 2.0 Security BCP, RFC 9700 §4.14.2).

Every failure raises :class:`TokenRefused` with a short reason a client can read.
"""

from __future__ import annotations

import datetime as dt
import secrets

import jwt
from django.db import router, transaction
from django.utils import timezone

from demo_site.tokens import keys
from demo_site.tokens.models import DeniedToken, RefreshToken

#: Claims every access token must carry, or it is refused.
ACCESS_CLAIMS = ["exp", "iat", "nbf", "iss", "aud", "sub", "jti", "sid"]
REFRESH_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "jti", "sid"]


class TokenRefused(Exception):
    """A token was refused; ``reason`` is a short sentence for the client (never a traceback)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _new_id() -> str:
    return secrets.token_urlsafe(16)


def issue_pair(user, family: str | None = None) -> dict:
    """A new access token and refresh token for ``user`` (in ``family``, or a new login's family)."""
    now = timezone.now()
    family = family or _new_id()
    base = {"iss": keys.ISSUER, "sub": user.get_username(), "iat": now, "sid": family}
    access = jwt.encode(
        {
            **base,
            "aud": keys.ACCESS_AUDIENCE,
            "nbf": now,
            "exp": now + dt.timedelta(seconds=keys.ACCESS_LIFETIME),
            "jti": _new_id(),
        },
        keys.private_key(),
        algorithm="RS256",
        headers={"kid": keys.key_id(), "typ": keys.ACCESS_TYPE},
    )
    refresh_jti = _new_id()
    refresh_exp = now + dt.timedelta(seconds=keys.REFRESH_LIFETIME)
    refresh = jwt.encode(
        {**base, "aud": keys.REFRESH_AUDIENCE, "exp": refresh_exp, "jti": refresh_jti},
        keys.refresh_secret(),
        algorithm="HS256",
        headers={"typ": keys.REFRESH_TYPE},
    )
    RefreshToken.objects.create(
        jti=refresh_jti, family=family, user=user, issued_at=now, expires_at=refresh_exp
    )
    return {
        "token_type": "Bearer",
        "access": access,
        "expires_in": keys.ACCESS_LIFETIME,
        "refresh": refresh,
    }


def _decode(
    token: str, key, algorithm: str, audience: str, claims: list[str], typ: str, kid: str | None = None
) -> dict:
    """PyJWT's checks, plus the ``kid`` (when the key has one) and the ``typ``; each failure a short reason.

    Only ``algorithm`` is allowed and only ``key`` is tried, whatever the header says (RFC 8725 §3.1);
    the ``typ`` check (§3.11) keeps one kind of token from being taken for another.
    """
    try:
        decoded = jwt.decode_complete(
            token,
            key,
            algorithms=[algorithm],
            audience=audience,
            issuer=keys.ISSUER,
            options={"require": claims},
        )
    except jwt.ExpiredSignatureError:
        raise TokenRefused("expired") from None
    except jwt.ImmatureSignatureError:
        raise TokenRefused("not valid yet") from None
    except jwt.InvalidAudienceError:
        raise TokenRefused("wrong audience") from None
    except jwt.InvalidIssuerError:
        raise TokenRefused("wrong issuer") from None
    except jwt.MissingRequiredClaimError as exc:
        raise TokenRefused(f"missing claim {exc.claim}") from None
    except jwt.InvalidSignatureError:
        raise TokenRefused("bad signature") from None
    except jwt.InvalidAlgorithmError:
        raise TokenRefused(f"algorithm not allowed (only {algorithm})") from None
    except jwt.InvalidTokenError:
        raise TokenRefused("malformed") from None
    except (ValueError, TypeError):  # hostile bytes PyJWT does not wrap: still a refusal, never a 500
        raise TokenRefused("malformed") from None
    if kid is not None and decoded["header"].get("kid") != kid:
        raise TokenRefused("unknown key id (kid)")
    if str(decoded["header"].get("typ", "")).lower() != typ:
        raise TokenRefused(f"wrong token type (not {typ})")
    return decoded["payload"]


def verify_access(token: str, *, check_denylist: bool = True) -> dict:
    """The claims of a valid access token; :class:`TokenRefused` otherwise.

    ``check_denylist=False`` checks only what the token itself proves (what a
    service holding only the public key can do); the site also refuses a
    ``jti`` on its denylist.
    """
    claims = _decode(
        token,
        keys.public_key(),
        "RS256",
        keys.ACCESS_AUDIENCE,
        ACCESS_CLAIMS,
        keys.ACCESS_TYPE,
        keys.key_id(),
    )
    if check_denylist and DeniedToken.objects.filter(jti=str(claims["jti"])).exists():
        raise TokenRefused("revoked")
    return claims


def rotate(refresh: str) -> dict:
    """Trade a refresh token for a new pair, once. A second use revokes the token's whole family."""
    claims = _decode(
        refresh, keys.refresh_secret(), "HS256", keys.REFRESH_AUDIENCE, REFRESH_CLAIMS, keys.REFRESH_TYPE
    )
    now = timezone.now()
    # The models live in the current demo site's database (demo_site.routers), not always in "default".
    with transaction.atomic(using=router.db_for_write(RefreshToken)):
        row = RefreshToken.objects.filter(jti=str(claims["jti"])).select_related("user").first()
        if row is None:
            raise TokenRefused("unknown refresh token")
        if row.revoked_at is not None:
            raise TokenRefused(f"revoked ({row.revoked_because})")
        # One UPDATE decides: of two requests racing with the same token, only one finds it unused.
        won = RefreshToken.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
        if won:
            if not row.user.is_active:
                raise TokenRefused("user inactive")
            return issue_pair(row.user, family=row.family)
        # Committed, not rolled back: the refusal is raised only once the block has ended.
        revoke_family(row.family, because="reuse detected")
    raise TokenRefused("reuse detected: every token of this login is revoked")


def revoke_family(family: str, because: str) -> int:
    """Revoke every refresh token of one login not revoked yet; how many were."""
    return RefreshToken.objects.filter(family=family, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_because=because
    )


def log_out(claims: dict) -> dict:
    """Deny the access token's ``jti`` until its ``exp`` and revoke its login's refresh tokens."""
    expires = dt.datetime.fromtimestamp(claims["exp"], dt.UTC)
    DeniedToken.objects.get_or_create(jti=str(claims["jti"]), defaults={"expires_at": expires})
    revoked = revoke_family(str(claims["sid"]), because="logged out")
    return {"denied": claims["jti"], "refresh_tokens_revoked": revoked}
