"""Lesson 11's JWT lab, over HTTP: each forged token is accepted by its vulnerable view and refused by the fix.

The vulnerable endpoints (``/vulnerable/jwt/...``) trust forged tokens on
purpose; these tests pin each flaw down so the lesson keeps showing it, and
prove that the fixed API (``/jwt-lab/...``) refuses the very same token. No
endpoint of the lab, vulnerable or not, ever answers 500: garbage is a 401.
"""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from course_helpers import start_demo_site, travel
from course_helpers.jwt_tools import b64url, forge
from demo_site.jwt_lab import keys

FIXED = "/jwt-lab/whoami/"
WHOAMI = {
    "decode-only": "/vulnerable/jwt/decode-only/whoami/",
    "naive": "/vulnerable/jwt/naive/whoami/",
    "weak-secret": "/vulnerable/jwt/weak-secret/whoami/",
    "header-key": "/vulnerable/jwt/header-key/whoami/",
    "kid": "/vulnerable/jwt/kid/whoami/",
    "fixed": FIXED,
}
ADMIN = {"sub": "alice", "admin": True, "exp": 4_000_000_000}


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="test-jwt_lab")
    yield site
    site.stop()


def ask(site, path: str, token: str | None, scheme: str = "Bearer"):
    headers = {} if token is None else {"Authorization": f"{scheme} {token}"}
    with site.client() as client:
        return client.get(path, headers=headers)


def accepted_as_admin(reply) -> bool:
    return reply.status_code == 200 and reply.json()["admin"] is True


def tokens_for(site, username: str = "alice", **data) -> dict:
    with site.client() as client:
        client.log_in(username)
        reply = client.post("/jwt-lab/token/", data={"csrfmiddlewaretoken": client.csrf_token, **data})
        assert reply.status_code == 200, reply.text
        return reply.json()


def refresh(site, url: str, token: str):
    with site.client() as client:
        return client.post(url, json={"refresh": token})


# -- the real tokens work where they should -----------------------------------------------------


def test_a_real_access_token_works_on_the_fixed_api_and_says_not_admin(site):
    access = tokens_for(site)["access"]
    for name in ("decode-only", "naive", "header-key", "fixed"):
        reply = ask(site, WHOAMI[name], access)
        assert reply.status_code == 200 and reply.json() == {
            "user": "alice",
            "admin": False,
            "verified_by": name if name != "fixed" else "fixed",
        }, name


def test_the_token_endpoint_needs_a_session_and_csrf(site):
    with site.client() as client:
        assert client.post("/jwt-lab/token/").status_code == 403  # no CSRF token
        client.get("/accounts/login/")
        anonymous = client.post("/jwt-lab/token/", data={"csrfmiddlewaretoken": client.csrf_token})
        assert anonymous.status_code == 401


def test_the_key_set_and_the_pem_are_published(site):
    with site.client() as client:
        key_set = client.get("/jwt-lab/jwks.json").json()
        pem = client.get("/jwt-lab/public-key.pem").content
    assert key_set["keys"][0]["kid"] == keys.RSA_KID and "d" not in key_set["keys"][0]
    assert pem == keys.public_pem() and pem.startswith(b"-----BEGIN PUBLIC KEY-----")


# -- 1 to 6: each forged token is accepted by its vulnerable view and refused by the fix -------------


def test_decode_only_trusts_an_edited_payload(site):
    header, _, signature = tokens_for(site)["access"].split(".")
    forged = ".".join([header, b64url(json.dumps({**ADMIN, "aud": keys.AUDIENCE}).encode()), signature])
    assert accepted_as_admin(ask(site, WHOAMI["decode-only"], forged))
    assert ask(site, FIXED, forged).status_code == 401


def test_alg_none(site):
    forged = forge({"alg": "none", "typ": "at+jwt", "kid": keys.RSA_KID}, ADMIN)
    assert accepted_as_admin(ask(site, WHOAMI["naive"], forged))
    refused = ask(site, FIXED, forged)
    assert refused.status_code == 401 and "invalid_token" in refused.headers["WWW-Authenticate"]
    assert "'none' is not allowed" in refused.json()["reason"]


