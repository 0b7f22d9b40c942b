"""Lesson 07's URLs. Included at the site root, so every route spells out its full prefix."""

from django.urls import path

from demo_site.ending import views, vulnerable

app_name = "ending"
urlpatterns = [
    path("ending/", views.playground, name="playground"),
    path("ending/do/<slug:op>/", views.do, name="do"),
    path("ending/password/", views.password, name="password"),
    path("ending/sessions/", views.sessions, name="sessions"),
    path("ending/sessions/end/", views.end_session, name="end_session"),
    path("ending/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    # Vulnerable on purpose: a login without cycle_key() (session fixation), a logout without flush().
    path("vulnerable/ending/login/", vulnerable.login, name="vulnerable_login"),
    path("vulnerable/ending/logout/", vulnerable.logout, name="vulnerable_logout"),
]
