"""A read-only window on the message store, for staff: messages, traces, subscribers, parked.

Messages can be browsed by category, type and stream, searched by stream name, message id or
trace id, and followed through a trace (every message of one `traceId`, in global order).
The subscribers page shows what `manage.py status` shows (`message_store.status`): every
component's subscribers with their stored positions (`Read` events, or the aggregator's tracking
rows), lag, liveness from the consumers' heartbeats, parked messages and the message in hand,
then any other positions stored in `subscriberPosition-{id}` streams. Parked messages can be
replayed (the owning consumer picks the request up) or dismissed.
Nothing here writes an event: the store is append-only and only the components write to it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator

from config.routers import MESSAGE_STORE_DB
from message_store import parking, status
from message_store.models import Category, Message, ParkedMessage
from message_store.positions import POSITION_CATEGORY
from message_store.queries import SUBSCRIBER_POSITIONS_SQL

TRACE_LIMIT = 1000
ERROR_PREVIEW = 160


def pretty_json(value: Any) -> str:
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    return format_html('<pre class="message-json">{}</pre>', text)


def trace_url(trace_id: str) -> str:
    return reverse("admin:message_store_message_trace", kwargs={"trace_id": trace_id})


def trace_link(metadata: Any) -> str:
    """A link to the trace of a message whose metadata may be anything another writer stored
    (an object, a string, an array, null)."""
    trace_id = metadata.get("traceId") if isinstance(metadata, dict) else None
    if not isinstance(trace_id, str) or not trace_id:
        return "—"
    return format_html('<a href="{}">{}</a>', trace_url(trace_id), trace_id)


class CategoryFilter(admin.SimpleListFilter):
    title = "category"
    parameter_name = "category"

    def lookups(self, request, model_admin):
        categories = (
            Message.objects.annotate(category=Category(F("stream_name")))
            .order_by("category")
            .values_list("category", flat=True)
            .distinct()
        )
        return [(name, name) for name in categories]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.alias(category=Category(F("stream_name"))).filter(category=self.value())
        return queryset


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows rows; never adds, changes or deletes them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("global_position", "time", "stream", "position", "type", "category", "trace")
    list_display_links = ("global_position",)
    list_filter = (CategoryFilter, "type")
    search_fields = ("stream_name",)
    search_help_text = "Stream name (part of it), message id, or trace id."
    ordering = ("-global_position",)
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # counting per filter value scans the whole store
    list_per_page = 50
    fields = (
        "global_position",
        "id",
        "stream",
        "position",
        "type",
        "category",
        "time",
        "trace",
        "data_json",
        "metadata_json",
    )
    readonly_fields = fields

    def get_search_results(self, request, queryset, search_term):
        results, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            results |= queryset.filter(metadata__traceId=term)
            if _is_uuid(term):
                results |= queryset.filter(id=term)
        return results, duplicates

    def get_urls(self):
        own = [
            path(
                "trace/<str:trace_id>/",
                self.admin_site.admin_view(self.trace_view),
                name="message_store_message_trace",
            ),
            path(
                "subscribers/",
                self.admin_site.admin_view(self.subscribers_view),
                name="message_store_subscribers",
            ),
        ]
        return own + super().get_urls()

    @admin.display(description="category")
    def category(self, message: Message) -> str:
        return message.stream_name.split("-", 1)[0]

    @admin.display(description="stream", ordering="stream_name")
    def stream(self, message: Message) -> str:
        url = reverse("admin:message_store_message_changelist")
        query = urlencode({"stream_name": message.stream_name})
        return format_html('<a href="{}?{}">{}</a>', url, query, message.stream_name)

    @admin.display(description="trace")
    def trace(self, message: Message) -> str:
        return trace_link(message.metadata)

    @admin.display(description="data")
    def data_json(self, message: Message) -> str:
        return pretty_json(message.data)

    @admin.display(description="metadata")
    def metadata_json(self, message: Message) -> str:
        return pretty_json(message.metadata)

    def trace_view(self, request: HttpRequest, trace_id: str) -> TemplateResponse:
        """Every message of one trace, in global order: the story of one request."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        found = list(
            Message.objects.filter(metadata__traceId=trace_id).order_by("global_position")[
                : TRACE_LIMIT + 1
            ]
        )
        rows = [
            {"message": message, "data": pretty_json(message.data)}
            for message in found[:TRACE_LIMIT]
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Trace {trace_id}",
            "trace_id": trace_id,
            "rows": rows,
            "truncated": len(found) > TRACE_LIMIT,
        }
        return TemplateResponse(request, "admin/message_store/trace.html", context)

    def subscribers_view(self, request: HttpRequest) -> TemplateResponse:
        """Every subscriber's position, lag and liveness; then other stored positions."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        current = status.current()
        known = {subscriber.subscriber_id for subscriber in current.subscribers}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Subscribers",
            "subscribers": [subscriber.as_data() for subscriber in current.subscribers],
            "processes": current.processes,
            "other_positions": [
                row for row in other_positions() if row["subscriber_id"] not in known
            ],
        }
        return TemplateResponse(request, "admin/message_store/subscribers.html", context)


def other_positions() -> list[dict[str, Any]]:
    """Every `Read` position in the store, with its time and the count of messages stored
    after it (subscriber positions aside): for subscribers no component defines, such as the
    workshop's exercises or an old group layout."""
    with connections[MESSAGE_STORE_DB].cursor() as cursor:
        cursor.execute(SUBSCRIBER_POSITIONS_SQL, {"category": POSITION_CATEGORY})
        rows = cursor.fetchall()
    return [
        {"subscriber_id": subscriber_id, "position": position, "time": time, "lag": lag}
        for subscriber_id, position, time, lag in rows
    ]


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@admin.register(ParkedMessage)
class ParkedMessageAdmin(admin.ModelAdmin):
    list_display = (
        "parked_at",
        "subscriber_id",
        "type",
        "stream_name",
        "short_error",
        "status",
        "attempts",
    )
    list_filter = ("status", "subscriber_id", "type")
    search_fields = ("stream_name", "=message_id", "error")
    ordering = ("-parked_at",)
    actions = ("replay", "dismiss")
    fields = (
        "subscriber_id",
        "status",
        "message_link",
        "stream_name",
        "type",
        "global_position",
        "attempts",
        "parked_at",
        "resolved_at",
        "error",
        "data_json",
        "metadata_json",
        "trace",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # The list's actions need it; a single parked message is shown read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Replay selected parked messages", permissions=["change"])
    def replay(self, request: HttpRequest, queryset: QuerySet[ParkedMessage]) -> None:
        selected = list(queryset.values_list("pk", flat=True))
        count = parking.request_replay(selected)
        self.message_user(
            request,
            f"Replay requested for {count} message(s); the consumer will handle them again."
            + (
                f" {len(selected) - count} were not parked and were left as they are."
                if count < len(selected)
                else ""
            ),
            messages.SUCCESS if count else messages.WARNING,
        )

    @admin.action(description="Dismiss selected parked messages", permissions=["change"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[ParkedMessage]) -> None:
        count = parking.dismiss(queryset.values_list("pk", flat=True))
        self.message_user(request, f"Dismissed {count} message(s).", messages.SUCCESS)

    @admin.display(description="message")
    def message_link(self, parked: ParkedMessage) -> str:
        url = reverse("admin:message_store_message_change", args=[parked.global_position])
        return format_html('<a href="{}">{}</a>', url, parked.message_id)

    @admin.display(description="trace")
    def trace(self, parked: ParkedMessage) -> str:
        return trace_link(parked.metadata)

    @admin.display(description="error")
    def short_error(self, parked: ParkedMessage) -> str:
        return Truncator(parked.error).chars(ERROR_PREVIEW)

    @admin.display(description="data")
    def data_json(self, parked: ParkedMessage) -> str:
        return pretty_json(parked.data)

    @admin.display(description="metadata")
    def metadata_json(self, parked: ParkedMessage) -> str:
        return pretty_json(parked.metadata)
