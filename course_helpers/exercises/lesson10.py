"""Exercises of lesson 10 · Tokens and JWT.

Django is imported lazily (inside the checks): this module is imported
before the notebook starts the demo site.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from course_helpers.exercises._no_shortcuts import call_watching
from course_helpers.exercises.answer_types import CLIENT, FUNCTION
from course_helpers.exercises.core import Attempt, Exercise, Incorrect, Lesson, WrongAnswer
from course_helpers.exercises.kinds import HttpTask, Prediction

LESSON = Lesson("10", "Tokens and JWT")

LOGIN, ME, CLAIMS, LOGOUT = "/tokens/login/", "/tokens/me/", "/tokens/claims/", "/tokens/logout/"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def _unb64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


# -- q1: make_jwt by hand ------------------------------------------------------------------------

_SECRET = "lesson-10 exercise secret, 32 bytes+"
#: (payload, secret): ASCII, then non-ASCII text and a bool, then characters whose base64url has - and _.
_CASES = [
    ({"sub": "alice"}, _SECRET),
    ({"sub": "zoë", "admin": False}, _SECRET),
    ({"sub": "bob", "q": "??>>~~", "n": 3}, "another secret, also 32 bytes long"),
]


class _MakeJwt(Exercise):
    """``make_jwt(payload, secret)`` must give PyJWT's HS256 token, byte for byte; each kind of slip is named."""

    default_type = FUNCTION

    def verify(self, attempt: Attempt) -> str:
        import jwt

        fn = attempt["make_jwt"]
        for payload, secret in _CASES:
            call = f"make_jwt({payload!r}, {secret!r})"
            token, shortcuts = call_watching(attempt, [jwt], fn, dict(payload), secret)
            if shortcuts:
                raise Incorrect(
                    f"{call} called PyJWT ({', '.join(shortcuts[:3])}): that is what it is compared with, so it "
                    "proves nothing. Build the three parts yourself with base64, json and hmac."
                )
            if isinstance(token, bytes):
                raise Incorrect(f"{call} returned bytes; a JWT is text: .decode('ascii') the result.")
            if not isinstance(token, str):
                raise Incorrect(f"{call} returned {type(token).__name__}, not the token as a str.")
            parts = token.split(".")
            if len(parts) != 3:
                raise Incorrect(f"{call} has {len(parts)} part(s); a JWT is header.payload.signature.")
            if "=" in token:
                raise Incorrect(
                    f"{call} ends a part with '=': base64 padding. JWTs use base64url *without* padding "
                    "(RFC 7515 §2): strip it with .rstrip(b'=')."
                )
            if any(not _BASE64URL.fullmatch(part) for part in parts):
                raise Incorrect(
                    f"{call} contains '+' or '/': that is standard base64. JWTs use base64url "
                    "(base64.urlsafe_b64encode), whose '-' and '_' are safe in a URL or a header."
                )
            try:
                header = json.loads(_unb64url(parts[0]))
            except (ValueError, binascii.Error):
                raise Incorrect(f"The first part of {call} is not base64url JSON (the header).") from None
            if header != {"alg": "HS256", "typ": "JWT"}:
                raise Incorrect(
                    f'The header of {call} is {header!r}; it should be {{"alg": "HS256", "typ": "JWT"}}.'
                )
            signature = _unb64url(parts[2])
            if re.fullmatch(rb"[0-9a-f]{64}", signature):
                raise Incorrect(
                    f"The signature of {call} is the *hex* digest, encoded again: 64 characters of text. "
                    "Encode the raw 32 bytes of .digest(), not .hexdigest()."
                )
            try:
                decoded = jwt.decode(token, secret, algorithms=["HS256"])
            except jwt.InvalidSignatureError:
                raise Incorrect(
                    f"PyJWT refuses {call}: bad signature. The signature is HMAC-SHA256, keyed with the "
                    "secret, over the ASCII text 'header.payload' (both base64url parts and the dot between)."
                ) from None
            except jwt.InvalidTokenError as exc:
                raise Incorrect(f"PyJWT refuses {call}: {exc}.") from None
            if decoded != payload:
                raise Incorrect(f"PyJWT reads {decoded!r} from {call}, not the payload {payload!r}.")
            expected = jwt.encode(payload, secret, algorithm="HS256")
            if token != expected:
                raise Incorrect(
                    f"PyJWT accepts {call}: a signature covers the exact bytes you encoded, whatever their "
                    "spacing, so any JSON that parses verifies. But it is not the token PyJWT makes for the "
                    "same claims (compare the middle part): write compact JSON, "
                    "json.dumps(obj, separators=(',', ':')). Byte-for-byte equal tokens matter whenever "
                    "tokens are compared, cached or looked up as text."
                )
        return f"All {len(_CASES)} tokens are exactly PyJWT's, and PyJWT verifies each."


