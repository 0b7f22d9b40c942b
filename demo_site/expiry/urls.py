"""Lesson 06's URLs. Included at the site root, so every route spells out its full prefix."""

from django.urls import path  # noqa: F401

app_name = "expiry"
urlpatterns: list = []
