"""Run the demo site standalone, for a real browser: ``python -m demo_site [--port 8000]``.

The site gets a fresh database (migrated, with the demo users) and a freshly
generated secret key, both gone when it stops. It listens on 127.0.0.1 only.
"""

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo_site", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_site.settings")
    os.environ["DEMO_SITE_STANDALONE"] = "1"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from demo_site.home.users import DEMO_USERS

    users = ", ".join(f"{name} / {password}" for name, password in DEMO_USERS.items())
    print(f"Demo site: http://127.0.0.1:{args.port}/  (Ctrl+C to stop)")
    print(f"Demo users: {users}")
    print("A secret key was generated for this run: it is for learning only.")
    sys.stdout.flush()
    call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False, skip_checks=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
