"""Every URL of the demo site; the front page lists them all with their purpose."""

from django.urls import include, path, re_path

from demo_site import exercise_slots
from demo_site.home import views as home

urlpatterns = [
    path("", home.index, name="index"),
    path("accounts/", include("demo_site.accounts.urls")),
    path("", include("demo_site.basics.urls")),
    path("cookies/", include("demo_site.cookies.urls")),
    path("signed/", include("demo_site.signed.urls")),
    # The cookie-login app serves /cookie-login/ (fixed) and /classic/cookie-login/ (vulnerable on purpose).
    path("", include("demo_site.cookie_login.urls")),
    # Part 2 · Sessions: each app spells out its full prefixes (/classic/... and /vulnerable/... included).
    path("", include("demo_site.session_basics.urls")),
    path("", include("demo_site.expiry.urls")),
    path("", include("demo_site.ending.urls")),
    path("", include("demo_site.session_login.urls")),
    path("", include("demo_site.session_stores.urls")),
    path("", include("demo_site.tokens.urls")),
    path("", include("demo_site.security_lab.urls")),
    path("", include("demo_site.jwt_lab.urls")),
    path("", include("demo_site.capstone.urls")),
    re_path(r"^exercise/(?P<slot>[\w-]+)/(?P<rest>.*)$", exercise_slots.dispatch, name="exercise_slot"),
]
