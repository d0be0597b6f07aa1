"""Operations tests run consumer processes as the consumer tests do (same fixtures)."""

from tests.consumers.conftest import consumer_processes, media_root

__all__ = ["consumer_processes", "media_root"]
