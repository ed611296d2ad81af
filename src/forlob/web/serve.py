"""`forlob serve`: migrate, create the demo data when asked, collect static files, and run
the app under gunicorn (a production server; whitenoise serves the static files)."""

from __future__ import annotations

import os
import sys
from typing import Any


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forlob.web.settings")
    import django

    django.setup()


def prepare(verbose: bool = True) -> None:
    """Apply migrations, create the demo data on an empty demo database, collect statics."""
    from django.conf import settings
    from django.core.management import call_command

    from forlob.web.models import Clinic

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    if settings.DEMO and not Clinic.objects.exists():
        from forlob.web.demo import create_demo_data

        create_demo_data()
        if verbose:
            sys.stderr.write("forlob: demo data created (logins in the README)\n")
    elif not Clinic.objects.exists() and verbose:
        sys.stderr.write(
            "forlob: the database has no clinic yet; create one with "
            "`forlob manage forlob_create_clinic`\n"
        )
    call_command("collectstatic", interactive=False, verbosity=0)


def run_gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    class _App(BaseApplication):
        def load_config(self) -> None:
            for key, value in {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": 60,
                # no query strings in the access log: a questionnaire link's token never
                # reaches a log file (the path holds it, so the path is left out too)
                "accesslog": "-",
                "access_log_format": '%(h)s "%(m)s" %(s)s %(b)s %(M)sms',
            }.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from forlob.web.wsgi import application

            return application

    _App().run()


def serve(host: str, port: int, workers: int, threads: int) -> None:
    setup_django()
    prepare()
    sys.stderr.write(f"forlob: serving on http://{host}:{port}/\n")
    run_gunicorn(host, port, workers, threads)
