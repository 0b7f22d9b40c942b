"""The embedded server's package: one job per module, a small public face, its state in one registry."""

import importlib
import pkgutil
import types

import course_helpers.server as server

PUBLIC = ["DemoSite", "running_demo_sites", "setup_django", "start_demo_site", "stop_all_demo_sites"]


def _modules() -> list[types.ModuleType]:
    return [server] + [
        importlib.import_module(f"{server.__name__}.{info.name}")
        for info in pkgutil.iter_modules(server.__path__)
    ]


def test_the_public_names_are_importable_from_the_package_and_from_course_helpers():
    import course_helpers

    for name in PUBLIC:
        assert hasattr(server, name), name
        if name != "setup_django":
            assert getattr(course_helpers, name) is getattr(server, name), name


def test_every_module_says_what_it_is_for():
    modules = _modules()
    assert {m.__name__.rsplit(".", 1)[-1] for m in modules} >= {
        "django_setup",
        "overrides",
        "wsgi_server",
        "sites",
    }
    for module in modules:
        assert module.__doc__ and len(module.__doc__.strip()) > 40, f"{module.__name__} needs a docstring"


def test_the_process_state_is_one_registry():
    # Module-level mutable state (a dict of sites, a counter, a flag) is what breaks when it is
    # scattered: all of it lives in the one Registry.
    mutable = (dict, list, set, bool, int, float)
    for module in _modules():
        for name, value in vars(module).items():
            if name.startswith("__") or isinstance(value, types.ModuleType) or name.isupper():
                continue
            assert not isinstance(value, mutable), (
                f"{module.__name__}.{name} is module state: keep it in the Registry"
            )
    assert isinstance(server.REGISTRY, server.Registry)
    assert server.running_demo_sites() == server.REGISTRY.running()
