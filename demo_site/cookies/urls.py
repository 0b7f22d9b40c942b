"""URLs of lesson 02 (Cookies in Django), mounted at /cookies/."""

from django.urls import path

from demo_site.cookies import views

app_name = "cookies"
urlpatterns = [
    path("read/", views.read, name="read"),
    path("plain/", views.plain, name="plain"),
    path("rendered/", views.rendered, name="rendered"),
    path("redirected/", views.redirected, name="redirected"),
    path("max-age/", views.max_age_seconds, name="max_age"),
    path("max-age/timedelta/", views.max_age_timedelta, name="max_age_timedelta"),
    path("expires/datetime/", views.expires_datetime, name="expires_datetime"),
    path("expires/string/", views.expires_string, name="expires_string"),
    path("max-age-and-expires/", views.max_age_and_expires, name="max_age_and_expires"),
    path("shop/add/", views.shop_add, name="shop_add"),
    path("shop/", views.shop, name="shop"),
    path("shop/cart/", views.shop_cart, name="shop_cart"),
    path("shopping/", views.shopping, name="shopping"),
    path("domains/", views.domains, name="domains"),
    path("secure/", views.secure, name="secure"),
    path("httponly/", views.httponly, name="httponly"),
    path("samesite/", views.samesite, name="samesite"),
    path("set/", views.lab, name="lab"),
    path("delete/", views.delete, name="delete"),
    path("big/", views.big, name="big"),
    path("test-cookie/", views.test_cookie, name="test_cookie"),
    path("test-cookie/check/", views.test_cookie_check, name="test_cookie_check"),
]
