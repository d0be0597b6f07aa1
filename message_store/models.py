"""Django's view of the message store: read-only `Message` rows for the admin, and parked messages.

`Message` maps Message DB's own table (unmanaged: the schema is `sql/schema.sql`, never Django's).
`ParkedMessage` records a message a subscriber gave up on, with the error, so that a person can
see it in the admin and replay it; it lives in the message store database beside the events.
"""

from datetime import UTC

from django.db import models


class UTCTimestampField(models.DateTimeField):
    """Message DB stores `timestamp without time zone` in UTC: read it as an aware datetime."""

    def from_db_value(self, value, expression, connection):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Category(models.Func):
    """Message DB's `category(stream_name)` in the ORM: the expression its category index uses."""

    function = "message_store.category"
    output_field = models.TextField()


class Message(models.Model):
    global_position = models.BigIntegerField(primary_key=True)
    position = models.BigIntegerField()
    time = UTCTimestampField()
    stream_name = models.TextField()
    type = models.TextField()
    data = models.JSONField(null=True)
    metadata = models.JSONField(null=True)
    id = models.UUIDField(unique=True)

    class Meta:
        managed = False
        db_table = 'message_store"."messages'
        ordering = ["global_position"]

    def __str__(self) -> str:
        return f"{self.stream_name}/{self.position} {self.type}"


class ParkedMessage(models.Model):
    """A message a subscriber could not handle after its retries; replayable."""

    class Status(models.TextChoices):
        PARKED = "parked"
        REPLAY_REQUESTED = "replay_requested"
        REPLAYED = "replayed"
        DISMISSED = "dismissed"

    subscriber_id = models.CharField(max_length=200, db_index=True)
    message_id = models.UUIDField()
    global_position = models.BigIntegerField()
    stream_name = models.TextField()
    type = models.TextField()
    data = models.JSONField(null=True)
    metadata = models.JSONField(null=True)
    error = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.PARKED)
    parked_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-parked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber_id", "message_id"], name="parked_once_per_subscriber"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id}: {self.type} {self.message_id}"


class Heartbeat(models.Model):
    """A consumer process's sign of life, written by the process itself every few seconds (see
    `message_store.heartbeat`): what it runs, the message in hand, and the database session
    that writes it (a process whose session is gone is down)."""

    id = models.UUIDField(primary_key=True)
    component = models.CharField(max_length=100)
    host = models.CharField(max_length=255)
    pid = models.IntegerField()
    group_size = models.IntegerField(null=True, blank=True)
    group_member = models.IntegerField(
        null=True, blank=True, help_text="a static member's number (none when it leases slots)"
    )
    subscriber_ids = models.JSONField(default=list)
    busy = models.JSONField(null=True, blank=True, help_text="the message in hand")
    busy_since = models.DateTimeField(null=True, blank=True)
    handled = models.BigIntegerField(default=0)
    metrics_port = models.IntegerField(null=True, blank=True)
    session_pid = models.IntegerField(null=True, blank=True)
    session_started_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "message_store_heartbeat"  # written with raw SQL (message_store.queries)
        ordering = ["component", "started_at"]

    def __str__(self) -> str:
        return f"{self.component} on {self.host} (pid {self.pid})"
