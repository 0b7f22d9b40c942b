"""Lesson 05's URLs. Included at the site root, so every route spells out its full prefix."""

from django.urls import path

from demo_site.session_basics import views

app_name = "session_basics"
urlpatterns = [
    path("session-basics/", views.show, name="show"),
    path("session-basics/remember/", views.remember, name="remember"),
    path("session-basics/dict-api/", views.dict_api, name="dict_api"),
    path("session-basics/cart/unsaved/", views.cart_unsaved, name="cart_unsaved"),
    path("session-basics/cart/saved/", views.cart_saved, name="cart_saved"),
    path("session-basics/scores/", views.scores, name="scores"),
]
