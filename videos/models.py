"""View data: one row per video, holding what the pages show, derived from the catalog's events.

Nothing here is edited by hand or by the web app: the aggregator (`videos.aggregator`) writes a
row at every step of the catalog process, and `manage.py rebuild_videos` can recompute every row
from the message store. `last_global_position` is the store position of the newest message the
row reflects; the aggregator uses it to ignore duplicates and late messages.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from videos import media


class Video(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        STARTED = "started", "Transcoding"
        TRANSCODED = "transcoded", "Transcribing"
        TRANSCRIBED = "transcribed", "Finishing"
        CATALOGED = "cataloged", "Ready"
        FAILED = "failed", "Failed"

    STEPS = (Status.QUEUED, Status.STARTED, Status.TRANSCODED, Status.TRANSCRIBED, Status.CATALOGED)
    """Progress steps in order; `failed` can follow any of them."""

    TITLE_MAX_LENGTH = 200
    NAME_MAX_LENGTH = 500

    id = models.UUIDField(primary_key=True)
    title = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="videos",
        db_index=False,
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    failure_reason = models.TextField(blank=True)
    source_name = models.CharField(
        "original file", max_length=NAME_MAX_LENGTH, blank=True, help_text="storage name"
    )
    video_name = models.CharField(
        "web video", max_length=NAME_MAX_LENGTH, blank=True, help_text="storage name or URL"
    )
    poster_name = models.CharField(
        "poster", max_length=NAME_MAX_LENGTH, blank=True, help_text="storage name or URL"
    )
    captions_name = models.CharField(
        "captions", max_length=NAME_MAX_LENGTH, blank=True, help_text="WebVTT storage name or URL"
    )
    duration_seconds = models.FloatField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    transcript = models.TextField(blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    last_global_position = models.BigIntegerField(
        help_text="global position of the newest message this row reflects"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="video_newest"),
            models.Index(fields=["owner", "-created_at"], name="video_owner_newest"),
            models.Index(fields=["status", "-created_at"], name="video_status_newest"),
        ]

    def __str__(self) -> str:
        return self.title or str(self.id)

    def get_absolute_url(self) -> str:
        return reverse("video", kwargs={"video_id": self.id})

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.CATALOGED

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def is_processing(self) -> bool:
        return not (self.is_ready or self.is_failed)

    @property
    def is_playable(self) -> bool:
        return bool(self.video_name) and not self.is_processing

    @property
    def step(self) -> int:
        """Index of the status in `STEPS` (a failed video keeps the step it had reached)."""
        if self.status in self.STEPS:
            return self.STEPS.index(self.status)
        return self._reached_step()

    def _reached_step(self) -> int:
        if self.captions_name:
            return self.STEPS.index(self.Status.TRANSCRIBED)
        if self.video_name:
            return self.STEPS.index(self.Status.TRANSCODED)
        return self.STEPS.index(self.Status.STARTED) if self.source_name else 0

    @property
    def progress_percent(self) -> int:
        return round(100 * self.step / (len(self.STEPS) - 1))

    @property
    def duration_display(self) -> str:
        """`m:ss` or `h:mm:ss`; empty when unknown."""
        if self.duration_seconds is None:
            return ""
        total = round(self.duration_seconds)
        hours, rest = divmod(total, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"

    @property
    def video_url(self) -> str:
        return media.url(self.video_name)

    @property
    def poster_url(self) -> str:
        return media.url(self.poster_name)

    @property
    def captions_url(self) -> str:
        return media.url(self.captions_name)


class Tracking(models.Model):
    """How far a subscriber of the message store has applied its category to the view data.

    Written in the same transaction as the rows it accounts for (see `message_store.tracking`),
    so rows and position never disagree: the aggregator applies every message exactly once.
    """

    subscriber_id = models.CharField(max_length=200, primary_key=True)
    position = models.BigIntegerField(
        help_text="global position of the last message applied (or passed over)"
    )
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "subscriber position"

    def __str__(self) -> str:
        return f"{self.subscriber_id} at {self.position}"