q1 = LESSON.add(
    "q1",
    _MakeJwt(
        title="make_jwt(payload, secret): a JWT by hand, byte for byte",
        variables={"make_jwt": FUNCTION},
        hints=[
            "Three parts: base64url(compact JSON header), base64url(compact JSON payload), base64url(signature).",
            "The secret arrives as a str: hmac.new needs bytes (secret.encode()). Sign the text "
            "'header.payload', encoded to bytes.",
            "b64url = lambda b: base64.urlsafe_b64encode(b).rstrip(b'=').decode(); "
            "compact = lambda o: json.dumps(o, separators=(',', ':')).encode().",
        ],
        solution="""
            import base64
            import hashlib
            import hmac
            import json


            def make_jwt(payload, secret):
                def b64url(data):
                    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")

                def compact(obj):
                    return json.dumps(obj, separators=(",", ":")).encode()

                signing_input = b64url(compact({"alg": "HS256", "typ": "JWT"})) + "." + b64url(compact(payload))
                signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
                return signing_input + "." + b64url(signature)
        """,
        why="A JWT is two base64url JSON texts and a MAC of them: HMAC-SHA256 keyed with the secret over "
        "'header.payload'. Padding is dropped, '-' and '_' replace '+' and '/', and the signature is the raw "
        "32-byte digest. The JSON is compact and the header's keys sorted, which is why PyJWT's bytes come out.",
        wrong_answers=[
            WrongAnswer(
                "def make_jwt(payload, secret):\n    return jwt.encode(payload, secret, algorithm='HS256')\n",
                "called PyJWT",
            ),
            WrongAnswer(
                "import base64, hashlib, hmac, json\n"
                "def make_jwt(payload, secret):\n"
                "    b = lambda d: base64.urlsafe_b64encode(d).decode()\n"
                "    c = lambda o: json.dumps(o, separators=(',', ':')).encode()\n"
                "    s = b(c({'alg': 'HS256', 'typ': 'JWT'})) + '.' + b(c(payload))\n"
                "    return s + '.' + b(hmac.new(secret.encode(), s.encode(), hashlib.sha256).digest())\n",
                "without* padding",
            ),
            WrongAnswer(
                "import base64, hashlib, hmac, json\n"
                "def make_jwt(payload, secret):\n"
                "    b = lambda d: base64.b64encode(d).rstrip(b'=').decode()\n"
                "    c = lambda o: json.dumps(o, separators=(',', ':')).encode()\n"
                "    s = b(c({'alg': 'HS256', 'typ': 'JWT'})) + '.' + b(c(payload))\n"
                "    return s + '.' + b(hmac.new(secret.encode(), s.encode(), hashlib.sha256).digest())\n",
                "standard base64",
            ),
            WrongAnswer(
                "import base64, hashlib, hmac, json\n"
                "def make_jwt(payload, secret):\n"
                "    b = lambda d: base64.urlsafe_b64encode(d).rstrip(b'=').decode()\n"
                "    c = lambda o: json.dumps(o).encode()\n"
                "    s = b(c({'alg': 'HS256', 'typ': 'JWT'})) + '.' + b(c(payload))\n"
                "    return s + '.' + b(hmac.new(secret.encode(), s.encode(), hashlib.sha256).digest())\n",
                "PyJWT accepts",
            ),
            WrongAnswer(
                "import base64, hashlib, hmac, json\n"
                "def make_jwt(payload, secret):\n"
                "    b = lambda d: base64.urlsafe_b64encode(d).rstrip(b'=').decode()\n"
                "    c = lambda o: json.dumps(o, separators=(',', ':')).encode()\n"
                "    s = b(c({'alg': 'HS256', 'typ': 'JWT'})) + '.' + b(c(payload))\n"
                "    return s + '.' + b(hmac.new(secret.encode(), c(payload), hashlib.sha256).digest())\n",
                "bad signature",
            ),
            WrongAnswer(
                "import base64, hashlib, hmac, json\n"
                "def make_jwt(payload, secret):\n"
                "    b = lambda d: base64.urlsafe_b64encode(d).rstrip(b'=').decode()\n"
                "    c = lambda o: json.dumps(o, separators=(',', ':')).encode()\n"
                "    s = b(c({'alg': 'HS256', 'typ': 'JWT'})) + '.' + b(c(payload))\n"
                "    return s + '.' + b(hmac.new(secret.encode(), s.encode(), hashlib.sha256).hexdigest().encode())\n",
                "hex",
            ),
        ],
    ),
)


# -- q2: a token for bob, used as a Bearer token ---------------------------------------------------------


