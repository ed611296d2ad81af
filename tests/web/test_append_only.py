"""The audit log is append-only: in the model, and in the database (migration 0002)."""

from __future__ import annotations

from django.db import DatabaseError, connection, transaction
from tests.web.base import BaseTestCase

from forlob.web import auditlog
from forlob.web.models import AppendOnlyError, AuditEvent


class AppendOnlyTestCase(BaseTestCase):
    def event(self) -> AuditEvent:
        return auditlog.record(self.alice, AuditEvent.VIEW, self.patient, detail="page")

    def test_a_new_event_is_saved(self) -> None:
        e = self.event()
        self.assertTrue(AuditEvent.objects.filter(pk=e.pk, detail="page").exists())

    def test_saving_an_existing_event_is_refused(self) -> None:
        e = self.event()
        e.detail = "changed"
        with self.assertRaises(AppendOnlyError):
            e.save()
        self.assertEqual(AuditEvent.objects.get(pk=e.pk).detail, "page")

    def test_deleting_an_event_is_refused(self) -> None:
        e = self.event()
        with self.assertRaises(AppendOnlyError):
            e.delete()
        self.assertTrue(AuditEvent.objects.filter(pk=e.pk).exists())

    def test_a_bulk_update_is_refused_by_the_database(self) -> None:
        e = self.event()
        with self.assertRaises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=e.pk).update(detail="changed")
        self.assertEqual(AuditEvent.objects.get(pk=e.pk).detail, "page")

    def test_a_bulk_delete_is_refused_by_the_database(self) -> None:
        e = self.event()
        with self.assertRaises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=e.pk).delete()
        self.assertTrue(AuditEvent.objects.filter(pk=e.pk).exists())

    def test_raw_sql_cannot_rewrite_an_event(self) -> None:
        e = self.event()
        with self.assertRaises(DatabaseError), transaction.atomic(), connection.cursor() as c:
            c.execute("UPDATE forlob_auditevent SET action = 'login' WHERE id = %s", [e.pk])
        self.assertEqual(AuditEvent.objects.get(pk=e.pk).action, AuditEvent.VIEW)
