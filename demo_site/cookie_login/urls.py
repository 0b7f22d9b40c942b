"""Lesson 04's URLs: the classic cookie login (vulnerable on purpose) and the fixed one.

Included at the site root, so every route spells out its full prefix.
"""

from django.urls import path

from demo_site.cookie_login import classic, views

app_name = "cookie_login"
urlpatterns = [
    # Vulnerable on purpose: the classic notes' code, run as written.
    path("classic/cookie-login/login/", classic.login, name="classic_login"),
    path("classic/cookie-login/home/", classic.home, name="classic_home"),
    path("classic/cookie-login/class-list/", classic.class_list, name="classic_class_list"),
    # Vulnerable on purpose: what the notes meant (else restored), with its open redirect.
    path("classic/cookie-login/intended/login/", classic.login_intended, name="classic_intended_login"),
    path("classic/cookie-login/intended/home/", classic.home_intended, name="classic_intended_home"),
    # The fixed version.
    path("cookie-login/login/", views.login, name="login"),
    path("cookie-login/home/", views.home, name="home"),
    path("cookie-login/logout/", views.logout, name="logout"),
]
