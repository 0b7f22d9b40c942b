"""Lesson 10's URLs. Included at the site root, so every route spells out its full prefix."""

from django.urls import path

from demo_site.tokens import views

app_name = "tokens"
urlpatterns = [
    # Named "obtain", not "...login": it is an API, not a login form (the security suite looks for forms by name).
    path("tokens/login/", views.obtain, name="obtain"),
    path("tokens/me/", views.me, name="me"),
    path("tokens/claims/", views.claims, name="claims"),
    path("tokens/refresh/", views.refresh, name="refresh"),
    path("tokens/logout/", views.logout, name="logout"),
    path("tokens/.well-known/jwks.json", views.jwks, name="jwks"),
]
