"""The token API of lesson 10, driven over HTTP.

A login gives an RS256 access token and an HS256 refresh token; ``/tokens/me/``
accepts only a valid Bearer access token (401 with ``WWW-Authenticate`` for
every other, never a 500); a refresh token works once and its reuse revokes
the login; logout denies the access token's ``jti``, which ``/tokens/claims/``
(no denylist) does not see; the JWKS verifies the site's tokens and no other.
No view sets a cookie or accepts a session cookie; a form body needs CSRF.
"""

from __future__ import annotations

import datetime as dt

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from course_helpers import start_demo_site, travel
from demo_site.home.users import DEMO_USERS

LOGIN, ME, CLAIMS, REFRESH, LOGOUT = (
    "/tokens/login/",
    "/tokens/me/",
    "/tokens/claims/",
    "/tokens/refresh/",
    "/tokens/logout/",
)
JWKS = "/tokens/.well-known/jwks.json"


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="test-tokens")
    yield site
    site.stop()


def log_in(client, username="alice"):
    reply = client.post(LOGIN, json={"username": username, "password": DEMO_USERS[username]})
    assert reply.status_code == 200, reply.text
    return reply.json()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_login_gives_a_short_lived_rs256_access_token_and_sets_no_cookie(site):
    with site.client() as client:
        reply = client.post(LOGIN, json={"username": "bob", "password": DEMO_USERS["bob"]})
        pair = reply.json()
        assert not reply.headers.get("Set-Cookie") and not client.cookies
    header = jwt.get_unverified_header(pair["access"])
    claims = jwt.decode(pair["access"], options={"verify_signature": False})
    assert header["alg"] == "RS256" and header["kid"]
    assert claims["sub"] == "bob" and claims["aud"] == "demo-api" and claims["iss"] == "demo-site"
    assert claims["exp"] - claims["iat"] == 300 and claims["jti"] and claims["sid"]
    assert jwt.get_unverified_header(pair["refresh"])["alg"] == "HS256"
    assert pair["token_type"] == "Bearer" and pair["expires_in"] == 300


@pytest.mark.parametrize(
    "body",
    [
        {"username": "alice", "password": "wrong"},
        {"username": "nobody", "password": "x"},
        {"username": "alice"},
        {"username": ["alice"], "password": DEMO_USERS["alice"]},
        [1, 2],
        "alice",
    ],
)
def test_bad_logins_are_400_never_a_token(site, body):
    with site.client() as client:
        reply = client.post(LOGIN, json=body)
    assert reply.status_code == 400 and "access" not in reply.json()


def test_a_form_login_needs_the_csrf_token_a_json_login_does_not(site):
    with site.client() as client:
        form = {"username": "alice", "password": DEMO_USERS["alice"]}
        assert client.post(LOGIN, data=form).status_code == 403
        assert client.post(LOGIN, data=form, headers={"Content-Type": "text/plain"}).status_code == 403
        client.get("/accounts/login/")
        assert client.post(LOGIN, data={**form, "csrfmiddlewaretoken": client.csrf_token}).status_code == 200


def test_me_names_the_user_of_a_valid_token(site):
    with site.client() as client:
        pair = log_in(client, "bob")
        reply = client.get(ME, headers=bearer(pair["access"]))
    assert reply.status_code == 200 and reply.json()["username"] == "bob"


def _refused(site, headers=None, cookies=None, params=None):
    with site.client() as client:
        reply = client.get(ME, headers=headers or {}, cookies=cookies, params=params)
    assert reply.status_code == 401, reply.text
    return reply


def test_no_token_is_401_without_an_error_code(site):
    reply = _refused(site)
    assert reply.headers["WWW-Authenticate"] == 'Bearer realm="demo-api"'
    assert reply.json()["error"] == "missing_token"


