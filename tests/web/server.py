"""A real `forlob serve` (gunicorn, demo data, its own data directory) for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FORLOB = str(Path(sys.executable).with_name("forlob"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORLOB_", "DJANGO_"))}
    env.update({"FORLOB_DATA_DIR": str(data_dir), "FORLOB_DEMO": "1", **extra})
    return env


@contextmanager
def running_server(
    data_dir: Path, workers: int = 2, threads: int = 2, **extra_env: str
) -> Iterator[str]:
    """Start `forlob serve` on a free port; yields its base URL; stops it afterwards."""
    port = free_port()
    log = open(data_dir / "server.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            FORLOB,
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env=server_env(data_dir, **extra_env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"forlob serve exited with {proc.returncode}: "
                    + (data_dir / "server.log").read_text()[-2000:]
                )
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("forlob serve did not answer /healthz within 60 s")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
