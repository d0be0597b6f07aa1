"""`/healthz`: 200 when the web process reaches both databases; 503 naming what it cannot."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.db import connections

from config.health import SCHEMA_HINT
from message_store.runtime import reset_store
from tests.consumers.processes import BASE_DIR


def test_both_databases_answer(client, store):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "message_store": "ok", "storage": "ok"},
    }


@pytest.fixture
def message_store_settings(store, monkeypatch):
    """Point the process's message store elsewhere for one test; the next test gets it back."""
    settings = connections["message_store"].settings_dict
    yield lambda **changes: [monkeypatch.setitem(settings, k, v) for k, v in changes.items()]
    monkeypatch.undo()
    reset_store()


def test_a_message_store_without_its_schema_says_how_to_install_it(client, message_store_settings):
    message_store_settings(NAME=connections["default"].settings_dict["NAME"])
    reset_store()

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert SCHEMA_HINT in body["checks"]["message_store"]


def test_an_unreachable_message_store_is_503(client, message_store_settings):
    message_store_settings(HOST="127.0.0.1", PORT="1")
    reset_store()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["message_store"].startswith("unreachable")


def test_an_unreachable_view_database_is_503(store_env):
    """In a web process of its own, whose view database URL points at nothing."""
    env = {**store_env, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/videos"}
    script = (
        "import django, json; django.setup(); from django.test import Client;"
        " r = Client().get('/healthz'); print(json.dumps([r.status_code, r.json()]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    status, body = json.loads(done.stdout.strip().splitlines()[-1])

    assert status == 503
    assert body["checks"]["database"].startswith("unreachable")
    assert body["checks"]["message_store"] == "ok"


def test_media_on_object_storage_is_checked(client, store, s3):
    assert client.get("/healthz").json()["checks"]["storage"] == "ok"

    s3.client().delete_bucket(Bucket=s3.name)
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "unreachable: the bucket 'media' does not exist"


def test_an_unreachable_object_storage_is_503(client, store, settings):
    options = {"bucket_name": "media", "endpoint_url": "http://127.0.0.1:1", "access_key": "k"}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "secret_key": "s", "region_name": "us-east-1"},
        },
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("unreachable: Could not connect")
