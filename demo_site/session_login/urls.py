"""Lesson 08's URLs: the classic session login (vulnerable on purpose) and the fixed one.

Included at the site root, so every route spells out its full prefix.
"""

from django.urls import path

from demo_site.session_login import classic, views

app_name = "session_login"
urlpatterns = [
    # Vulnerable on purpose: the classic notes' code, run as written.
    path("classic/session-login/login/", classic.login, name="classic_login"),
    path("classic/session-login/logout/", classic.logout, name="classic_logout"),
    path("classic/session-login/index/", classic.index, name="classic_index"),
    # The fixed version, with Django's own authenticate(), login(), logout() and login_required.
    path("session-login/login/", views.login, name="login"),
    path("session-login/logout/", views.logout, name="logout"),
    path("session-login/index/", views.index, name="index"),
]
