"""Checking API responses against the API's own OpenAPI document.

`assert_matches_openapi(test, response)` finds the operation of the request (path template and
method), takes the schema of the response's status code and validates the body with
`jsonschema` (OpenAPI 3.1 schemas are JSON Schema 2020-12); `$ref`s to `#/components/schemas`
resolve against the document itself through a `referencing` registry.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from django.test import Client
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

OPENAPI_URL = "/api/v1/openapi.json"
_DOC_URI = "urn:forlob:openapi"


@cache
def openapi_document() -> dict[str, Any]:
    r = Client().get(OPENAPI_URL)
    assert r.status_code == 200, r.status_code
    doc: dict[str, Any] = r.json()
    return doc


def _operation(doc: dict[str, Any], method: str, path: str) -> tuple[str, dict[str, Any]]:
    for template, ops in doc["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", r"[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in ops:
            return template, ops[method.lower()]
    raise AssertionError(f"no operation {method} {path} in the OpenAPI document")


def response_schema(method: str, path: str, status: int) -> dict[str, Any]:
    doc = openapi_document()
    template, op = _operation(doc, method, path)
    responses = op["responses"]
    if str(status) not in responses:
        raise AssertionError(
            f"{method} {template} answered {status}, not documented ({sorted(responses)})"
        )
    content = responses[str(status)].get("content", {})
    assert content, f"{method} {template} {status} documents no body"
    schema: dict[str, Any] = next(iter(content.values()))["schema"]
    return schema


def validate_body(body: Any, method: str, path: str, status: int) -> None:
    doc = openapi_document()
    registry: Registry[Any] = Registry().with_resource(
        _DOC_URI, Resource(contents=doc, specification=DRAFT202012)
    )
    schema = response_schema(method, path, status)
    # refs are "#/components/...": make them absolute so they resolve in the whole document
    text = json.dumps(schema).replace('"$ref": "#/', f'"$ref": "{_DOC_URI}#/')
    Draft202012Validator(json.loads(text), registry=registry).validate(body)


def assert_matches_openapi(response: Any) -> Any:
    """Validate a test client response's JSON body against its documented schema; returns it."""
    request = response.request
    body = json.loads(response.content)
    validate_body(body, request["REQUEST_METHOD"], request["PATH_INFO"], response.status_code)
    return body
