"""The system spread over five hosts, as in production: a database host (PostgreSQL), a storage
host (an S3-compatible server), a web host (gunicorn) and two worker hosts running every
consumer as healing consumer groups. A person uploads videos through the web host's address;
mid-run one worker host is cut off the network; the other takes over its slots, every video
still ends ready, and no job ran twice.

The hosts are network namespaces on this machine (`tests.cluster.network`): they share the
disk, so the media going through object storage is checked (the bucket holds every rendition),
and nothing reaches the databases but TCP to the database host's address.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import psycopg
import pytest

from tests.cluster import network, services
from tests.cluster.client import SiteClient
from tests.consumers import processes
from tests.consumers.controls import wait_until
from tests.media_factory import make_spoken_clip
from tests.object_storage import ACCESS_KEY, REGION, SECRET_KEY, S3Bucket

pytestmark = [pytest.mark.cluster, pytest.mark.slow]

SENTENCES = (
    "the river runs quietly past the old mill",
    "please bring two apples and a loaf of bread",
    "our meeting starts at nine tomorrow morning",
    "the garden needs water after a dry week",
)
COMPONENTS = ("catalog", "transcode", "transcribe", "videos")
GROUP = ["--group-size", "2"]
"""Every consumer joins its component's healing group of two slots, on both worker hosts."""
PASSWORD = "a-long-pass-phrase-42"


@pytest.fixture(scope="module")
def cluster_support() -> None:
    reason = network.available()
    if reason is not None:
        pytest.skip(f"no multi-host cluster: {reason}")


@pytest.fixture
def clips(tmp_path) -> list[Path]:
    return [
        make_spoken_clip(tmp_path / f"clip-{n}.mp4", sentence, seconds=3, size=(320, 180))
        for n, sentence in enumerate(SENTENCES)
    ]


@pytest.fixture
def cluster(cluster_support, tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    with network.network() as net:
        db, s3, web = net.add("db"), net.add("s3"), net.add("web")
        workers = [net.add("w1"), net.add("w2")]
        database, pg_folder = services.start_postgres(db, ("videos", "message_store"))
        endpoint = services.start_s3(s3, logs / "s3.log")
        bucket = S3Bucket(endpoint, "media")
        bucket.client().create_bucket(Bucket=bucket.name)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/root"),
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": f"{database}/videos",
            "MESSAGE_STORE_URL": f"{database}/message_store",
            "SECRET_KEY": "cluster-test-secret-key-that-is-long-enough-0123456789",
            "DEBUG": "false",
            "ALLOWED_HOSTS": web.address,
            "LOG_LEVEL": "INFO",
            **bucket.env,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_S3_REGION_NAME": REGION,
        }
        services.manage(["migrate", "--noinput"], env)
        services.manage(["migrate", "--database", "message_store", "--noinput"], env)
        base = services.start_web(web, env, logs / "web.log")
        for worker in workers:
            for component in COMPONENTS:
                log = logs / f"{worker.name}-{component}.log"
                services.start_consumer(worker, component, GROUP, env, log)
        try:
            yield Cluster(base, database, bucket, workers, logs, env)
        finally:
            for host in net.hosts.values():
                host.stop()
            services.stop_postgres(db, pg_folder)


class Cluster:
    def __init__(self, base, database, bucket, workers, logs, env) -> None:
        self.base = base
        self.env = env
        self.database = database
        self.bucket = bucket
        self.workers = workers
        self.logs = logs

    def store(self) -> psycopg.Connection:
        return psycopg.connect(f"{self.database}/message_store", autocommit=True)

    def statuses(self, client: SiteClient, video_ids: list[str]) -> dict[str, str]:
        found = {}
        for video_id in video_ids:
            status, _, body = client.get(f"/videos/{video_id}/status.json")
            found[video_id] = json.loads(body).get("status") if status == 200 else f"HTTP {status}"
        return found

    def status(self) -> dict:
        """What `manage.py status --json` says, asked from the test's own host."""
        # Its exit code says whether a subscriber is down: the output says it too.
        return json.loads(processes.manage("status", "--json", env=self.env).stdout)

    def log_text(self) -> str:
        return "\n".join(
            f"--- {path.name} ---\n{path.read_text(errors='replace')[-2500:]}"
            for path in sorted(self.logs.iterdir())
        )


def test_videos_end_ready_across_hosts_when_a_worker_host_is_cut_off(cluster, clips):
    client = SiteClient(cluster.base)
    client.sign_up("traveller", PASSWORD)
    video_ids = [client.upload(f"Clip {n}", clip) for n, clip in enumerate(clips)]

    def first_ready():
        statuses = cluster.statuses(client, video_ids)
        return [video for video, status in statuses.items() if status == "cataloged"]

    wait_until(first_ready, timeout=240, interval=0.2, what="a first ready video")
    cut_at = time.monotonic()
    cluster.workers[0].cut_off()

    def all_ready():
        statuses = cluster.statuses(client, video_ids)
        assert "failed" not in statuses.values(), f"{statuses}\n{cluster.log_text()}"
        return all(status == "cataloged" for status in statuses.values())

    try:
        wait_until(all_ready, timeout=300, interval=0.2, what="every video ready")
    except AssertionError as error:
        raise AssertionError(f"{error}\n{cluster.log_text()}") from None
    took_over = time.monotonic() - cut_at

    def healed():
        report = cluster.status()
        return report if report["ok"] else None

    report = wait_until(
        healed, timeout=60, interval=0.2, what="every slot alive on the remaining worker"
    )
    alive = {process["pid"] for process in report["processes"] if process["state"] == "alive"}
    remaining = {process.pid for process in cluster.workers[1].processes}
    assert alive, report
    assert alive <= remaining, f"slots still held off the remaining worker: {report}"
    grouped = [s for s in report["subscribers"] if s["component"] in ("transcode", "transcribe")]
    assert len(grouped) == 4, grouped  # two slots each
    assert all(subscriber["alive"] for subscriber in grouped), grouped

    with cluster.store() as store:
        jobs = store.execute(
            "SELECT message_store.category(stream_name), type, count(*) FROM message_store.messages"
            " WHERE type IN ('Transcode', 'Transcoded', 'Transcribe', 'Transcribed', 'Cataloged')"
            " GROUP BY 1, 2"
        ).fetchall()
    counts = {(category, kind): count for category, kind, count in jobs}
    videos = len(video_ids)
    assert counts == {
        ("transcode:command", "Transcode"): videos,
        ("transcode", "Transcoded"): videos,
        ("catalog", "Transcoded"): videos,
        ("transcribe:command", "Transcribe"): videos,
        ("transcribe", "Transcribed"): videos,
        ("catalog", "Transcribed"): videos,
        ("catalog", "Cataloged"): videos,
    }, f"duplicate or missing jobs: {counts}"
    keys = cluster.bucket.object_keys()
    assert sum(key.endswith("/master.m3u8") for key in keys) == videos, keys
    assert sum(key.startswith("uploads/") for key in keys) == videos, keys
    print(f"the remaining worker finished the run {took_over:.1f} s after the cut")
