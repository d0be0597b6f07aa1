"""Fixtures for tests that run consumers as child processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.consumers.processes import ConsumerProcesses


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    """MEDIA_ROOT for this test, in this process (Django's default storage follows it)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def consumer_processes(
    store_env: dict[str, str], media_root: Path, tmp_path: Path
) -> Iterator[ConsumerProcesses]:
    """Start `manage.py consume` children on the test databases and this test's MEDIA_ROOT."""
    processes = ConsumerProcesses(
        {**store_env, "MEDIA_ROOT": str(media_root), "SIMULATED_MEDIA": "false"},
        tmp_path / "logs",
    )
    yield processes
    processes.close()
