"""The anatomy of a Django signed value: readable payload, timestamp, signature, verdict.

A signed value is ``payload:timestamp:signature`` (``payload:signature``
without a timestamp). The payload is *not* encrypted: anyone can read it. The
signature is an HMAC-SHA256, so nobody without the secret key can change the
payload unnoticed. :func:`explain_signed_value` shows each part and asks
Django's own ``django.core.signing`` for the verdict.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

from course_helpers.display import Display, Sections, Table, describe_age, shorten

#: Salts Django itself uses, tried when a signature fails, to recognise a wrong salt.
KNOWN_SALTS = (
    "django.core.signing",
    "django.contrib.sessions.SessionStore",
    "django.contrib.sessions.backends.signed_cookies",
)

VERDICTS = {
    "valid": "valid: the signature matches and the value is unchanged",
    "expired": "expired: the signature matches, but the value is older than max_age (SignatureExpired)",
    "tampered": "tampered: the signature does not match (BadSignature): the value, the timestamp or the "
    "signature was changed, or it was signed with another key or salt",
    "wrong salt": "wrong salt: the signature is valid for another salt (BadSignature with this one)",
    "malformed": "not a signed value",
    "unchecked": "not checked: there is no secret key to check the signature with",
}


@dataclass(repr=False, eq=False)
class SignedValueExplanation(Display):
    """A signed value taken apart; ``verdict`` is one of the keys of :data:`VERDICTS`."""

    value: str
    kind: str = ""
    payload: str = ""
    data: Any = None
    timestamp: dt.datetime | None = None
    age_seconds: float | None = None
    signature: str = ""
    verdict: str = "malformed"
    detail: str = ""
    salt_used: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return self.verdict == "valid"

    def _view(self) -> Sections:
        if self.verdict == "malformed":
            return Sections(
                [("value", shorten(self.value, 100)), ("verdict", self.detail)], title="Signed value"
            )
        rows = [
            ("payload", shorten(self.payload, 50), f"readable by anyone: {shorten(_show(self.data), 60)}")
        ]
        if self.timestamp is not None:
            raw_ts = self.value.rsplit(":", 2)[1]
            rows.append(
                (
                    "timestamp",
                    raw_ts,
                    f"base62 for {int(self.timestamp.timestamp())} = "
                    f"{self.timestamp:%Y-%m-%d %H:%M:%S} UTC ({describe_age(-(self.age_seconds or 0))})",
                )
            )
        rows.append(
            (
                "signature",
                self.signature,
                "base64url of HMAC-SHA256(key from SECRET_KEY, salt + 'signer', everything before it)",
            )
        )
        table = Table(["part", "raw", "meaning"], rows)
        verdict = VERDICTS[self.verdict] + (f"\n{self.detail}" if self.detail else "")
        parts: list[tuple[str, Display | str]] = [("kind", self.kind), ("parts", table), ("verdict", verdict)]
        if self.notes:
            parts.append(("notes", "\n".join(self.notes)))
        return Sections(parts, title="Signed value")

    def text(self) -> str:
        return self._view().text()

    def html(self) -> str:
        return self._view().html()


def explain_signed_value(
    value: str,
    *,
    salt: str = "",
    max_age: float | dt.timedelta | None = None,
    key: str | None = None,
    cookie: str | None = None,
) -> SignedValueExplanation:
    """Take a Django signed value apart and check it with ``django.core.signing``.

    ``value`` comes from ``signing.dumps()``, a ``Signer``/``TimestampSigner``,
    or a cookie set by ``set_signed_cookie()``. For a signed cookie, pass its
    name as ``cookie`` (Django salts a cookie's signature with its name).
    ``salt`` is the salt it was signed with; empty means the default of the
    API that signed it. ``max_age`` (seconds or a timedelta) checks its age as
    ``loads()``/``get_signed_cookie()`` would. ``key`` is the secret key
    (default: ``settings.SECRET_KEY``).

    Never raises for a bad value: the verdict says what is wrong. Before any demo
    site has started (Django not configured yet), the parts are still taken apart
    (they need no key); with ``key=`` the signature is checked against that key, and
    without it the verdict is ``"unchecked"``, saying to start the demo site first
    or to pass ``key=``. It never configures Django itself.
    """
    from django.core import signing

    # Django's signers read SECRET_KEY_FALLBACKS from the settings unless told: before a site starts
    # there are none to read, so an explicit key is checked on its own.
    configured = _django_configured()
    fallback_keys = None if configured else []

    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        raise TypeError(f"explain_signed_value() takes the signed value as text, not {type(value).__name__}.")
    result = SignedValueExplanation(value=value)
    value = value.strip().strip('"')
    parts = value.rsplit(":", 2)
    if len(parts) < 2 or not all(parts[-2:]):
        result.detail = (
            "A Django signed value looks like value:timestamp:signature (or value:signature); "
            f"this one has {value.count(':')} ':' separator(s)."
        )
        return result

    timestamped = len(parts) == 3 and _b62(parts[1]) is not None
    result.signature = parts[-1]
    result.payload = parts[0] if timestamped else value.rsplit(":", 1)[0]
    if timestamped:
        seconds = _b62(parts[1])
        result.timestamp = dt.datetime.fromtimestamp(seconds, dt.UTC)
        result.age_seconds = time.time() - seconds

    decoded, compressed = _decode_object(result.payload)
    if cookie is not None:
        result.kind = (
            f"signed cookie {cookie!r} (set_signed_cookie: the salt mixes the cookie's name and salt)"
        )
        result.salt_used = salt
        result.data = result.payload

        def check(salt_: str) -> Any:
            return _unsign_cookie(value, cookie=cookie, salt=salt_, max_age=max_age, key=key)

        alternatives = [""]
    elif decoded is not _NOTHING and timestamped:
        result.kind = "signing.dumps() object" + (
            " (zlib-compressed, hence the leading '.')" if compressed else ""
        )
        result.salt_used = salt or "django.core.signing"
        result.data = decoded

        def check(salt_: str) -> Any:
            return signing.loads(value, key=key, salt=salt_, max_age=max_age, fallback_keys=fallback_keys)

        alternatives = list(KNOWN_SALTS)
    else:
        signer_class = signing.TimestampSigner if timestamped else signing.Signer
        result.kind = f"{signer_class.__name__} value"
        result.salt_used = salt
        result.data = result.payload

        def check(salt_: str) -> Any:
            signer = signer_class(key=key, salt=salt_, fallback_keys=fallback_keys)
            return signer.unsign(value, max_age=max_age) if timestamped else signer.unsign(value)

        alternatives = [""]

    if not configured and (key is None or cookie is not None):
        result.verdict = "unchecked"
        result.detail = (
            "Django is not configured yet, so there is no SECRET_KEY to check the signature with. "
            + (
                "Start the demo site first (site = start_demo_site()): a signed cookie's check also needs its settings."
                if cookie is not None
                else 'Start the demo site first (site = start_demo_site()), or give the key: key="...".'
            )
        )
        result.notes.append("Signed is not encrypted: the payload above was read without any key.")
        return result
    try:
        check(result.salt_used)
        result.verdict = "valid"
    except signing.SignatureExpired as exc:
        result.verdict = "expired"
        result.detail = f"Django says: {exc}"
    except signing.BadSignature as exc:
        result.verdict = "tampered"
        result.detail = f"Django says: {exc}"
        if cookie is None and result.kind.startswith("TimestampSigner"):
            result.detail += " (If it came from set_signed_cookie(), pass cookie='<its name>'.)"
        for other in alternatives:
            if other == result.salt_used:
                continue
            try:
                check(other)
            except signing.BadSignature:
                continue
            result.verdict = "wrong salt"
            result.detail = f"It verifies with salt {other!r}, not {result.salt_used!r}."
            break
    except Exception as exc:  # e.g. a payload that verifies but is not JSON
        result.verdict = "tampered"
        result.detail = f"Django could not read it: {type(exc).__name__}: {exc}"
    if result.verdict == "tampered" and result.kind == "TimestampSigner value":
        # A Signer value whose payload holds a ':' ("user:42:SIG") looks timestamped: try it as one.
        try:
            signing.Signer(key=key, salt=salt, fallback_keys=fallback_keys).unsign(value)
        except signing.BadSignature:
            pass
        else:
            result.kind, result.verdict, result.detail = "Signer value", "valid", ""
            result.payload = result.data = value.rsplit(":", 1)[0]
            result.timestamp = result.age_seconds = None
    result.notes.append("Signed is not encrypted: the payload above was read without any key.")
    return result


_NOTHING = object()


def _django_configured() -> bool:
    """Whether Django's settings can be read (a demo site started, or settings configured by hand)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.SECRET_KEY  # noqa: B018 - reading it is the test
    except ImproperlyConfigured:
        return False
    return True


def _unsign_cookie(value: str, *, cookie: str, salt: str, max_age: Any, key: Any = None) -> str:
    """Verify a signed cookie exactly as ``HttpRequest.get_signed_cookie`` does (with ``key``, under that key)."""
    from django.core import signing

    if key is None:
        # Django 5.2.15+: the per-cookie salt, with the legacy one as a fallback while it is allowed.
        return signing._unsign_cookie(value, cookie_name=cookie, salt=salt, max_age=max_age)
    # The same two salts, under the given key instead of the settings' SECRET_KEY (and no fallbacks).
    cookie_key = signing._cookie_signer_key(key)
    try:
        return signing.TimestampSigner(
            key=cookie_key, salt=signing._cookie_signer_salt(cookie, salt), fallback_keys=[]
        ).unsign(value, max_age=max_age)
    except signing.SignatureExpired:
        raise
    except signing.BadSignature:
        return signing.TimestampSigner(
            key=cookie_key, salt=signing._cookie_signer_legacy_salt(cookie, salt), fallback_keys=[]
        ).unsign(value, max_age=max_age)


def _b62(text: str) -> int | None:
    from django.core.signing import b62_decode

    if not text or not text.isascii() or not text.isalnum() or len(text) > 12:
        return None
    return b62_decode(text)


def _decode_object(payload: str) -> tuple[Any, bool]:
    """Decode a ``signing.dumps`` payload (base64 JSON, maybe zlib): anyone can, no key needed."""
    from django.core.signing import b64_decode

    compressed = payload.startswith(".")
    raw = payload[1:] if compressed else payload
    try:
        data = b64_decode(raw.encode("ascii"))
        if compressed:
            data = zlib.decompress(data)
        return json.loads(data.decode("utf-8")), compressed
    except Exception:
        return _NOTHING, compressed


def _show(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False) if not isinstance(data, str) else repr(data)
