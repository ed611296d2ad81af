"""Authentication of the API as a whole, and its OpenAPI document."""

from __future__ import annotations

from django.test import Client
from tests.web.api_base import API, ApiTestCase
from tests.web.openapi import assert_matches_openapi, openapi_document

from forlob.web.models import ApiToken, Patient


class ApiAuthTestCase(ApiTestCase):
    def test_a_bearer_token_acts_as_its_user_and_notes_its_use(self) -> None:
        token = ApiToken.objects.get(user=self.alice)
        self.assertIsNone(token.last_used_at)
        body = self.ok("GET", "/patients", token=self.alice_token)
        self.assertEqual([p["id"] for p in body["items"]], [self.patient.pk])
        token.refresh_from_db()
        self.assertIsNotNone(token.last_used_at)

    def test_the_token_of_an_inactive_user_is_refused(self) -> None:
        self.alice.is_active = False
        self.alice.save()
        r = self.call("GET", "/patients", token=self.alice_token)
        self.assertEqual(r.status_code, 401)

    def test_a_deleted_token_is_refused(self) -> None:
        ApiToken.objects.filter(user=self.alice).delete()
        r = self.call("GET", "/patients", token=self.alice_token)
        self.assertEqual(r.status_code, 401)

    def test_an_authorization_header_of_another_scheme_is_not_a_login(self) -> None:
        r = self.call("GET", "/patients", HTTP_AUTHORIZATION="Basic YWxpY2U6c2VjcmV0")
        self.assertEqual(r.status_code, 401)
        assert_matches_openapi(r)

    def test_a_token_write_needs_no_csrf_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        r = self.call(
            "POST",
            "/patients",
            {"cpr": "0505505555", "name": "Eva"},
            client=client,
            token=self.alice_token,
        )
        self.assertEqual(r.status_code, 201, r.content)
        self.assertTrue(Patient.objects.filter(cpr="0505505555").exists())

    def test_a_session_read_needs_no_csrf_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        r = self.call("GET", "/patients", client=client)
        self.assertEqual(r.status_code, 200)

    def test_an_anonymous_write_is_401_not_a_csrf_failure(self) -> None:
        r = self.call(
            "POST",
            "/patients",
            {"cpr": "0505505555", "name": "Eva"},
            client=Client(enforce_csrf_checks=True),
        )
        self.assertEqual(r.status_code, 401)
        self.assertFalse(Patient.objects.filter(cpr="0505505555").exists())


class OpenApiDocumentTestCase(ApiTestCase):
    def test_the_openapi_document_is_served_with_title_and_both_auth_schemes(self) -> None:
        r = self.client.get(f"{API}/openapi.json")
        self.assertEqual(r.status_code, 200)
        doc = r.json()
        self.assertEqual(doc["info"]["title"], "forlob API")
        self.assertIn("Bearer", doc["info"]["description"])
        schemes = doc["components"]["securitySchemes"]
        self.assertEqual(schemes["ApiTokenAuth"], {"type": "http", "scheme": "bearer"})
        self.assertEqual(schemes["SessionCsrfAuth"]["in"], "cookie")

    def test_every_endpoint_is_documented_and_requires_authentication(self) -> None:
        doc = openapi_document()
        operations = {
            (method.upper(), path.removeprefix(API))
            for path, ops in doc["paths"].items()
            for method in ops
        }
        self.assertEqual(
            operations,
            {
                ("GET", "/patients"),
                ("POST", "/patients"),
                ("GET", "/patients/{patient_id}"),
                ("GET", "/patients/{patient_id}/referrals"),
                ("POST", "/patients/{patient_id}/referrals"),
                ("GET", "/courses"),
                ("POST", "/courses"),
                ("GET", "/courses/{course_id}"),
                ("GET", "/courses/{course_id}/lines"),
                ("POST", "/courses/{course_id}/lines"),
                ("DELETE", "/lines/{line_id}"),
                ("GET", "/courses/{course_id}/plan"),
                ("GET", "/courses/{course_id}/questionnaires"),
                ("GET", "/courses/{course_id}/fhir"),
            },
        )
        for ops in doc["paths"].values():
            for op in ops.values():
                self.assertEqual(op["security"], [{"ApiTokenAuth": []}, {"SessionCsrfAuth": []}])
                self.assertIn("401", op["responses"])
                self.assertIn("404", op["responses"])

    def test_the_swagger_page_with_its_cdn_script_is_not_served(self) -> None:
        self.assertEqual(self.client.get(f"{API}/docs").status_code, 404)
