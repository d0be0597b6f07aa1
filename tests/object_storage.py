"""An S3-compatible server for tests: moto's standalone server, on a free loopback port.

No S3 service can be reached from here, and moto's server speaks the S3 HTTP API to boto3 and
django-storages unchanged (presigned URLs and range requests included), so the code under test
runs exactly as against AWS S3 or MinIO, over real HTTP. It is the most faithful local S3
server the package registries offer. Two of its conveniences are turned off to stay faithful:
its blanket `Access-Control-Allow-Origin: *` on every answer (S3 sends CORS headers only as
the bucket's CORS rules say), and state shared by every server of one process (each server
starts empty). What it does not check: signatures and expiry of presigned URLs (any
`Signature=` passes), so tests prove that refused people never get a signed URL, and that
unsigned requests are refused.
"""

from __future__ import annotations

import logging
import socket
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import boto3
import moto.moto_server.werkzeug_app
from moto.server import ThreadedMotoServer

moto.moto_server.werkzeug_app.DISABLE_GLOBAL_CORS = True
logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise

ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"
REGION = "us-east-1"


@dataclass(frozen=True)
class S3Bucket:
    endpoint_url: str
    name: str

    @property
    def env(self) -> dict[str, str]:
        """The settings, as environment variables, that point a process at this bucket."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.name,
            "AWS_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_S3_REGION_NAME": REGION,
        }

    @property
    def storage_options(self) -> dict:
        return {
            "bucket_name": self.name,
            "endpoint_url": self.endpoint_url,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "region_name": REGION,
            "addressing_style": "path",
            "signature_version": "s3v4",
            "file_overwrite": True,
        }

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def object_keys(self, prefix: str = "") -> list[str]:
        paginator = self.client().get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=self.name, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def put(self, key: str, body: bytes, content_type: str = "application/octet-stream") -> None:
        self.client().put_object(Bucket=self.name, Key=key, Body=body, ContentType=content_type)

    def url(self, key: str) -> str:
        """The object's plain (unsigned) URL."""
        return f"{self.endpoint_url}/{self.name}/{key}"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@contextmanager
def s3_server(host: str = "127.0.0.1") -> Iterator[str]:
    """A running moto server; yields its endpoint URL."""
    port = free_port(host)
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def fresh_bucket(endpoint_url: str, name: str = "media") -> S3Bucket:
    """An empty bucket on a server emptied of everything else (buckets, objects, CORS rules)."""
    reset = urllib.request.Request(f"{endpoint_url}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset).close()
    bucket = S3Bucket(endpoint_url, name)
    bucket.client().create_bucket(Bucket=name)
    return bucket


@contextmanager
def s3_bucket(name: str = "media") -> Iterator[S3Bucket]:
    """A server of its own with one empty bucket (for scripts; tests use the `s3` fixture)."""
    with s3_server() as endpoint_url:
        yield fresh_bucket(endpoint_url, name)
