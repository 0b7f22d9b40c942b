"""Send each embedded site's queries to its own database.

Django's settings are global to a process, but a lesson may run two demo sites
side by side (two "app servers" behind a balancer, say), each with a store of
its own. The embedded server registers one database alias per site and sets
``current_alias`` in every thread that serves that site (request threads and
``DemoSite.orm()`` calls); this router sends queries there. Outside a site,
Django's usual ``default`` database is used.
"""

from contextvars import ContextVar

current_alias: ContextVar[str | None] = ContextVar("demo_site_db_alias", default=None)


class SiteRouter:
    """Route every model of the demo site to the database of the current site."""

    def db_for_read(self, model, **hints):
        return current_alias.get()

    def db_for_write(self, model, **hints):
        return current_alias.get()

    def allow_relation(self, obj1, obj2, **hints):
        return obj1._state.db == obj2._state.db

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return True
