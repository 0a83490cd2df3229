"""The ``allied`` command: demo, serve, worker, seed, token, bench, match, and Django's commands."""

import os
import sys


def _setup(default_settings: str = "allied.config.settings") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings)
    import django

    django.setup()


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["match"]:  # file work with the matching engine: no database, no Django setup
        from .match import main as match_main

        raise SystemExit(match_main(argv[1:]))
    if argv[:2] == ["mapping", "private"]:  # the partner's side of private mapping: an API client, no Django either
        from .private import main as private_main

        raise SystemExit(private_main(argv[2:]))
    _setup()
    from django.core.management import execute_from_command_line

    # Every Allied verb is a management command of allied.web, so `allied X` == `manage.py X`.
    execute_from_command_line(["allied", *argv] if argv else ["allied", "help"])


if __name__ == "__main__":
    main()
