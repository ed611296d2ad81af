"""API tokens and `forlob manage forlob_token`."""

from __future__ import annotations

import hashlib
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import Client
from tests.web.base import BaseTestCase

from forlob.web.models import ApiToken
from forlob.web.tokens import create_token, verify_token


class TokensTestCase(BaseTestCase):
    def test_only_the_hash_of_a_token_is_stored(self) -> None:
        token, raw = create_token(self.alice, "lab")
        self.assertGreaterEqual(len(raw), 40)
        self.assertEqual(token.key_hash, hashlib.sha256(raw.encode()).hexdigest())
        self.assertFalse(ApiToken.objects.filter(key_hash=raw).exists())
        self.assertEqual(verify_token(raw), self.alice)
        self.assertIsNone(verify_token(raw + "x"))
        self.assertIsNone(verify_token(""))

    def test_two_tokens_differ(self) -> None:
        self.assertNotEqual(create_token(self.alice, "a")[1], create_token(self.alice, "b")[1])

    def test_the_command_prints_a_working_token_once(self) -> None:
        out, err = StringIO(), StringIO()
        call_command("forlob_token", "alice", "integration name", stdout=out, stderr=err)
        raw = out.getvalue().strip()
        token = ApiToken.objects.get(user=self.alice)
        self.assertEqual(token.name, "integration name")
        self.assertEqual(token.key_hash, hashlib.sha256(raw.encode()).hexdigest())
        self.assertNotIn(raw, err.getvalue())
        r = Client().get("/api/v1/patients", HTTP_AUTHORIZATION=f"Bearer {raw}")
        self.assertEqual(r.status_code, 200)
        self.assertEqual([p["id"] for p in r.json()["items"]], [self.patient.pk])

    def test_the_command_refuses_an_unknown_user(self) -> None:
        with self.assertRaises(CommandError):
            call_command("forlob_token", "mallory", "x", stdout=StringIO(), stderr=StringIO())
        self.assertFalse(ApiToken.objects.exists())

    def test_the_command_refuses_an_empty_name(self) -> None:
        with self.assertRaises(CommandError):
            call_command("forlob_token", "alice", "  ", stdout=StringIO(), stderr=StringIO())