def _bearer(exchange) -> str | None:
    for name, value in exchange.request_headers:
        if name.lower() == "authorization":
            return value
    return None


def _login_of(attempt: Attempt, sid: str) -> str | None:
    """The username of the login (refresh-token family) ``sid`` names, or ``None`` if the site never issued it."""

    def read():
        from demo_site.tokens.models import RefreshToken

        return RefreshToken.objects.filter(family=sid).values_list("user__username", flat=True).first()

    return attempt.site.orm(read)


def _inspect_bob(attempt: Attempt) -> str:
    import jwt

    from demo_site.tokens import keys

    client = attempt["bob_client"]
    calls = [e for e in client.trace if e.path.split("?")[0] == ME]
    if not calls:
        raise Incorrect(
            f"bob_client never asked {ME} (its trace has no such request). Send it with bob_client."
        )
    last = calls[-1]
    authorization = _bearer(last)
    if authorization is None:
        if "?" in last.path:
            raise Incorrect(
                f"Your last request to {ME} had the token in the query string and no Authorization header. "
                "The site never reads a token there (a URL ends up in logs, history and Referer headers): "
                "send headers={'Authorization': 'Bearer ' + token}."
            )
        if last.cookie_sent:
            raise Incorrect(
                f"Your last request to {ME} sent the token in a cookie and no Authorization header. The API "
                "ignores cookies: a browser adds cookies by itself, which is what CSRF rides on. Send "
                "headers={'Authorization': 'Bearer ' + token}."
            )
        raise Incorrect(f"Your last request to {ME} had no Authorization header.")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Incorrect(f"The Authorization header was {authorization[:30]!r}…: it must be 'Bearer <token>'.")
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        raise Incorrect("The Bearer value is not a JWT at all (header.payload.signature).") from None
    if unverified.get("aud") == keys.REFRESH_AUDIENCE:
        raise Incorrect(
            "That is a refresh token (aud is the refresh endpoint, alg HS256): it only buys a new pair at "
            "/tokens/refresh/. The API wants the access token."
        )
    try:
        claims = jwt.decode(
            token, keys.public_key(), algorithms=["RS256"], audience=keys.ACCESS_AUDIENCE, issuer=keys.ISSUER
        )
    except jwt.InvalidTokenError as exc:
        raise Incorrect(
            f"The site did not issue that token (alg {header.get('alg')!r}; PyJWT says: {exc}). Only the site "
            "holds the private key of its RS256 tokens; a token signed with a secret you made up proves nothing. "
            f"Ask {LOGIN} for one."
        ) from None
    if claims.get("sub") != "bob":
        raise Incorrect(f"That token names {claims.get('sub')!r}, not bob: log in as bob.")
    if _login_of(attempt, str(claims.get("sid"))) != "bob":
        raise Incorrect(
            "That token carries a genuine signature, but no login of bob's is behind it: its sid names no "
            f"login the site recorded. It was signed outside {LOGIN}, with the site's private key read from "
            "the kernel, which no client of a real site has. Ask the site for bob's token."
        )
    if last.status != 200:
        raise Incorrect(
            f"The site answered {last.status} to your last request to {ME}: is the token still valid?"
        )
    if not any(e.method == "POST" and e.path == LOGIN and e.status == 200 for e in client.trace):
        raise Incorrect(
            f"bob_client never obtained a token itself: its trace has no POST {LOGIN} answered 200."
        )
    return f"{ME} answered 200 to bob's access token (jti {claims['jti'][:6]}…), signed by the site."


