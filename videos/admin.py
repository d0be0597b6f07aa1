"""Admin for the view data. Every field is derived from the message store, so all are read-only:
fix a row by fixing the events (or the aggregator) and running `manage.py rebuild_videos`.

"Delete" does not delete the row: it sends the catalog a `Delete` command from the staff member,
as the owner's delete page does, and the row follows the events (deleted, then erased)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from message_store.errors import MessageStoreError
from message_store.messages import new_id
from videos import services
from videos.models import Tracking, Video


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = (
        "title_or_id",
        "status",
        "visibility",
        "owner",
        "duration",
        "created_at",
        "updated_at",
    )
    list_filter = ("status", "visibility", ("owner", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "=id", "owner__username")
    date_hierarchy = "created_at"
    list_select_related = ("owner",)
    show_full_result_count = False
    actions = ("send_delete",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "id",
                    "page_link",
                    "trace",
                    "title",
                    "description",
                    "visibility",
                    "owner",
                    "status",
                    "failure_reason",
                )
            },
        ),
        (
            "Media",
            {
                "fields": (
                    "source_name",
                    "video_name",
                    "poster_name",
                    "captions_name",
                    "duration_seconds",
                    "width",
                    "height",
                )
            },
        ),
        ("Transcript", {"fields": ("transcript",), "classes": ("collapse",)}),
        (
            "Bookkeeping",
            {"fields": ("created_at", "updated_at", "step_at", "last_global_position")},
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Video._meta.fields] + ["page_link", "trace"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Video) -> None:
        """Ask the catalog to delete the video; the row itself is the aggregator's."""
        self._send_delete(request, [obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Video]) -> None:
        self._send_delete(request, list(queryset))

    def get_deleted_objects(self, objs, request):
        """The confirmation page lists the videos only: derived rows follow the events."""
        return [str(obj) for obj in objs], {}, set(), []

    def response_delete(self, request, obj_display, obj_id):
        response = super().response_delete(request, obj_display, obj_id)
        list(messages.get_messages(request))  # drop Django's "deleted successfully"
        messages.info(request, f"Delete sent for “{obj_display}”: the catalog removes it shortly.")
        return response

    @admin.action(description="Delete selected videos (sends Delete to the catalog)")
    def send_delete(self, request: HttpRequest, queryset: QuerySet[Video]) -> None:
        count = self._send_delete(request, list(queryset.exclude(status=Video.Status.DELETED)))
        self.message_user(request, f"Delete sent for {count} video(s).", messages.SUCCESS)

    def _send_delete(self, request: HttpRequest, videos: list[Video]) -> int:
        trace_id = new_id()
        sent = 0
        for video in videos:
            try:
                services.video_delete(
                    video_id=video.id, user_id=str(request.user.pk), trace_id=trace_id
                )
            except MessageStoreError as error:
                self.message_user(request, f"Could not send Delete: {error}", messages.ERROR)
                break
            sent += 1
        return sent

    @admin.display(description="title", ordering="title")
    def title_or_id(self, video: Video) -> str:
        return video.title or str(video.id)

    @admin.display(description="duration", ordering="duration_seconds")
    def duration(self, video: Video) -> str:
        return video.duration_display

    @admin.display(description="page")
    def page_link(self, video: Video) -> str:
        return format_html('<a href="{}">View on site</a>', video.get_absolute_url())

    @admin.display(description="trace")
    def trace(self, video: Video) -> str:
        if not video.trace_id:
            return "—"
        url = reverse("admin:message_store_message_trace", kwargs={"trace_id": video.trace_id})
        return format_html('<a href="{}">Trace of the upload ({})</a>', url, video.trace_id)


@admin.register(Tracking)
class TrackingAdmin(admin.ModelAdmin):
    """How far the aggregator has applied each category (its positions live here, with the
    rows, rather than as `Read` events in the message store)."""

    list_display = ("subscriber_id", "position", "updated_at")
    ordering = ("subscriber_id",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
