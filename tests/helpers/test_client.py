"""The demo site's client: paths relative to the site, recorded traffic, and logging in as a browser does."""

from __future__ import annotations

import pytest

from course_helpers import CourseError, DemoClient, find_cookie, set_cookie_headers


def test_log_in_fills_the_form_with_its_csrf_token_and_follows_the_redirect(client):
    response = client.log_in("bob", next="/accounts/whoami/")
    assert response.json() == {"authenticated": True, "username": "bob"}
    get_form, post, landing = list(client.trace)
    assert (get_form.method, get_form.path, get_form.status) == ("GET", "/accounts/login/", 200)
    assert (post.method, post.path, post.status) == ("POST", "/accounts/login/", 302)
    assert (landing.method, landing.path) == ("GET", "/accounts/whoami/")
    # the token posted is the form's hidden field, the one a browser sends
    assert "csrfmiddlewaretoken=" in response.history[0].request.body
    assert find_cookie(client, "sessionid") is not None


def test_log_in_without_following_returns_the_302_and_its_cookies(client):
    reply = client.log_in("alice", allow_redirects=False)
    assert reply.status_code == 302
    assert [h.split("=", 1)[0] for h in set_cookie_headers(reply)] == ["csrftoken", "sessionid"]


def test_log_in_with_next_in_the_query_keeps_it_in_both_requests(client):
    response = client.log_in("alice", next="/accounts/whoami/", next_in="query")
    assert response.json()["username"] == "alice"
    assert [ex.path for ex in client.trace][:2] == ["/accounts/login/?next=/accounts/whoami/"] * 2


def test_log_in_works_with_another_login_form(client):
    reply = client.log_in("bob", url="/cookie-login/login/", allow_redirects=False)
    assert reply.status_code == 302 and find_cookie(client, "login_user") is not None


def test_wrong_password_shows_the_form_again(client):
    reply = client.log_in("alice", "not her password")
    assert reply.status_code == 200 and find_cookie(client, "sessionid") is None


def test_log_out_posts_the_token_and_ends_the_session(site, client):
    client.log_in("alice")
    key = find_cookie(client, "sessionid").value
    reply = client.log_out(allow_redirects=False)
    assert reply.status_code == 302 and find_cookie(client, "sessionid") is None
    assert key not in site.sessions().keys()
    assert client.trace[-1].method == "POST"


def test_csrf_token_is_the_jar_cookie_or_none(client):
    assert client.csrf_token is None
    client.get("/accounts/login/")
    assert client.csrf_token == find_cookie(client, "csrftoken").value


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"username": "mallory"}, "'mallory' is not a demo user"),
        ({"url": "/counter/"}, "without a login form"),
        ({"next_in": "body"}, "next_in is 'form' or 'query'"),
    ],
)
def test_log_in_mistakes_are_course_errors(client, kwargs, message):
    with pytest.raises(CourseError, match=message):
        client.log_in(**kwargs)


def test_paths_are_relative_to_the_site_and_repr(site):
    client = DemoClient(site.url)
    try:
        assert client.get("/counter/").status_code == 200
        assert client.trace[-1].url == f"{site.url}/counter/"
        assert repr(client) == f"<DemoClient for {site.url} with 1 cookie(s)>"
    finally:
        client.close()


def test_post_form_sends_the_csrf_token_a_form_would(client):
    refused = client.post("/ending/do/set/", allow_redirects=False)
    assert refused.status_code == 403  # no token: Django's CSRF check refuses it
    reply = client.post_form("/ending/do/set/", allow_redirects=False)
    assert reply.status_code == 200
    assert [ex.method for ex in client.trace] == ["POST", "GET", "POST"]  # the token came from a real page
    assert reply.request.body == f"csrfmiddlewaretoken={client.csrf_token}"
    with_fields = client.post_form("/session-basics/remember/", {"colour": "blue"}, allow_redirects=False)
    assert with_fields.status_code == 200 and with_fields.request.body.startswith("colour=blue&")
