"""Helpers of the API tests: tokens for Alice and Charlie, JSON requests, the common checks."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.utils.crypto import get_random_string
from tests.web.base import BaseTestCase
from tests.web.openapi import assert_matches_openapi

from forlob.web.models import AuditEvent
from forlob.web.tokens import create_token

API = "/api/v1"


class ApiTestCase(BaseTestCase):
    alice_token: str
    charlie_token: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.alice_token = create_token(cls.alice, "alice's integration")[1]
        cls.charlie_token = create_token(cls.charlie, "charlie's integration")[1]

    # -- requests ---------------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        client: Client | None = None,
        **extra: Any,
    ) -> Any:
        c = client or self.client
        if token is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        kwargs: dict[str, Any] = dict(extra)
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        return getattr(c, method.lower())(API + path, **kwargs)

    def ok(self, method: str, path: str, body: Any = None, status: int = 200, **kw: Any) -> Any:
        """Call as Alice (token unless told), expect `status`, validate against OpenAPI."""
        kw.setdefault("token", self.alice_token)
        r = self.call(method, path, body, **kw)
        self.assertEqual(r.status_code, status, r.content[:2000])
        return assert_matches_openapi(r)

    # -- the checks every endpoint gets -----------------------------------------------------

    def assert_anonymous_refused(self, method: str, path: str, body: Any = None) -> None:
        r = self.call(method, path, body, client=Client(enforce_csrf_checks=True))
        self.assertEqual(r.status_code, 401)
        assert_matches_openapi(r)

    def assert_wrong_token_refused(self, method: str, path: str, body: Any = None) -> None:
        r = self.call(method, path, body, token="not-a-token-" + "x" * 32)
        self.assertEqual(r.status_code, 401)
        assert_matches_openapi(r)
        # a wrong token is refused even next to a valid session
        self.login(self.alice)
        r = self.call(method, path, body, token=self.alice_token[:-2] + "zz")
        self.assertEqual(r.status_code, 401)
        self.client.logout()

    def assert_hidden_from_charlie(self, method: str, path: str, body: Any = None) -> None:
        before = AuditEvent.objects.count()
        r = self.call(method, path, body, token=self.charlie_token)
        self.assertEqual(r.status_code, 404, r.content)
        assert_matches_openapi(r)
        # and through his session too
        self.login(self.charlie)
        r = self.call(method, path, body)
        self.assertEqual(r.status_code, 404)
        self.client.logout()
        # nothing was written nor logged as seen
        self.assertEqual(AuditEvent.objects.count(), before)

    def assert_needs_csrf_with_session(
        self, method: str, path: str, body: Any = None, ok_status: int = 201
    ) -> Any:
        """Through a session, a write without the CSRF token is refused (403), with it it
        goes through; returns the accepted response's body."""
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        r = self.call(method, path, body, client=client)
        self.assertEqual(r.status_code, 403, r.content)
        assert_matches_openapi(r)
        secret = get_random_string(32)
        client.cookies["csrftoken"] = secret
        r = self.call(method, path, body, client=client, HTTP_X_CSRFTOKEN=secret)
        self.assertEqual(r.status_code, ok_status, r.content)
        return assert_matches_openapi(r)

    def events(self, action: str, object_type: str, object_id: Any = None) -> list[AuditEvent]:
        qs = AuditEvent.objects.filter(action=action, object_type=object_type)
        if object_id is not None:
            qs = qs.filter(object_id=str(object_id))
        return list(qs)
