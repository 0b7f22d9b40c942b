"""The demo site, embedded in the Jupyter kernel.

``site = start_demo_site()`` serves the demo site on ``127.0.0.1`` and a free
port; ``site.client()``, ``site.sessions()``, ``site.orm()`` and
``site.log()`` are what lessons use. One module per job:

* :mod:`~course_helpers.server.django_setup`: Django configured once, and the template database;
* :mod:`~course_helpers.server.overrides`: settings overrides, checked, applied and released;
* :mod:`~course_helpers.server.wsgi_server`: the threaded WSGI server and its request handler;
* :mod:`~course_helpers.server.sites`: :class:`DemoSite` and the registry of running sites.

Where each session engine keeps its sessions is :mod:`course_helpers.session_engines`.
"""

from course_helpers.server.django_setup import setup_django
from course_helpers.server.sites import (
    REGISTRY,
    DemoSite,
    Registry,
    running_demo_sites,
    start_demo_site,
    stop_all_demo_sites,
)

__all__ = [
    "REGISTRY",
    "DemoSite",
    "Registry",
    "running_demo_sites",
    "setup_django",
    "start_demo_site",
    "stop_all_demo_sites",
]