def test_refused_tokens_are_401_invalid_token_with_a_reason(site):
    with site.client() as client:
        pair = log_in(client)
    access = pair["access"]
    head, body, signature = access.split(".")
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = jwt.decode(access, options={"verify_signature": False})
    kid = jwt.get_unverified_header(access)["kid"]
    cases = {
        "malformed": "not-a-token",
        "bad signature": f"{head}.{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}",
        "wrong audience": jwt.encode({**claims, "aud": "another-api"}, other_key, "RS256"),
        "algorithm not allowed (only RS256)": pair["refresh"],
    }
    for reason, token in cases.items():
        reply = _refused(site, bearer(token))
        assert reply.headers["WWW-Authenticate"].startswith('Bearer realm="demo-api", error="invalid_token"')
        assert reply.json()["error"] == "invalid_token"
        if reason != "wrong audience":  # signed by another key: refused for its signature first
            assert reply.json()["reason"] == reason, (reason, reply.json())
    forged = jwt.encode(claims, other_key, "RS256", headers={"kid": kid})
    assert _refused(site, bearer(forged)).json()["reason"] == "bad signature"
    hs256 = jwt.encode(claims, "a made-up secret that is long enough", "HS256")
    assert _refused(site, bearer(hs256)).json()["reason"].startswith("algorithm not allowed")


def test_expired_and_not_yet_valid_tokens_are_refused(site):
    with site.client() as client:
        access = log_in(client)["access"]
        with travel(dt.timedelta(seconds=301)):
            assert client.get(ME, headers=bearer(access)).json()["reason"] == "expired"
        with travel(dt.timedelta(seconds=-60)):
            assert client.get(ME, headers=bearer(access)).json()["reason"] == "not valid yet"


def test_a_token_elsewhere_than_the_authorization_header_is_ignored(site):
    with site.client() as client:
        access = log_in(client)["access"]
    _refused(site, cookies={"access": access, "Authorization": access})
    _refused(site, params={"access_token": access})
    _refused(site, {"Authorization": access})  # no scheme
    _refused(site, {"Authorization": f"Token {access}"})


def test_a_session_cookie_is_not_authentication(site):
    with site.client() as client:
        client.log_in("alice")
        assert client.get("/accounts/whoami/").json()["authenticated"]
        assert client.get(ME).status_code == 401
        assert client.post(LOGOUT, json={}).status_code == 401


def test_refresh_rotates_once_and_reuse_revokes_the_family(site):
    with site.client() as client:
        first = log_in(client)
        second = client.post(REFRESH, json={"refresh": first["refresh"]})
        assert second.status_code == 200
        second = second.json()
        assert second["refresh"] != first["refresh"] and second["access"] != first["access"]
        assert client.get(ME, headers=bearer(second["access"])).json()["username"] == "alice"
        reuse = client.post(REFRESH, json={"refresh": first["refresh"]})
        assert reuse.status_code == 400 and reuse.json()["reason"].startswith("reuse detected")
        later = client.post(REFRESH, json={"refresh": second["refresh"]})
        assert later.status_code == 400 and later.json()["reason"] == "revoked (reuse detected)"
        other = log_in(client)  # another login of alice is another family, untouched
        assert client.post(REFRESH, json={"refresh": other["refresh"]}).status_code == 200


def test_refresh_refuses_access_tokens_garbage_and_forms(site):
    with site.client() as client:
        pair = log_in(client)
        for body in ({"refresh": pair["access"]}, {"refresh": "x.y.z"}, {"refresh": 3}, {}, []):
            assert client.post(REFRESH, json=body).status_code == 400, body
        assert client.post(REFRESH, data={"refresh": pair["refresh"]}).status_code == 403


