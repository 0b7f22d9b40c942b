"""Lesson 11's URLs: the vulnerable verifiers under /vulnerable/jwt/ and the fixed API under /jwt-lab/.

Included at the site root, so every route spells out its full prefix.
"""

from django.urls import path

from demo_site.jwt_lab import views, vulnerable

app_name = "jwt_lab"
urlpatterns = [
    # Vulnerable on purpose: each trusts forged tokens in one classic way.
    path("vulnerable/jwt/decode-only/whoami/", vulnerable.decode_only_whoami, name="vulnerable_decode_only"),
    path("vulnerable/jwt/naive/whoami/", vulnerable.naive_whoami, name="vulnerable_naive"),
    path(
        "vulnerable/jwt/weak-secret/token/", vulnerable.weak_secret_token, name="vulnerable_weak_secret_token"
    ),
    path("vulnerable/jwt/weak-secret/whoami/", vulnerable.weak_secret_whoami, name="vulnerable_weak_secret"),
    path("vulnerable/jwt/header-key/whoami/", vulnerable.header_key_whoami, name="vulnerable_header_key"),
    path("vulnerable/jwt/kid/whoami/", vulnerable.kid_whoami, name="vulnerable_kid"),
    path("vulnerable/jwt/refresh/", vulnerable.refresh, name="vulnerable_refresh"),
    # The fixed API.
    path("jwt-lab/token/", views.token, name="token"),
    path("jwt-lab/whoami/", views.whoami, name="whoami"),
    path("jwt-lab/refresh/", views.refresh, name="refresh"),
    path("jwt-lab/jwks.json", views.jwks, name="jwks"),
    path("jwt-lab/public-key.pem", views.public_key_pem, name="public_key_pem"),
]
