"""Pages of the site. Views stay thin: reads go through `selectors`, writes through `services`.

Who sees what: a private video exists only for its owner and staff (anyone else gets the 404
page, so its existence does not leak); a deleted video answers 410; only the owner and staff may
edit, hide or delete a video (403 for anyone else who can see it).
"""

from __future__ import annotations

import functools
import logging
import math
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.health import first_line
from config.middleware import RETRY_AFTER_SECONDS
from config.middleware import UNAVAILABLE as DATABASE_DOWN
from message_store.errors import MessageStoreError
from message_store.messages import new_id
from transcode import files
from videos import playlists, selectors, services, uploads
from videos.forms import DetailsForm, SignUpForm, UploadForm, VisibilityForm
from videos.models import Video

logger = logging.getLogger(__name__)

UNAVAILABLE = "The catalog is unavailable right now. Please try again in a moment."
STORAGE_UNAVAILABLE = (
    "The video could not be stored right now; nothing was saved. Please try again in a moment."
)


class VideoGone(Exception):
    """The video was deleted: its pages answer 410."""


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    page = selectors.home_page(request.GET.get("page"))
    context = {"page": page, "videos": page.object_list, "page_range": _page_range(page)}
    return render(request, "videos/home.html", context)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    found = selectors.search(request.GET.get("q"), request.GET.get("page"))
    context = {"search": found, "q": found.query, "page": found.page}
    if found.page is not None:
        context["page_range"] = _page_range(found.page)
    return render(request, "videos/search.html", context)


def _page_range(page) -> list:
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@login_required
@require_GET
def my_videos(request: HttpRequest) -> HttpResponse:
    videos = list(selectors.owner_videos(request.user))
    return render(request, "videos/my_videos.html", {"videos": videos})


@csrf_exempt  # CSRF is checked by `_upload`, once the size limit is in place (see below).
@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """The upload page. A body over the size limit is refused with 413 before it is read.

    The CSRF check reads the form, which reads the body; so the size-limit handler must be
    installed first, and the check runs right after, in `_upload`.
    """
    if request.method == "POST":
        limit = uploads.SizeLimitUploadHandler(request, max_bytes=settings.MAX_UPLOAD_BYTES)
        request.upload_handlers.insert(0, limit)
        try:
            request.POST  # noqa: B018 - parses the body with the limit in place
        except MultiPartParserError:
            return _upload_page(request, UploadForm(), "The upload was malformed.", status=400)
        if limit.exceeded:
            message = uploads.too_large_message(settings.MAX_UPLOAD_BYTES)
            return _upload_page(request, UploadForm(), message, status=413)
    return _upload(request)


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _upload_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form, status=413 if form.too_large else 400)
    try:
        video_id = services.video_upload(
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            visibility=form.cleaned_data["visibility"],
            upload=form.cleaned_data["file"],
            extension=form.extension,
            user_id=str(request.user.pk),
            trace_id=new_id(),
            upload_key=form.cleaned_data["upload_key"],
        )
    except files.StorageUnavailable as error:
        logger.error("could not store an upload: %s", error)
        response = _upload_page(request, form, STORAGE_UNAVAILABLE, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    except MessageStoreError:
        logger.exception("could not write the Catalog command")
        return _upload_page(request, form, UNAVAILABLE, status=503)
    return redirect("video", video_id=video_id)


def _upload_page(
    request: HttpRequest, form: UploadForm, error: str = "", *, status: int = 200
) -> HttpResponse:
    context = {"form": form, "error": error, "max_bytes": settings.MAX_UPLOAD_BYTES}
    return render(request, "videos/upload.html", context, status=status)


def video_page(*, managed: bool = False):
    """Views of one video get it found, or answer for it: 404 for an unknown id or a private
    video of someone else, 410 for a deleted one, and with `managed` 403 for anyone but its
    owner and staff."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, video_id: uuid.UUID, **kwargs) -> HttpResponse:
            try:
                found = (_managed_video if managed else _visible_video)(request, video_id)
            except VideoGone:
                return render(request, "videos/deleted.html", status=410)
            return view(request, found, **kwargs)

        return wrapper

    return decorate


@require_GET
@video_page()
def video(request: HttpRequest, found: Video) -> HttpResponse:
    context = {
        "video": found,
        "status": selectors.video_status(found),
        "steps": _steps(found),
        "manages": found.is_managed_by(request.user),
        "start": _start_seconds(request.GET.get("t")),
    }
    if request.user.is_staff and found.trace_id:
        context["trace_url"] = reverse(
            "admin:message_store_message_trace", kwargs={"trace_id": found.trace_id}
        )
    return render(request, "videos/video.html", context)


@require_GET
@video_page()
def playlist(request: HttpRequest, found: Video, path: str) -> HttpResponse:
    """One of the video's HLS playlists, its URIs signed (see `videos.playlists`)."""
    try:
        body, max_age = playlists.signed_playlist(found, path)
    except playlists.PlaylistError as error:
        logger.warning("playlist %s of video %s not served: %s", path, found.id, error)
        raise Http404("No such playlist.") from None
    response = HttpResponse(body, content_type="application/vnd.apple.mpegurl; charset=utf-8")
    # By this browser only: it holds signed URLs, and the video may become private.
    response.headers["Cache-Control"] = f"private, max-age={max_age}"
    return response


@never_cache
@require_GET
def video_status(request: HttpRequest, video_id: str) -> JsonResponse:
    """JSON for every answer, errors included: a bad id, a hidden or deleted video, a database
    that is down."""
    try:
        parsed = uuid.UUID(video_id)
    except ValueError:
        return JsonResponse({"error": "not found"}, status=404)
    if str(parsed) != video_id:
        return JsonResponse({"error": "not found"}, status=404)
    try:
        found = _visible_video(request, parsed)
        return JsonResponse(selectors.video_status(found))
    except Http404:
        return JsonResponse({"error": "not found"}, status=404)
    except VideoGone:
        return JsonResponse({"error": "deleted"}, status=410)
    except DATABASE_DOWN as error:
        logger.warning("status of video %s unavailable: %s", video_id, first_line(error))
        return JsonResponse({"error": "unavailable"}, status=503)
    except (DatabaseError, MessageStoreError):
        logger.exception("status of video %s unavailable", video_id)
        return JsonResponse({"error": "unavailable"}, status=503)


@login_required
@require_http_methods(["GET", "POST"])
@video_page(managed=True)
def edit(request: HttpRequest, found: Video) -> HttpResponse:
    initial = {
        "title": found.title,
        "description": found.description,
        "visibility": found.visibility,
    }
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _send_changes(request, found, form.cleaned_data)
        except MessageStoreError:
            logger.exception("could not write the owner's commands")
            return _edit_page(request, found, form, UNAVAILABLE, status=503)
        messages.success(request, "Saved. The changes show here in a moment.")
        return redirect("video", video_id=found.id)
    return _edit_page(request, found, form, status=400 if request.method == "POST" else 200)


def _send_changes(request: HttpRequest, video: Video, data: dict) -> None:
    trace_id, user_id = new_id(), str(request.user.pk)
    if (data["title"], data["description"]) != (video.title, video.description):
        services.video_change_details(
            video_id=video.id,
            title=data["title"],
            description=data["description"],
            user_id=user_id,
            trace_id=trace_id,
        )
    if data["visibility"] != video.visibility:
        services.video_change_visibility(
            video_id=video.id, visibility=data["visibility"], user_id=user_id, trace_id=trace_id
        )


def _edit_page(
    request: HttpRequest, video: Video, form: DetailsForm, error: str = "", *, status: int = 200
) -> HttpResponse:
    context = {"video": video, "form": form, "error": error}
    return render(request, "videos/edit.html", context, status=status)


@login_required
@require_POST
@video_page(managed=True)
def change_visibility(request: HttpRequest, found: Video) -> HttpResponse:
    form = VisibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please choose public, unlisted or private.")
    elif form.cleaned_data["visibility"] != found.visibility:
        try:
            services.video_change_visibility(
                video_id=found.id,
                visibility=form.cleaned_data["visibility"],
                user_id=str(request.user.pk),
                trace_id=new_id(),
            )
        except MessageStoreError:
            logger.exception("could not write ChangeVisibility")
            messages.error(request, UNAVAILABLE)
        else:
            label = Video.Visibility(form.cleaned_data["visibility"]).label.split(":")[0]
            messages.success(request, f"“{found.title or 'Untitled video'}” is now {label}.")
    return redirect(_safe_next(request) or reverse("video", kwargs={"video_id": found.id}))


@login_required
@require_http_methods(["GET", "POST"])
@video_page(managed=True)
def delete(request: HttpRequest, found: Video) -> HttpResponse:
    if request.method == "POST":
        try:
            services.video_delete(
                video_id=found.id, user_id=str(request.user.pk), trace_id=new_id()
            )
        except MessageStoreError:
            logger.exception("could not write Delete")
            context = {"video": found, "error": UNAVAILABLE}
            return render(request, "videos/delete.html", context, status=503)
        title = found.title or "Untitled video"
        messages.success(request, f"“{title}” is being deleted, with its files and transcript.")
        return redirect("my-videos")
    return render(request, "videos/delete.html", {"video": found})


def _visible_video(request: HttpRequest, video_id: uuid.UUID) -> Video:
    found = selectors.find_video(video_id)
    if found is None or not found.is_visible_to(request.user):
        raise Http404("No such video.")
    if found.is_deleted:
        raise VideoGone
    return found


def _managed_video(request: HttpRequest, video_id: uuid.UUID) -> Video:
    found = _visible_video(request, video_id)
    if not found.is_managed_by(request.user):
        raise PermissionDenied("Only the video's owner may do this.")
    return found


def _start_seconds(value: str | None) -> float:
    """`?t=<seconds>` as a number; 0 when absent or not a sensible time."""
    try:
        seconds = float(value or 0)
    except ValueError:
        return 0.0
    return seconds if math.isfinite(seconds) and 0 < seconds < 10**7 else 0.0


def _steps(video: Video) -> list[dict]:
    """The progress list: each step with its label and state (done, current, failed, todo)."""
    labels = ["Uploaded", "Processing started", "Transcoded", "Transcribed", "Ready"]
    reached = video.step
    steps = []
    for index, label in enumerate(labels):
        if index <= reached and not (video.is_failed and index == len(labels) - 1):
            state = "done"
        elif index == reached + 1:
            state = "failed" if video.is_failed else "current"
        else:
            state = "todo"
        steps.append({"label": label, "state": state})
    return steps


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(_safe_next(request) or "home")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "next": _safe_next(request) or ""}
    return render(request, "registration/signup.html", context, status=status)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("videos/favicon.svg"), permanent=True)


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None
