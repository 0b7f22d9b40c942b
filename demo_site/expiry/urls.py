"""Lesson 06's URLs. Included at the site root, so every route spells out its full prefix."""

from django.urls import path

from demo_site.expiry import views

app_name = "expiry"
urlpatterns = [
    path("expiry/set/", views.set_expiry, name="set"),
    path("expiry/status/", views.status, name="status"),
    path("expiry/visit/", views.visit, name="visit"),
]
