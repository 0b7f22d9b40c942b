from django.urls import path

from demo_site.security_lab import views, vulnerable

app_name = "security_lab"
urlpatterns = [
    path("security-lab/samesite/set/", views.set_samesite_cookies, name="samesite_set"),
    path("security-lab/landing/", views.landing, name="landing"),
    path("security-lab/account/", views.account, name="account"),
    path("security-lab/transfer/", views.transfer, name="transfer"),
    path("security-lab/prefixes/", views.prefixes, name="prefixes"),
    path("vulnerable/security-lab/search/", vulnerable.search, name="search"),
    path("vulnerable/security-lab/collect/", vulnerable.collect, name="collect"),
    path("vulnerable/security-lab/transfer/", vulnerable.transfer_on_get, name="transfer_on_get"),
    path("vulnerable/security-lab/attacker/", vulnerable.attacker, name="attacker"),
    path("vulnerable/security-lab/weak/login/", vulnerable.weak_login, name="weak_login"),
    path("vulnerable/security-lab/weak/whoami/", vulnerable.weak_whoami, name="weak_whoami"),
]
