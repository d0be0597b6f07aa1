"""A web process started while its databases are unreachable says so in one line each, serves
503 pages (JSON for the JSON endpoints) instead of tracebacks, and needs no restart later."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.consumers.processes import BASE_DIR

UNREACHABLE = "postgres://postgres@127.0.0.1:1/nothing"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


@pytest.fixture
def web_without_database(tmp_path):
    port = free_port()
    log = tmp_path / "web.log"
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": UNREACHABLE,
        "MESSAGE_STORE_URL": UNREACHABLE,
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while "Quit the server" not in log.read_text() and time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        time.sleep(0.2)
    yield f"http://127.0.0.1:{port}", log
    process.terminate()
    process.wait(10)


def test_start_up_says_what_is_unreachable_without_a_traceback(web_without_database):
    _, log = web_without_database
    text = log.read_text()

    assert "Traceback" not in text
    assert "The view database is unreachable (" in text
    assert "The message store is unreachable: " in text


def test_pages_answer_503_and_json_endpoints_answer_json(web_without_database):
    url, log = web_without_database

    status, content_type, body = get(f"{url}/")
    assert (status, content_type.split(";")[0]) == (503, "text/html"), body
    assert "Back in a moment" in body

    status, content_type, body = get(
        f"{url}/videos/00000000-0000-4000-8000-000000000001/status.json"
    )
    assert (status, content_type) == (503, "application/json")
    assert "Traceback" not in log.read_text()
