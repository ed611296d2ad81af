from django.db import connection
from django.test import TestCase


class HealthTestCase(TestCase):
    def test_it_answers_ok_when_the_database_is_reachable(self) -> None:
        r = self.client.get("/healthz")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.content, b"ok\n")

    def test_it_answers_503_when_the_database_fails(self) -> None:
        from unittest import mock

        with mock.patch.object(connection, "cursor", side_effect=RuntimeError("down")):
            r = self.client.get("/healthz")
        self.assertEqual(r.status_code, 503)
