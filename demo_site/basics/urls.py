from django.urls import path

from demo_site.basics import views

app_name = "basics"
urlpatterns = [
    path("counter/", views.cookie_counter, name="cookie_counter"),
    path("session/counter/", views.session_counter, name="session_counter"),
    path("echo/", views.echo, name="echo"),
    path("forgetful/counter/", views.forgetful_counter, name="forgetful_counter"),
    path("everyone/counter/", views.everyone_counter, name="everyone_counter"),
    path("hello/", views.hello, name="hello"),
    path("shop/", views.shop, name="shop"),
    path("shop/<slug:aisle>/", views.shop, name="shop_aisle"),
]
