"""A token API (lesson 10): log in for a JWT pair, call with ``Authorization: Bearer``, rotate, log out.

* ``POST /tokens/login/`` (``username``, ``password``) gives an access token
  (RS256, 5 minutes) and a refresh token (HS256, a day, usable once);
* ``GET /tokens/me/`` says whom a valid access token names: signature,
  ``exp``, ``nbf``, ``aud``, ``iss`` and the denylist are checked;
* ``GET /tokens/claims/`` checks only what the token proves by itself (no
  denylist): what another service holding just the public key can do;
* ``POST /tokens/refresh/`` (``refresh``) trades a refresh token for a new
  pair; a used one presented again revokes every token of that login;
* ``POST /tokens/logout/`` (with the Bearer token) puts its ``jti`` on the
  denylist and revokes the login's refresh tokens;
* ``GET /tokens/.well-known/jwks.json`` publishes the public key (JWKS).

**Why the API is exempt from Django's CSRF check, and when it is not.** CSRF
rides on credentials a browser adds by itself, cookies. These views set no
cookie and read none: the token travels in a header (or a JSON body) that a
page of another site cannot make a browser send, and a session cookie is
never accepted as authentication here. So a request with a JSON body or a
Bearer header needs no CSRF token. A request with neither (a body in a
*form's* content type: urlencoded, multipart, ``text/plain``) is different:
any site's HTML form can send one without asking, so it is CSRF-checked like
any form of the site (403 without the token).

Errors are short JSON: ``401`` with ``WWW-Authenticate: Bearer ...`` on the
resource endpoints (RFC 6750: no error code when no token was sent,
``error="invalid_token"`` when one was refused), ``400`` with
``invalid_request`` or ``invalid_grant`` on the token endpoints (RFC 6749
§5.2). Never a 500.
"""

from __future__ import annotations

import json
import re
from functools import wraps

from django.contrib.auth import authenticate
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from demo_site.tokens import issuing, keys

REALM = "demo-api"
#: What a compact JWT can look like: three base64url parts (the last may be empty); anything else is malformed.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
MAX_TOKEN = 4096


def _unauthorized(reason: str, *, sent: bool = True) -> JsonResponse:
    """401 for a resource endpoint; ``sent=False``: no token came, so no error code (RFC 6750 §3.1)."""
    reply = JsonResponse(
        {"error": "invalid_token" if sent else "missing_token", "reason": reason}, status=401
    )
    challenge = f'Bearer realm="{REALM}"'
    if sent:
        challenge += f', error="invalid_token", error_description="{reason}"'
    reply["WWW-Authenticate"] = challenge
    return reply


def _bad_grant(reason: str, error: str = "invalid_grant") -> JsonResponse:
    return JsonResponse({"error": error, "reason": reason}, status=400)


def bearer_token(request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, ``""`` if malformed, ``None`` if absent."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    token = token.strip()
    return token if len(token) <= MAX_TOKEN and TOKEN_SHAPE.fullmatch(token) else ""


def _verified(request, *, check_denylist: bool):
    """(claims, None) for a valid Bearer token, or (None, a 401 reply)."""
    token = bearer_token(request)
    if token is None:
        return None, _unauthorized("no Bearer token in the Authorization header", sent=False)
    if not token:
        return None, _unauthorized("malformed")
    try:
        return issuing.verify_access(token, check_denylist=check_denylist), None
    except issuing.TokenRefused as refused:
        return None, _unauthorized(refused.reason)


def token_api(view):
    """CSRF-exempt for a JSON body or a Bearer header (no cookie involved); a plain form is CSRF-checked."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        form_like = request.content_type != "application/json" and bearer_token(request) is None
        if request.method == "POST" and form_like:
            refused = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
            if refused is not None:
                return refused
        return view(request, *args, **kwargs)

    return wrapper


def _fields(request) -> dict | None:
    """The request's JSON object or form fields, or ``None`` if the body is neither."""
    if request.content_type != "application/json":
        return request.POST
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _text(fields: dict, name: str) -> str | None:
    value = fields.get(name)
    return value if isinstance(value, str) and 0 < len(value) <= MAX_TOKEN else None


@never_cache
@require_POST
@token_api
def obtain(request):
    """Log in with username and password (JSON, or a form with its CSRF token): an access and a refresh token."""
    fields = _fields(request)
    if fields is None:
        return _bad_grant("send a JSON object (or form fields) with username and password", "invalid_request")
    username, password = _text(fields, "username"), _text(fields, "password")
    if username is None or password is None:
        return _bad_grant("username and password are required", "invalid_request")
    user = authenticate(request, username=username, password=password)
    if user is None:
        return _bad_grant("wrong username or password")
    return JsonResponse(issuing.issue_pair(user))


@never_cache
@require_safe
def me(request):
    """Whom your Bearer access token names, checked in full: signature, exp, nbf, aud, iss and the denylist."""
    claims, refusal = _verified(request, check_denylist=True)
    if refusal:
        return refusal
    return JsonResponse({"username": claims["sub"], "jti": claims["jti"], "checked": "token and denylist"})


@never_cache
@require_safe
def claims(request):
    """What your Bearer access token proves by itself (no denylist): all a service with only the public key knows."""
    verified, refusal = _verified(request, check_denylist=False)
    if refusal:
        return refusal
    return JsonResponse({"username": verified["sub"], "jti": verified["jti"], "checked": "token only"})


@never_cache
@require_POST
@token_api
def refresh(request):
    """Trade a refresh token (JSON {"refresh": ...}) for a new pair, once; reuse revokes the whole login."""
    fields = _fields(request)
    token = _text(fields, "refresh") if fields is not None else None
    if token is None:
        return _bad_grant("send a JSON object with refresh", "invalid_request")
    try:
        return JsonResponse(issuing.rotate(token))
    except issuing.TokenRefused as refused:
        return _bad_grant(refused.reason)


@never_cache
@require_POST
@token_api
def logout(request):
    """Log out with your Bearer access token: its jti is denied until exp, the login's refresh tokens revoked."""
    claims, refusal = _verified(request, check_denylist=True)
    if refusal:
        return refusal
    return JsonResponse(issuing.log_out(claims))


@require_safe
def jwks(request):
    """The site's public signing key as a JWK Set: anyone can verify its access tokens, nobody can sign one."""
    reply = JsonResponse(keys.public_jwks())
    reply["Cache-Control"] = "max-age=300"
    return reply
