"""Forms: the upload (title and a checked video file) and the sign-up form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm

from videos import uploads
from videos.models import Video


class UploadForm(forms.Form):
    title = forms.CharField(max_length=Video.TITLE_MAX_LENGTH, strip=True)
    file = forms.FileField(
        label="Video file",
        widget=forms.FileInput(
            attrs={"accept": ",".join(["video/*", *uploads.ALLOWED_EXTENSIONS])}
        ),
    )

    extension: str = ""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.extension, _ = uploads.check_video(upload, max_bytes=settings.MAX_UPLOAD_BYTES)
        return upload

    @property
    def too_large(self) -> bool:
        return self.has_error("file", code="too_large")


class SignUpForm(UserCreationForm):
    """Django's own sign-up form: a username and a password typed twice."""
