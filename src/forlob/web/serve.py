"""`forlob serve`: migrate, create the demo data when asked, collect static files, and run
the app under gunicorn (a production server; whitenoise serves the static files)."""

from __future__ import annotations

import os
import sys


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
    _refresh_statistics()
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


def _refresh_statistics() -> None:
    """SQLite plans queries well only with table statistics; `PRAGMA optimize` gathers them
    where they are missing or stale (cheap when they are current). PostgreSQL's autovacuum
    does this by itself."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize=0x10002")


def gunicorn_argv(host: str, port: int, workers: int, threads: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "forlob.web.wsgi:application",
        f"--bind={host}:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--worker-class=gthread",
        "--timeout=60",
        # no paths in the access log: a questionnaire link's token is in its path
        "--access-logfile=-",
        '--access-logformat=%(h)s "%(m)s" %(s)s %(b)s %(M)sms',
    ]


def serve(host: str, port: int, workers: int, threads: int) -> None:
    setup_django()
    prepare()
    sys.stderr.write(f"forlob: serving on http://{host}:{port}/\n")
    sys.stderr.flush()
    # A fresh process image for gunicorn: preparing ran the rule engine (demo data), and
    # Polars' thread pool does not survive gunicorn's fork (workers would hang in it).
    os.execv(sys.executable, gunicorn_argv(host, port, workers, threads))