q2 = LESSON.add(
    "q2",
    HttpTask(
        title="A token for bob, sent as a Bearer token",
        variables={"bob_client": CLIENT},
        inspect=_inspect_bob,
        hints=[
            f"Two requests with one client: POST {LOGIN} (JSON with bob's username and password), then GET {ME}.",
            "bob's password is DEMO_USERS['bob']. The reply's 'access' is the token the API wants; the "
            "'refresh' one is for /tokens/refresh/ only.",
            "bob_client.get('/tokens/me/', headers={'Authorization': 'Bearer ' + pair['access']}).",
        ],
        solution=f"""
            bob_client = site.client()
            pair = bob_client.post("{LOGIN}", json={{"username": "bob", "password": DEMO_USERS["bob"]}}).json()
            bob_client.get("{ME}", headers={{"Authorization": "Bearer " + pair["access"]}})
        """,
        why="The access token travels in the Authorization header, which only code adds: no browser sends it "
        "on its own, so there is nothing for CSRF to ride on. The site checks its RS256 signature, exp, aud "
        "and iss, then its denylist.",
        wrong_answers=[
            WrongAnswer(
                "bob_client = site.client()\n"
                "_fake = jwt.encode({'sub': 'bob'}, 'my own secret, long enough: 32 bytes', algorithm='HS256')\n"
                f"bob_client.get('{ME}', headers={{'Authorization': 'Bearer ' + _fake}})\n",
                "did not issue that token",
            ),
            WrongAnswer(
                "bob_client = site.client()\n"
                f"_pair = bob_client.post('{LOGIN}', json={{'username': 'alice', 'password': DEMO_USERS['alice']}}).json()\n"
                f"bob_client.get('{ME}', headers={{'Authorization': 'Bearer ' + _pair['access']}})\n",
                "not bob",
            ),
            WrongAnswer(
                "bob_client = site.client()\n"
                f"_pair = bob_client.post('{LOGIN}', json={{'username': 'bob', 'password': DEMO_USERS['bob']}}).json()\n"
                f"bob_client.get('{ME}', cookies={{'access': _pair['access']}})\n",
                "in a cookie",
            ),
            WrongAnswer(
                "bob_client = site.client()\n"
                f"_pair = bob_client.post('{LOGIN}', json={{'username': 'bob', 'password': DEMO_USERS['bob']}}).json()\n"
                f"bob_client.get('{ME}', params={{'access_token': _pair['access']}})\n",
                "query string",
            ),
            WrongAnswer(
                "bob_client = site.client()\n"
                f"_pair = bob_client.post('{LOGIN}', json={{'username': 'bob', 'password': DEMO_USERS['bob']}}).json()\n"
                f"bob_client.get('{ME}', headers={{'Authorization': 'Bearer ' + _pair['refresh']}})\n",
                "refresh token",
            ),
            WrongAnswer(
                "bob_client = site.client()\n"
                f"bob_client.post('{LOGIN}', json={{'username': 'alice', 'password': DEMO_USERS['alice']}})\n"
                "_now = dt.datetime.now(dt.UTC)\n"
                "_claims = {'sub': 'bob', 'aud': keys.ACCESS_AUDIENCE, 'iss': keys.ISSUER, 'iat': _now, 'nbf': _now,\n"
                "           'exp': _now + dt.timedelta(minutes=5), 'jti': 'mine', 'sid': 'mine'}\n"
                "_token = jwt.encode(_claims, keys.private_key(), algorithm='RS256',\n"
                "                    headers={'kid': keys.key_id(), 'typ': 'at+jwt'})\n"
                f"bob_client.get('{ME}', headers={{'Authorization': 'Bearer ' + _token}})\n",
                "no login of bob's",
            ),
            WrongAnswer(
                "bob_client = site.client()\n"
                "_other = site.client()\n"
                f"_pair = _other.post('{LOGIN}', json={{'username': 'bob', 'password': DEMO_USERS['bob']}}).json()\n"
                f"bob_client.get('{ME}', headers={{'Authorization': 'Bearer ' + _pair['access']}})\n",
                "never obtained",
            ),
        ],
    ),
)


# -- q3: predict: after logout, the denylist endpoint and the token-only endpoint ---------------------


def _after_logout(attempt: Attempt) -> tuple[int, int]:
    from demo_site.home.users import DEMO_USERS

    with attempt.site.client() as client:
        pair = client.post(LOGIN, json={"username": "alice", "password": DEMO_USERS["alice"]}).json()
        auth = {"Authorization": f"Bearer {pair['access']}"}
        client.post(LOGOUT, headers=auth)
        return (client.get(ME, headers=auth).status_code, client.get(CLAIMS, headers=auth).status_code)


_CHOICES = ((200, 200), (401, 200), (200, 401), (401, 401))

q3 = LESSON.add(
    "q3",
    Prediction(
        title="Predict: an access token just after logout",
        variables=["after_logout"],
        choices=_CHOICES,
        experiment=_after_logout,
        explain="Logout wrote the token's jti into the site's denylist. /tokens/me/ reads that table and "
        "refuses the token (401, 'revoked'); /tokens/claims/ checks only the signature and the claims, which "
        "are as valid as before, so it says 200 until exp: what any service holding only the public key sees.",
        hints=[
            "Which of the two endpoints reads something that logout changed?",
            "Logout cannot change the token itself: it is already in the client's hands, signed, with its exp.",
        ],
        solution="after_logout = (401, 200)",
        why="A signed token stays valid until its exp whatever the server learns; only a check against the "
        "server's state (the denylist) can refuse it earlier.",
        wrong_answers=[
            WrongAnswer("after_logout = (401, 401)", "/tokens/claims/ checks only"),
            WrongAnswer("after_logout = (200, 200)", "refuses the token"),
            WrongAnswer("after_logout = [401, 200]", "is not one of the choices"),
            WrongAnswer("after_logout = 401", "is not one of the choices"),
        ],
    ),
)

__all__ = ["LESSON", "q1", "q2", "q3"]
