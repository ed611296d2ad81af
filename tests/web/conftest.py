"""The web tests' database: on SQLite a file, as the app runs it, not Django's shared-cache
in-memory database.

Concurrency tests need it: in shared-cache memory SQLite answers a second writer "database
table is locked" at once instead of letting it wait, while a file database in WAL mode with the
app's options (settings.py: IMMEDIATE transactions, a busy timeout) makes it wait its turn —
the behaviour the tests are about. PostgreSQL is left as Django's test runner sets it up.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection, transaction

append_only = importlib.import_module("forlob.web.migrations.0002_audit_append_only")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture
def committed_audit_log_cleared() -> Iterator[None]:
    """For tests whose requests commit (`django_db(transaction=True)`): empties the audit log
    after the test, before Django's flush empties the other tables.

    The log is append-only in the database (migration 0002). PostgreSQL's flush truncates,
    which row triggers do not stop; SQLite's flush deletes row by row and its trigger refuses.
    So on SQLite the triggers are dropped for this one delete and made again at once.
    """
    yield
    if connection.vendor != "sqlite":
        return
    with transaction.atomic(), connection.cursor() as c:
        c.execute("DROP TRIGGER forlob_auditevent_no_update")
        c.execute("DROP TRIGGER forlob_auditevent_no_delete")
        c.execute("DELETE FROM forlob_auditevent")
        for sql in append_only.SQLITE:
            c.execute(sql)
