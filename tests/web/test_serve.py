"""`forlob serve` as `make run` uses it: migrations, demo data, gunicorn, static files."""

from __future__ import annotations

import http.cookiejar
import re
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from tests.web.server import FORLOB, running_server, server_env


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> str:
    data = tmp_path_factory.mktemp("serve")
    with running_server(data) as base:
        yield base  # type: ignore[misc]


def test_it_answers_health_checks_from_the_production_server(demo_server: str) -> None:
    with urllib.request.urlopen(demo_server + "/healthz") as r:
        assert r.status == 200
        assert r.headers["Server"].startswith("gunicorn")


def test_it_serves_static_files_with_whitenoise(demo_server: str) -> None:
    with urllib.request.urlopen(demo_server + "/static/forlob/forlob.css") as r:
        assert r.status == 200
        assert b"--accent" in r.read()


def test_the_demo_login_of_the_readme_works(demo_server: str) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    m = re.search(r"`alice` / `([^`]+)`", readme)
    assert m, "the README lists Alice's demo login"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(demo_server + "/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    body = urllib.parse.urlencode(
        {"username": "alice", "password": m.group(1), "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    req = urllib.request.Request(
        demo_server + "/login/", data=body, headers={"Referer": demo_server + "/login/"}
    )
    with opener.open(req) as r:
        assert r.url.endswith("/worklist/")
        assert "Hanne Hansen" in r.read().decode()


def test_it_refuses_to_start_outside_demo_mode_without_a_secret_key(tmp_path: Path) -> None:
    env = server_env(tmp_path, FORLOB_DEMO="0")
    done = subprocess.run(
        [FORLOB, "serve", "--port", "1"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "FORLOB_SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr
