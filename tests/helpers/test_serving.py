"""serve_view(): a notebook's own view, served by the running site for the length of a block."""

from __future__ import annotations

import pytest
import requests
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from course_helpers import CourseError, serve_view


def test_a_view_is_served_only_while_the_block_runs(site, client):
    def hello(request):
        return HttpResponse(f"hello {request.GET.get('name', 'you')}")

    with serve_view(hello) as served:
        assert client.get(served.path, params={"name": "Ada"}).text == "hello Ada"
        assert str(served) == served.path and served.path.startswith("/exercise/")
    assert requests.get(site.url + served.path, timeout=5).status_code == 404


def test_several_views_and_their_paths(client):
    routes = {"": lambda request: HttpResponse("home"), "login/": lambda request: HttpResponse("login")}
    with serve_view(routes) as served:
        assert client.get(served.path).text == "home"
        assert client.get(served.path_of("login/")).text == "login"
        assert client.get(served.path_of("elsewhere/")).status_code == 404


def test_served_views_are_csrf_protected_unless_exempt(client):
    def accept(request):
        return HttpResponse("accepted")

    with serve_view({"": accept, "open/": csrf_exempt(accept)}) as served:
        assert client.post(served.path).status_code == 403
        assert client.post(served.path_of("open/")).text == "accepted"


def test_what_a_view_raises_is_kept_and_the_site_answers_500(client):
    def broken(request):
        raise RuntimeError("the view broke")

    with serve_view(broken) as served:
        assert client.get(served.path).status_code == 500
        assert [str(error) for error in served.errors] == ["the view broke"]


@pytest.mark.parametrize("bad", ["not a view", {"": 42}, {3: lambda request: None}])
def test_not_a_view_is_a_course_error(bad):
    with pytest.raises(CourseError, match="serve_view\\(\\) takes a view function"), serve_view(bad):
        pass
