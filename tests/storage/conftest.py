"""Fixtures for media on object storage: the web tests' users, clips and live server."""

from tests.web.conftest import (
    fast_passwords,
    live_server,
    logged_in,
    other_user,
    staff_user,
    user,
    video_bytes,
)

__all__ = [
    "fast_passwords",
    "live_server",
    "logged_in",
    "other_user",
    "staff_user",
    "user",
    "video_bytes",
]