def test_logout_denies_the_jti_and_revokes_the_refresh_tokens(site):
    with site.client() as client:
        pair = log_in(client)
        out = client.post(LOGOUT, headers=bearer(pair["access"]))
        assert out.status_code == 200 and out.json()["refresh_tokens_revoked"] == 1
        assert client.get(ME, headers=bearer(pair["access"])).json()["reason"] == "revoked"
        assert client.get(CLAIMS, headers=bearer(pair["access"])).status_code == 200  # no denylist there
        assert (
            client.post(REFRESH, json={"refresh": pair["refresh"]}).json()["reason"] == "revoked (logged out)"
        )
        assert client.post(LOGOUT, headers=bearer(pair["access"])).status_code == 401
    from demo_site.tokens.models import DeniedToken

    claims = jwt.decode(pair["access"], options={"verify_signature": False})
    assert site.orm(lambda: DeniedToken.objects.filter(jti=claims["jti"]).count()) == 1


def test_the_jwks_verifies_the_sites_tokens(site):
    with site.client() as client:
        access = log_in(client)["access"]
        jwks = client.get(JWKS)
    assert jwks.status_code == 200 and [k["alg"] for k in jwks.json()["keys"]] == ["RS256"]
    assert "d" not in jwks.json()["keys"][0]  # the public half only
    signing_key = jwt.PyJWKClient(site.url + JWKS, timeout=5).get_signing_key_from_jwt(access)
    claims = jwt.decode(
        access, signing_key.key, algorithms=["RS256"], audience="demo-api", issuer="demo-site"
    )
    assert claims["sub"] == "alice"


@pytest.mark.parametrize("path", [LOGIN, REFRESH, LOGOUT])
def test_token_endpoints_refuse_get(site, path):
    with site.client() as client:
        assert client.get(path).status_code == 405


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer",
        "Bearer ",
        "Bearer a.b",
        "Bearer ...",
        "Bearer é.é.é",
        "bearer " + "a" * 5000 + ".b.c",
        "Bearer \x7f",
    ],
)
def test_hostile_authorization_headers_are_401(site, authorization):
    from tests import fuzzing

    reply = fuzzing.send(site.port, b"GET", ME, [], authorization.encode("latin-1"))
    assert reply.status == 401 and b"Traceback" not in reply.body


def test_explicit_typing_and_the_key_id_are_checked(site):
    """RFC 8725 §3.11 and the key allowlist: a token signed by the site's own key, but of the wrong type
    or naming another key, is refused; a refresh token is not an access token even where the alg matches."""
    from demo_site.tokens import keys

    with site.client() as client:
        pair = log_in(client)
        assert jwt.get_unverified_header(pair["access"])["typ"] == "at+jwt"
        assert jwt.get_unverified_header(pair["refresh"])["typ"] == "rt+jwt"
        claims = jwt.decode(pair["access"], options={"verify_signature": False})

        def signed(**headers):
            return jwt.encode(claims, keys.private_key(), algorithm="RS256", headers=headers)

        reasons = {
            name: client.get(ME, headers=bearer(token)).json().get("reason")
            for name, token in {
                "typ JWT": signed(kid=keys.key_id(), typ="JWT"),
                "no typ": signed(kid=keys.key_id(), typ=None),
                "no kid": signed(typ="at+jwt"),
                "another kid": signed(kid="../../etc/passwd", typ="at+jwt"),
                "right": signed(kid=keys.key_id(), typ="at+jwt"),
            }.items()
        }
        assert reasons == {
            "typ JWT": "wrong token type (not at+jwt)",
            "no typ": "wrong token type (not at+jwt)",
            "no kid": "unknown key id (kid)",
            "another kid": "unknown key id (kid)",
            "right": None,
        }
        refresh_claims = jwt.decode(pair["refresh"], options={"verify_signature": False})
        as_access_typ = jwt.encode(refresh_claims, keys.refresh_secret(), algorithm="HS256", headers={"typ": "at+jwt"})
        reply = client.post(REFRESH, json={"refresh": as_access_typ})
        assert reply.status_code == 400 and reply.json()["reason"] == "wrong token type (not rt+jwt)"
