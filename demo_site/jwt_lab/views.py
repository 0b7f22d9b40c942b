"""The lab's fixed token API (lesson 11): every forged token of ``demo_site.jwt_lab.vulnerable`` is refused here.

* ``POST /jwt-lab/token/`` exchanges a logged-in session for an access and a
  refresh token (CSRF-protected: it is authenticated by a cookie);
* ``GET /jwt-lab/whoami/`` trusts a token only after :func:`tokens.verify`
  (RS256 only, the site's own key by ``kid``, no key from the token, ``typ``,
  ``iss``, ``aud``, ``nbf``..``exp``);
* ``POST /jwt-lab/refresh/`` rotates a refresh token; using one twice
  revokes its whole family (the thief's copy and the user's);
* ``/jwt-lab/jwks.json`` and ``/jwt-lab/public-key.pem`` publish the public key.
"""

from __future__ import annotations

from django.db import router, transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from demo_site.jwt_lab import keys, tokens
from demo_site.jwt_lab.tokens import Refused, bearer_token, refused, who


@require_POST
def token(request):
    """Exchange the logged-in session for an access and a refresh token (POST, CSRF; JSON)."""
    if not request.user.is_authenticated:
        return refused("log in first (a session), then POST here")
    audience = tokens.json_body(request).get("audience") or keys.AUDIENCE
    if audience not in tokens.AUDIENCES:
        return JsonResponse(
            {"error": "invalid_request", "reason": f"audience must be one of {tokens.AUDIENCES}"}, status=400
        )
    pair = tokens.issue_pair(request.user.get_username(), admin=request.user.is_staff, audience=audience)
    return JsonResponse(pair)


@require_safe
def whoami(request):
    """Who am I, for a token that passes every check of OWASP ASVS 5.0 V9 (JSON; 401 otherwise)."""
    try:
        claims = tokens.verify(bearer_token(request))
    except Refused as exc:
        return refused(str(exc))
    return who(claims, "fixed")


@csrf_exempt  # the refresh token travels in the body, not in a cookie: there is nothing to forge across sites
@require_POST
def refresh(request):
    """Rotate a refresh token; a reused one revokes its whole family (POST; JSON)."""
    from demo_site.jwt_lab.models import RefreshToken

    try:
        claims = tokens.presented_refresh(request)
    except Refused as exc:
        return refused(str(exc))
    # The lab's tables live in the current demo site's database (demo_site.routers), not always in "default".
    with transaction.atomic(using=router.db_for_write(RefreshToken)):
        row = RefreshToken.objects.filter(jti=str(claims.get("jti"))).first()
        if row is None:
            return refused("unknown refresh token")
        if row.revoked:
            return refused("this token's family was revoked")
        # One conditional UPDATE: of two concurrent uses, exactly one wins; the other is a reuse.
        won = RefreshToken.objects.filter(pk=row.pk, used_at__isnull=True, revoked=False).update(
            used_at=tokens.now()
        )
        if not won:
            revoked = RefreshToken.objects.filter(family=row.family).update(revoked=True)
            return refused(f"refresh token reused: its family of {revoked} tokens is revoked")
        pair = tokens.issue_pair(row.username, admin=claims.get("admin") is True, family=row.family)
    return JsonResponse(pair)


@require_safe
def jwks(request):
    """The site's public key set (JWKS, RFC 7517): the only keys the fixed API trusts."""
    return JsonResponse(keys.jwks())


@require_safe
def public_key_pem(request):
    """The site's RSA public key as PEM: public, as a public key should be."""
    keys.data_folder()  # the same bytes are kept in the data folder, for the kid exercise
    return HttpResponse(keys.public_pem(), content_type="application/x-pem-file")
