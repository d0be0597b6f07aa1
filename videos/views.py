"""Pages of the site. Views stay thin: reads go through `selectors`, writes through `services`."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from message_store.errors import MessageStoreError
from message_store.messages import new_id
from videos import selectors, services, uploads
from videos.forms import SignUpForm, UploadForm
from videos.models import Video

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    page = selectors.home_page(request.GET.get("page"))
    return render(request, "videos/home.html", {"page": page, "videos": page.object_list})


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
            upload=form.cleaned_data["file"],
            extension=form.extension,
            user_id=str(request.user.pk),
            trace_id=new_id(),
        )
    except MessageStoreError:
        logger.exception("could not write the Catalog command")
        message = "The catalog is unavailable right now. Please try again in a moment."
        return _upload_page(request, form, message, status=503)
    return redirect("video", video_id=video_id)


def _upload_page(
    request: HttpRequest, form: UploadForm, error: str = "", *, status: int = 200
) -> HttpResponse:
    context = {"form": form, "error": error, "max_bytes": settings.MAX_UPLOAD_BYTES}
    return render(request, "videos/upload.html", context, status=status)


@require_GET
def video(request: HttpRequest, video_id: uuid.UUID) -> HttpResponse:
    found = selectors.find_video(video_id)
    if found is None:
        raise Http404("No such video.")
    context = {
        "video": found,
        "status": selectors.video_status(found),
        "steps": _steps(found),
    }
    return render(request, "videos/video.html", context)


@never_cache
@require_GET
def video_status(request: HttpRequest, video_id: uuid.UUID) -> JsonResponse:
    found = selectors.find_video(video_id)
    if found is None:
        return JsonResponse({"error": "not found"}, status=404)
    return JsonResponse(selectors.video_status(found))


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


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None
