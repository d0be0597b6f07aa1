"""View data: one row per video, holding what the pages show, derived from the catalog's events.

Nothing here is edited by hand or by the web app: the aggregator (`videos.aggregator`) writes a
row at every step of the catalog process, and `manage.py rebuild_videos` can recompute every row
from the message store. `last_global_position` is the store position of the newest message the
row reflects; the aggregator uses it to ignore duplicates and late messages.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language_info

from catalog import messages
from videos import media

SEARCH_CONFIG = "english"
"""The text search configuration (stemming and stop words) for titles, descriptions, speech."""


class Video(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        STARTED = "started", "Transcoding"
        TRANSCODED = "transcoded", "Transcribing"
        TRANSCRIBED = "transcribed", "Finishing"
        CATALOGED = "cataloged", "Ready"
        FAILED = "failed", "Failed"
        DELETED = "deleted", "Deleted"

    class Visibility(models.TextChoices):
        PUBLIC = messages.PUBLIC, "Public: listed and searchable"
        UNLISTED = messages.UNLISTED, "Unlisted: anyone with the link"
        PRIVATE = messages.PRIVATE, "Private: only you"

    STEPS = (Status.QUEUED, Status.STARTED, Status.TRANSCODED, Status.TRANSCRIBED, Status.CATALOGED)
    """Progress steps in order; `failed` can follow any of them, `deleted` any at all."""

    TITLE_MAX_LENGTH = messages.TITLE_MAX_LENGTH
    DESCRIPTION_MAX_LENGTH = messages.DESCRIPTION_MAX_LENGTH
    NAME_MAX_LENGTH = 500

    id = models.UUIDField(primary_key=True)
    title = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True)
    description = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
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
    playlist_name = models.CharField(
        "HLS playlist",
        max_length=NAME_MAX_LENGTH,
        blank=True,
        help_text="master playlist: storage name or URL",
    )
    renditions = models.JSONField(
        default=list, blank=True, help_text="[{width, height, bandwidth, playlist_name}]"
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
    segments = models.JSONField(
        default=list, blank=True, help_text="the caption cues: [{start, end, text}] in seconds"
    )
    language = models.CharField(max_length=16, blank=True, help_text="of the transcript")
    trace_id = models.CharField(
        max_length=100, blank=True, help_text="the traceId of the upload's request"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    step_at = models.DateTimeField(
        null=True, blank=True, help_text="when the video last moved to a new step"
    )
    last_global_position = models.BigIntegerField(
        help_text="global position of the newest message this row reflects"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="video_newest"),
            models.Index(fields=["owner", "-created_at"], name="video_owner_newest"),
            models.Index(fields=["status", "-created_at"], name="video_status_newest"),
            models.Index(
                fields=["-created_at", "-id"],
                name="video_listed_newest",
                condition=models.Q(status="cataloged", visibility="public"),
            ),
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
    def is_deleted(self) -> bool:
        return self.status == self.Status.DELETED

    @property
    def is_processing(self) -> bool:
        return not (self.is_ready or self.is_failed or self.is_deleted)

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE

    def is_managed_by(self, user) -> bool:
        """The owner and staff may edit, hide and delete the video."""
        if not user.is_authenticated:
            return False
        return user.is_staff or (self.owner_id is not None and self.owner_id == user.pk)

    def is_visible_to(self, user) -> bool:
        """A private video exists only for its owner and staff; anyone else gets a 404."""
        return not self.is_private or self.is_managed_by(user)

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
        """`m:ss` or `h:mm:ss`, whole seconds down as players count them (3.9 s is 0:03, as the
        player beside it says); empty when unknown."""
        if self.duration_seconds is None:
            return ""
        return clock(self.duration_seconds)

    @property
    def video_url(self) -> str:
        return media.file_url(self, self.video_name)

    @property
    def download_url(self) -> str:
        return media.download_url(self)

    @property
    def download_filename(self) -> str:
        return media.download_filename(self)

    @property
    def playlist_url(self) -> str:
        return media.playlist_url(self)

    @property
    def has_captions(self) -> bool:
        return bool(self.captions_name) and bool(self.segments or self.transcript)

    @property
    def captions_language(self) -> str:
        return self.language or "en"

    @property
    def captions_label(self) -> str:
        """The language's own name for the captions menu ("English"), or its code."""
        try:
            return get_language_info(self.captions_language)["name_local"]
        except KeyError:
            return self.captions_language

    @property
    def poster_url(self) -> str:
        return media.file_url(self, self.poster_name)

    @property
    def captions_url(self) -> str:
        return media.file_url(self, self.captions_name)

    @property
    def cues(self) -> list[dict]:
        """The transcript's cues for the page, each with its start in whole seconds."""
        return [
            {**cue, "t": seconds_param(cue["start"]), "clock": clock(cue["start"])}
            for cue in self.segments or []
            if isinstance(cue, dict) and isinstance(cue.get("start"), int | float)
        ]


def seconds_param(seconds: float) -> str:
    """Seconds as a short number for a URL or an attribute: `12.5`, `2`, `3.125`."""
    return f"{round(seconds, 3):g}"


def clock(seconds: float) -> str:
    """`m:ss` or `h:mm:ss`."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


class TranscriptCue(models.Model):
    """One timed cue of a video's transcript, for finding the moment words are spoken.

    Derived data of `Video.segments`, kept by the database: a trigger (migration 0003_owner)
    rewrites a video's cues in the same statement that changes its segments, whichever code
    writes the row (the aggregator's upsert, the rebuild's merge, a test).
    """

    video = models.ForeignKey(
        Video, on_delete=models.CASCADE, related_name="transcript_cues", db_index=False
    )
    position = models.PositiveIntegerField()
    start = models.FloatField()
    end = models.FloatField()
    text = models.TextField()
    search_vector = models.GeneratedField(
        expression=SearchVector("text", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["video", "position"]
        constraints = [
            models.UniqueConstraint(fields=["video", "position"], name="cue_once_per_position")
        ]

    def __str__(self) -> str:
        return f"{self.video_id} @ {self.start:.1f}s"


class SearchEntry(models.Model):
    """A listed (public, ready) video's search vector: its title (weight A), description (B) and
    transcript (C), with the `SEARCH_CONFIG` configuration.

    Derived data of `Video`, kept by the database: a trigger (migration 0005_search_entries)
    writes a video's entry in the same statement that makes it listed or changes its words, and
    removes it in the statement that unlists it (a deleted row takes its entry along), whichever
    code writes the row. Its own narrow table, with the vector kept in the row rather than out
    of line (storage MAIN), so that what a search reads is what the planner counts, and so that
    the rows every other page reads stay small.
    """

    video = models.OneToOneField(
        Video,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_entry",
    )
    created_at = models.DateTimeField(help_text="the video's, for the newest matches first")
    search_vector = SearchVectorField()

    class Meta:
        verbose_name_plural = "search entries"
        indexes = [
            models.Index(fields=["-created_at", "-video"], name="search_entry_newest"),
            GinIndex(fields=["search_vector"], name="search_entry_vector"),
        ]

    def __str__(self) -> str:
        return str(self.video_id)


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