def test_a_weak_secret_is_cracked_and_an_admin_token_forged(site):
    with site.client() as client:
        client.log_in("bob")
        sample = client.post(
            "/vulnerable/jwt/weak-secret/token/", data={"csrfmiddlewaretoken": client.csrf_token}
        ).json()["access"]
    signing_input, _, signature = sample.rpartition(".")
    found = [
        word
        for word in keys.words()
        if b64url(hmac.new(word.encode(), signing_input.encode(), hashlib.sha256).digest()) == signature
    ]
    assert found == [keys.WEAK_SECRET]
    assert ask(site, WHOAMI["weak-secret"], sample).json()["user"] == "bob"
    forged = forge({"alg": "HS256", "typ": "JWT"}, ADMIN, found[0].encode())
    assert accepted_as_admin(ask(site, WHOAMI["weak-secret"], forged))
    assert ask(site, FIXED, forged).status_code == 401


def test_algorithm_confusion(site):
    with site.client() as client:
        pem = client.get("/jwt-lab/public-key.pem").content
    forged = forge({"alg": "HS256", "typ": "JWT"}, ADMIN, pem)
    assert accepted_as_admin(ask(site, WHOAMI["naive"], forged))
    assert ask(site, FIXED, forged).status_code == 401
    with pytest.raises(jwt.InvalidKeyError, match="asymmetric key"):
        jwt.encode(ADMIN, pem, algorithm="HS256")
    with pytest.raises(jwt.InvalidKeyError, match="asymmetric key"):
        jwt.decode(forged, pem, algorithms=["HS256", "RS256"])


def _attacker_key():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = {**json.loads(RSAAlgorithm.to_jwk(private.public_key())), "kid": "attacker-1"}
    return private, jwk


def test_jwk_header_injection(site):
    private, jwk = _attacker_key()
    forged = jwt.encode(ADMIN, private, algorithm="RS256", headers={"jwk": jwk, "kid": "attacker-1"})
    assert accepted_as_admin(ask(site, WHOAMI["header-key"], forged))
    assert "jwk" in ask(site, FIXED, forged).json()["reason"]


