"""Uploads through the web to object storage: the file streams into the bucket under a
generated key and one `Catalog` names it; a bucket that is missing or cannot be reached is a
503 page saying so, and nothing is written: no object, no command."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client

from catalog import messages
from tests.object_storage import S3Bucket
from tests.web.test_upload import ORIGINAL, UUID, video_file
from videos.views import STORAGE_UNAVAILABLE

pytestmark = pytest.mark.django_db


def commands(store) -> list:
    return store.read(messages.COMMAND_CATEGORY)


def test_an_upload_streams_into_the_bucket(
    logged_in: Client, store, s3: S3Bucket, video_bytes, settings
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # spooled to a temporary file, then streamed

    response = logged_in.post("/upload/", {"title": "Holiday", "file": video_file(video_bytes)})

    assert response.status_code == 302
    video_id = re.fullmatch(rf"/videos/({UUID})/", response["Location"]).group(1)
    [command] = commands(store)
    key = command.data["uri"]
    assert re.fullmatch(rf"uploads/{video_id}/{ORIGINAL}\.mp4", key)
    assert s3.object_keys() == [key]
    stored = s3.client().get_object(Bucket=s3.name, Key=key)
    assert stored["Body"].read() == video_bytes
    assert stored["ContentType"] == "video/mp4"


def test_the_same_form_sent_twice_keeps_the_first_upload(
    logged_in: Client, store, s3: S3Bucket, video_bytes
) -> None:
    form = {"title": "Once", "upload_key": str(uuid.uuid4())}
    first = logged_in.post("/upload/", {**form, "file": video_file(video_bytes)})
    second = logged_in.post("/upload/", {**form, "file": video_file(video_bytes)})

    assert first["Location"] == second["Location"]
    [command] = commands(store)
    assert s3.object_keys() == [command.data["uri"]]


@pytest.mark.parametrize("outage", ["missing bucket", "unreachable endpoint"])
def test_a_storage_outage_is_a_503_that_writes_nothing(
    logged_in: Client, store, s3: S3Bucket, video_bytes, settings, outage
) -> None:
    options = settings.STORAGES["default"]["OPTIONS"]
    if outage == "missing bucket":
        s3.client().delete_bucket(Bucket=s3.name)
    else:
        options["endpoint_url"] = "http://127.0.0.1:1"
        options["client_config"] = _no_retries()
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"]}}

    response = logged_in.post("/upload/", {"title": "Lost?", "file": video_file(video_bytes)})

    assert response.status_code == 503
    assert response["Retry-After"]
    assert STORAGE_UNAVAILABLE in response.content.decode()
    assert 'value="Lost?"' in response.content.decode()
    assert commands(store) == []
    if outage == "missing bucket":
        s3.client().create_bucket(Bucket=s3.name)
        assert s3.object_keys() == []


def _no_retries():
    from botocore.config import Config

    return Config(connect_timeout=1, retries={"max_attempts": 1, "mode": "standard"})
