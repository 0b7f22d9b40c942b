"""Settings overrides of the demo sites: checked before anything changes, applied for the whole kernel.

Django's settings are per process, so every site running in a kernel shares
one set of overrides. :func:`validate_overrides` refuses a misspelled
setting, a value of the wrong type, a session engine that does not exist or a
setting the embedded server owns, with a message a learner can act on.
:class:`SettingsOverrides` applies one set (with Django's
``override_settings``) and releases it.
"""

from __future__ import annotations

import difflib
import importlib
from typing import Any

from course_helpers.errors import DemoSiteError

#: Settings a lesson may not override: the embedded server owns them.
SERVER_OWNED_SETTINGS = {
    "DATABASES": "each site gets its own database; use site.orm() to reach it",
    "DATABASE_ROUTERS": "the embedded server routes each site to its own database",
    "INSTALLED_APPS": "the database template is migrated for the demo site's apps",
    "LOGGING": "server threads must not print into notebook cells",
    "DEMO_SITE_DATA_DIR": "the data directory is chosen once per kernel",
}


def validate_overrides(overrides: dict[str, Any]) -> None:
    """Raise :class:`DemoSiteError` unless every override names a setting and has a value of its type.

    Django must be configured. Nothing is changed, so a typo in a re-run cell
    costs nothing (the site already running keeps running).
    """
    from django.conf import global_settings, settings

    known = {name for name in dir(global_settings) if name.isupper()}
    known |= {name for name in dir(settings._wrapped) if name.isupper()}
    for name, value in overrides.items():
        if name in SERVER_OWNED_SETTINGS:
            raise DemoSiteError(f"The setting {name} cannot be overridden: {SERVER_OWNED_SETTINGS[name]}.")
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" Did you mean {close[0]}?" if close else ""
            raise DemoSiteError(f"{name} is not a Django setting.{hint}")
        current = getattr(settings, name)
        kinds = (bool,) if isinstance(current, bool) else (type(current),)
        if isinstance(current, (int, float)) and not isinstance(current, bool):
            kinds = (int, float)
        if current is not None and value is not None and not isinstance(value, kinds):
            raise DemoSiteError(
                f"{name} should be of type {type(current).__name__}, like {current!r}, "
                f"not {type(value).__name__} {value!r}."
            )
        if name == "SESSION_ENGINE":
            _check_session_engine(value)


def _check_session_engine(value: str) -> None:
    from course_helpers.session_engines import store_paths

    try:
        importlib.import_module(value).SessionStore  # noqa: B018
    except (ImportError, AttributeError) as exc:
        engines = ", ".join(f"'{path}'" for path in store_paths())
        raise DemoSiteError(
            f"SESSION_ENGINE={value!r} is not a session engine ({exc}). Django ships {engines}."
        ) from exc


class SettingsOverrides:
    """The overrides in force in this process: at most one set at a time.

    ``active`` is the set applied (``{}``: none). Applying a set equal to the
    active one does nothing; applying another releases the old one first.
    """

    def __init__(self) -> None:
        self.active: dict[str, Any] = {}
        self._changer: Any = None  # django.test.utils.override_settings, once enabled

    def apply(self, overrides: dict[str, Any]) -> None:
        """Make ``overrides`` the process's settings (checked first by :func:`validate_overrides`)."""
        if overrides == self.active:
            return
        self.release()
        if overrides:
            from django.test.utils import override_settings  # imports django.test: only when needed

            changer = override_settings(**overrides)
            changer.enable()
            self.active, self._changer = dict(overrides), changer

    def release(self) -> None:
        """Go back to the settings module's values; releasing nothing does nothing."""
        if self._changer is not None:
            self._changer.disable()
        self.active, self._changer = {}, None
