"""The audit log is append-only in the database too, not only in the model's save()/delete():
a bulk update or delete through the ORM or SQL is refused by a trigger.

(On SQLite this also stops `manage flush` and Django's transactional test cases from emptying
the table; forlob's tests use rollback test cases and a separate server for browser tests.)"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER forlob_auditevent_no_update BEFORE UPDATE ON forlob_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER forlob_auditevent_no_delete BEFORE DELETE ON forlob_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION forlob_auditevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER forlob_auditevent_no_change BEFORE UPDATE OR DELETE ON forlob_auditevent
       FOR EACH ROW EXECUTE FUNCTION forlob_auditevent_append_only()""",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("forlob", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
