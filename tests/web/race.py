"""Helpers of the concurrency tests: requests sent at the same instant from several threads.

Each thread has its own test client and its own database connection (closed when it ends);
a barrier releases the requests together, so the server-side steps overlap for real. They run
with TransactionTestCase-style access (`django_db(transaction=True)`): every request commits,
as it does in production.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client


def simultaneously(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; their results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test, which fails on it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return results


def post_json(token: str, path: str, body: Any) -> Callable[[], Any]:
    """A POST of `body` as JSON with a Bearer token, to be run by `simultaneously`."""

    def call() -> Any:
        # a server error is an answer (500) here, not an exception in the thread
        return Client(raise_request_exception=False).post(
            path,
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return call
