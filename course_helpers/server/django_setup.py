"""Django inside the kernel: configure it once, and keep a migrated template database.

:func:`setup_django` configures Django for the demo site (once per process,
refusing clearly when the kernel already has other settings).
:func:`prepare_template` migrates the ``default`` database once, or copies a
cached copy of it, so that every site starts from a copy of a migrated file.
:func:`in_worker_thread` runs ORM code outside the kernel's event loop.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from course_helpers.errors import DemoSiteError

T = TypeVar("T")

#: The settings module of the demo site.
SETTINGS_MODULE = "demo_site.settings"


def setup_django() -> None:
    """Configure Django for the demo site, once per process; calling it again does nothing.

    Raises :class:`DemoSiteError` when the kernel's ``DJANGO_SETTINGS_MODULE``
    or already configured settings are another project's, when Django is not
    installed, or when ``django.setup()`` fails.
    """
    wanted = SETTINGS_MODULE
    current = os.environ.get("DJANGO_SETTINGS_MODULE")
    if current and current != wanted:
        raise DemoSiteError(
            f"DJANGO_SETTINGS_MODULE is set to {current!r} in this kernel, but the "
            f"demo site needs {wanted!r}. Unset it (or restart the kernel) and try again."
        )
    try:
        import django
        from django.conf import UserSettingsHolder, settings
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise DemoSiteError(
            "Django is not installed in this kernel's environment. Start the course "
            "with `make lab`, or run `pip install -e .` in the course folder."
        ) from exc
    os.environ["DJANGO_SETTINGS_MODULE"] = wanted
    if settings.configured:
        # Look through override_settings layers (a site's overrides are one):
        # their UserSettingsHolder reports SETTINGS_MODULE = None.
        holder = settings._wrapped
        while isinstance(holder, UserSettingsHolder):
            holder = holder.default_settings
        configured = getattr(holder, "SETTINGS_MODULE", None)
        if configured != wanted:
            raise DemoSiteError(
                "Django is already configured in this kernel with other settings "
                f"({configured!r}). Restart the kernel to use the demo site."
            )
    from django.apps import apps

    # Only once: django.setup() again would re-run the logging config, Django's defaults first, and a
    # server thread logging a request at that moment would print it into a notebook cell.
    if not apps.ready:
        try:
            django.setup()
        except Exception as exc:
            raise DemoSiteError(f"Django could not start: {exc}") from exc


def prepare_template() -> None:
    """Make the ``default`` database a migrated template; every site starts from a copy.

    Migrating costs a few hundred milliseconds, so the migrated file is also
    kept in a cache folder, named after everything that shapes it (Django's
    version, the installed apps, every migration file, the password hasher).
    The next kernel copies it instead of migrating again. Raises
    :class:`DemoSiteError` when the database cannot be created.
    """
    from django.core.management import call_command
    from django.db import connections

    target = Path(connections.settings["default"]["NAME"])
    cached = template_cache_file()
    if cached is not None and cached.exists():
        try:
            shutil.copyfile(cached, target)
        except OSError:
            pass  # migrate instead
        else:
            return

    def migrate() -> None:
        call_command("migrate", verbosity=0, interactive=False)
        connections["default"].close()

    try:
        in_worker_thread(migrate)
    except Exception as exc:
        raise DemoSiteError(f"The demo site's database could not be created in {target}: {exc}") from exc
    if cached is not None:
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f"{cached.name}.{os.getpid()}.partial")
            shutil.copyfile(target, partial)
            os.replace(partial, cached)  # atomic: parallel kernels never see half a file


def template_cache_file() -> Path | None:
    """Where the migrated template for these exact migrations is cached (``None``: no cache).

    ``DEMO_SITE_CACHE_DIR`` chooses the folder (empty: no cache); the default
    is ``$XDG_CACHE_HOME/web-remembers-course`` or ``~/.cache/web-remembers-course``.
    """
    import django
    from django.apps import apps
    from django.conf import settings

    folder = os.environ.get("DEMO_SITE_CACHE_DIR")
    if folder == "":
        return None
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = str(Path(base) / "web-remembers-course")
    digest = hashlib.sha256()
    digest.update(django.get_version().encode())
    digest.update(repr(settings.INSTALLED_APPS).encode())
    digest.update(repr(settings.PASSWORD_HASHERS[:1]).encode())
    for config in apps.get_app_configs():
        migrations = Path(config.path) / "migrations"
        for file in sorted(migrations.glob("*.py")) if migrations.is_dir() else []:
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return Path(folder) / f"template-{digest.hexdigest()[:16]}.sqlite3"


def in_worker_thread(fn: Callable[..., T], *args: Any, alias: str | None = None, **kwargs: Any) -> T:
    """Run ``fn`` in a fresh thread (outside the kernel's event loop) and return its result.

    ``alias`` routes the thread's queries to that database (``None``: the
    default). Exceptions raised by ``fn`` are raised again in the caller. The
    thread's database connections are closed before it ends.
    """
    from django.db import connections

    from demo_site.routers import current_alias

    outcome: dict[str, Any] = {}

    def target() -> None:
        current_alias.set(alias)
        try:
            outcome["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # re-raised in the caller
            outcome["error"] = exc
        finally:
            connections.close_all()

    worker = threading.Thread(target=target, name="demo-site-orm", daemon=True)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
