"""Settings of the course's demo site.

The same settings serve two ways of running the site:

* embedded in a Jupyter kernel by ``course_helpers.start_demo_site()``, which
  gives every site its own SQLite file (see ``demo_site.routers``);
* standalone for a real browser, with ``python -m demo_site``.

Secure by default: the session and CSRF cookies are HttpOnly (CSRF excepted,
see below) and ``SameSite=Lax``; only views that exist to show a vulnerability
break the rules, and they live under URLs that say so (``/classic/...``,
``/vulnerable/...``).

The secret key is generated afresh for every process unless
``DEMO_SITE_SECRET_KEY`` is set. It is for learning only: never reuse it.
"""

import os
from pathlib import Path

from django.core.management.utils import get_random_secret_key

from demo_site import datadir

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = os.environ.get("DEMO_SITE_SECRET_KEY") or get_random_secret_key()

# The demo site only ever listens on the loopback interface. DEBUG stays off so
# that a learner sees the same pages (and the same 404/500 behaviour) as in
# production; set DEMO_SITE_DEBUG=1 to get Django's debug pages while hacking.
DEBUG = os.environ.get("DEMO_SITE_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", ".test"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "demo_site.home",
    "demo_site.accounts",
    "demo_site.basics",
    "demo_site.cookies",
    "demo_site.signed",
    "demo_site.cookie_login",
    "demo_site.session_basics",
    "demo_site.expiry",
    "demo_site.ending",
    "demo_site.session_login",
    "demo_site.session_stores",
    "demo_site.jwt_lab",
    "demo_site.tokens",
    "demo_site.security_lab",
    "demo_site.capstone",
]

MIDDLEWARE = [
    # First, so that it sees every cookie the others add: pages that echo cookies hide HttpOnly ones.
    "demo_site.httponly.RememberHttpOnlyCookies",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Lesson 06: an absolute session timeout; does nothing unless DEMO_SITE_ABSOLUTE_SESSION_AGE is set.
    "demo_site.expiry.middleware.AbsoluteSessionTimeout",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Lesson 07: keeps "last seen" of the session index, at most one write per session every 5 minutes.
    "demo_site.ending.middleware.LastSeen",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "demo_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "demo_site.wsgi.application"

# One database per process: parallel kernels (and parallel test workers) never
# share a SQLite file. The embedded server adds one more alias per running site
# and routes each site's queries to it (demo_site.routers).
_DATA_DIR = os.environ.get("DEMO_SITE_DATA_DIR") or datadir.create()
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DEMO_SITE_DB") or str(Path(_DATA_DIR) / "default.sqlite3"),
        # A request thread keeps its connection while its client's connection is open
        # (the server closes it when the client goes): no reconnect on every request.
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            # A throwaway teaching database: no fsync on commit. A session write then
            # costs about a millisecond instead of several. (A real site keeps the default.)
            "init_command": "PRAGMA synchronous=OFF",
            # A transaction takes the write lock when it begins: two requests writing at once then wait
            # for each other (up to the timeout) instead of one failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
        },
    }
}
DATABASE_ROUTERS = ["demo_site.routers.SiteRouter"]
#: Where this process keeps its databases and session files (not a Django setting).
DEMO_SITE_DATA_DIR = _DATA_DIR
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": f"demo-site-{os.getpid()}",
    }
}

# Passwords: Django's PBKDF2 with fewer iterations, so that a login costs
# milliseconds in lessons and tests instead of half a second. A real site keeps
# Django's default list; hashes made by either are accepted here.
PASSWORD_HASHERS = [
    "demo_site.hashers.CoursePBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "/accounts/login/"
# A login lands on a page a person can read; notebooks ask /accounts/whoami/ (JSON) themselves.
LOGIN_REDIRECT_URL = "/accounts/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Sessions and cookies: Django's defaults, spelled out so a lesson can point at
# them. The secure-by-default choices that differ from Django's are marked.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "sessionid"
SESSION_COOKIE_AGE = 1209600  # two weeks, in seconds
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False  # the demo site speaks plain http on loopback
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_SAVE_EVERY_REQUEST = False
SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"
#: Lesson 06: end every session this many seconds after it started, however active (None: off).
DEMO_SITE_ABSOLUTE_SESSION_AGE = None
SESSION_FILE_PATH = str(Path(_DATA_DIR) / "session-files")  # the file engine needs it to exist
os.makedirs(SESSION_FILE_PATH, exist_ok=True)

# The CSRF cookie stays readable by JavaScript on purpose (Django's default):
# a page's script must be able to send it back in a header.
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_USE_SESSIONS = False

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-us"
# Django's default would set TZ=America/Chicago for the whole kernel.
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# Nothing from the server may print into a notebook cell: request lines and
# "Not Found" warnings would land in whichever cell runs next and break nbval.
# They go to an in-memory log instead, which ``DemoSite.log()`` shows.
# Standalone (python -m demo_site), the same records also go to the terminal.
_LOG_HANDLERS = ["memory", "console"] if os.environ.get("DEMO_SITE_STANDALONE") else ["memory"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "memory": {"class": "demo_site.logs.MemoryHandler"},
        "console": {"class": "logging.StreamHandler"},
    },
    "loggers": {
        name: {"handlers": _LOG_HANDLERS, "level": "INFO", "propagate": False}
        for name in ("django.server", "django.request", "django.security", "demo_site")
    },
}
