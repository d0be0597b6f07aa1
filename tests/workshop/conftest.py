"""Fixtures for the workshop tests: consumers as child processes, as in tests/consumers."""

from tests.consumers.conftest import consumer_processes, media_root

__all__ = ["consumer_processes", "media_root"]