def test_jku_pointing_to_the_attackers_key_set(site):
    private, jwk = _attacker_key()
    body = json.dumps({"keys": [jwk]}).encode()

    class KeySet(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    attacker = http.server.ThreadingHTTPServer(("127.0.0.1", 0), KeySet)
    thread = threading.Thread(target=attacker.serve_forever, daemon=True)
    thread.start()
    try:
        jku = f"http://127.0.0.1:{attacker.server_port}/jwks.json"
        forged = jwt.encode(ADMIN, private, algorithm="RS256", headers={"jku": jku, "kid": "attacker-1"})
        assert accepted_as_admin(ask(site, WHOAMI["header-key"], forged))
        assert "jku" in ask(site, FIXED, forged).json()["reason"]
    finally:
        attacker.shutdown()
        attacker.server_close()
        thread.join(5)
    elsewhere = jwt.encode(ADMIN, private, algorithm="RS256", headers={"jku": "http://example.com/jwks.json"})
    assert ask(site, WHOAMI["header-key"], elsewhere).status_code == 401  # the lab never leaves the machine


def test_kid_path_traversal_to_an_empty_file(site):
    forged = forge({"alg": "HS256", "kid": "../" * 30 + "dev/null"}, ADMIN, b"")
    assert accepted_as_admin(ask(site, WHOAMI["kid"], forged))
    assert "unknown kid" in ask(site, FIXED, forged).json()["reason"]


def test_kid_traversal_to_a_known_file_of_the_data_folder(site):
    with site.client() as client:
        pem = client.get("/jwt-lab/public-key.pem").content
    forged = forge({"alg": "HS256", "kid": "../public-key.pem"}, ADMIN, pem)
    assert accepted_as_admin(ask(site, WHOAMI["kid"], forged))
    assert ask(site, FIXED, forged).status_code == 401


def test_kid_never_reads_a_real_file_of_the_machine(site):
    for kid in ("../" * 30 + "etc/hostname", "/etc/passwd", "../" * 30 + "proc/self/environ"):
        forged = forge({"alg": "HS256", "kid": kid}, ADMIN, b"")
        reply = ask(site, WHOAMI["kid"], forged)
        assert reply.status_code == 401 and "own folder" in reply.json()["reason"], kid


def test_kid_never_reads_the_sites_other_files(site):
    """The site's database and session files share the data directory: the lab's folder is the limit."""
    data_dir = keys.data_folder().parent
    assert any(data_dir.iterdir())
    for kid in ("../../default.sqlite3", "../../session-files", "../..", "../../"):
        forged = forge({"alg": "HS256", "kid": kid}, ADMIN, b"")
        reply = ask(site, WHOAMI["kid"], forged)
        assert reply.status_code == 401 and "own folder" in reply.json()["reason"], kid
    for kid in ("..", ".", "nothing-here", "a\x00b"):
        reply = ask(site, WHOAMI["kid"], forge({"alg": "HS256", "kid": kid}, ADMIN, b""))
        assert reply.status_code == 401, kid


def test_the_kid_endpoint_takes_its_own_key(site):
    key = (keys.key_folder() / keys.HMAC_KID).read_bytes()
    real = forge({"alg": "HS256", "kid": keys.HMAC_KID}, {"sub": "bob", "exp": 4_000_000_000}, key)
    assert ask(site, WHOAMI["kid"], real).json() == {"user": "bob", "admin": False, "verified_by": "kid"}


# -- 7: refresh-token reuse ---------------------------------------------------------------------------


def test_a_reused_refresh_token_works_on_the_vulnerable_endpoint(site):
    stolen = tokens_for(site)["refresh"]
    assert refresh(site, "/vulnerable/jwt/refresh/", stolen).status_code == 200  # alice rotates
    again = refresh(site, "/vulnerable/jwt/refresh/", stolen)  # the thief replays the old one
    assert again.status_code == 200
    assert ask(site, FIXED, again.json()["access"]).json()["user"] == "alice"


def test_a_reused_refresh_token_revokes_its_whole_family(site):
    stolen = tokens_for(site)["refresh"]
    rotated = refresh(site, "/jwt-lab/refresh/", stolen)
    assert rotated.status_code == 200
    current = rotated.json()["refresh"]
    replay = refresh(site, "/jwt-lab/refresh/", stolen)
    assert replay.status_code == 401 and "reused" in replay.json()["reason"]
    assert refresh(site, "/jwt-lab/refresh/", current).status_code == 401  # alice's own token is revoked too
    family = jwt.decode(stolen, options={"verify_signature": False})["fam"]

    def rows():
        from demo_site.jwt_lab.models import RefreshToken

        return list(RefreshToken.objects.filter(family=family).values_list("revoked", flat=True))

    assert site.orm(rows) == [True, True]


def test_an_access_token_is_not_a_refresh_token_and_back(site):
    pair = tokens_for(site)
    assert refresh(site, "/jwt-lab/refresh/", pair["access"]).status_code == 401
    assert ask(site, FIXED, pair["refresh"]).status_code == 401
    for url in ("/jwt-lab/refresh/", "/vulnerable/jwt/refresh/"):
        with site.client() as client:
            assert client.post(url, data={"username": "alice"}).status_code == 401
            assert (
                client.post(url, data=b"{not json", headers={"Content-Type": "application/json"}).status_code
                == 401
            )


# -- the claims: only the fixed API checks them ----------------------------------------------------------


def test_expired_tampered_wrong_audience_missing_and_garbage_never_give_a_500(site):
    pair = tokens_for(site)
    reports = tokens_for(site, audience="reports")["access"]
    head, body, sig = pair["access"].split(".")
    cases = {
        "valid": pair["access"],
        "tampered": f"{head}.{b64url(json.dumps(ADMIN).encode())}.{sig}",
        "wrong audience": reports,
        "refresh as access": pair["refresh"],
        "garbage": "not-a-token",
        "two parts": "a.b",
        "bad base64": "!!!.???.***",
        "json list": b64url(b"[1]") + "." + b64url(b"[2]") + ".",
        "huge": "a" * 20_000,
        "non-ascii": "é.é.é",
    }
    for name, path in WHOAMI.items():
        assert ask(site, path, None).status_code == 401, name
        assert ask(site, path, pair["access"], scheme="Basic").status_code == 401, name
        for label, token in cases.items():
            reply = ask(site, path, token)
            assert reply.status_code in (200, 401), (name, label, reply.status_code)
        with travel(3600):
            assert ask(site, path, pair["access"]).status_code in (200, 401), name
    assert ask(site, FIXED, reports).status_code == 401
    assert ask(site, WHOAMI["naive"], reports).status_code == 200  # the naive verifier checks no claim
    with travel(3600):
        assert ask(site, FIXED, pair["access"]).status_code == 401
        assert ask(site, WHOAMI["naive"], pair["access"]).status_code == 200
    with travel(-3600):  # before the token's nbf and iat
        assert "ImmatureSignature" in ask(site, FIXED, pair["access"]).json()["reason"]
