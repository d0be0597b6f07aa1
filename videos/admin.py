"""Admin for the view data. Every field is derived from the message store, so all are read-only:
fix a row by fixing the events (or the aggregator) and running `manage.py rebuild_videos`."""

from django.contrib import admin
from django.utils.html import format_html

from videos.models import Tracking, Video


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = ("title_or_id", "status", "owner", "duration", "created_at", "updated_at")
    list_filter = ("status", ("owner", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "=id", "owner__username")
    date_hierarchy = "created_at"
    list_select_related = ("owner",)
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("id", "page_link", "title", "owner", "status", "failure_reason")}),
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
        ("Bookkeeping", {"fields": ("created_at", "updated_at", "last_global_position")}),
    )

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Video._meta.fields] + ["page_link"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="title", ordering="title")
    def title_or_id(self, video: Video) -> str:
        return video.title or str(video.id)

    @admin.display(description="duration", ordering="duration_seconds")
    def duration(self, video: Video) -> str:
        return video.duration_display

    @admin.display(description="page")
    def page_link(self, video: Video) -> str:
        return format_html('<a href="{}">View on site</a>', video.get_absolute_url())


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
