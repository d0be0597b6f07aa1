"""Forms: the upload, the owner's edit and visibility forms, and the sign-up form.

Titles and descriptions are plain text: control characters other than line breaks and tabs
are removed, line endings become `\\n`, and the lengths are the catalog's own limits.
"""

from __future__ import annotations

import re
import uuid

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm

from videos import uploads
from videos.models import Video

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(value: str) -> str:
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


class PlainTextField(forms.CharField):
    def to_python(self, value):
        return plain_text(super().to_python(value))


def title_field() -> PlainTextField:
    return PlainTextField(max_length=Video.TITLE_MAX_LENGTH, strip=True)


def description_field() -> PlainTextField:
    return PlainTextField(
        max_length=Video.DESCRIPTION_MAX_LENGTH,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Plain text; line breaks are kept.",
    )


def visibility_field(*, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=Video.Visibility.choices,
        initial=Video.Visibility.PUBLIC,
        widget=forms.RadioSelect,
        required=required,
    )


class UploadForm(forms.Form):
    title = title_field()
    description = description_field()
    visibility = visibility_field(required=False)
    upload_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    file = forms.FileField(
        label="Video file",
        widget=forms.FileInput(
            attrs={"accept": ",".join(["video/*", *uploads.ALLOWED_EXTENSIONS])}
        ),
    )

    extension: str = ""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"upload_key": uuid.uuid4()})
        super().__init__(*args, **kwargs)

    def clean_visibility(self) -> str:
        return self.cleaned_data["visibility"] or Video.Visibility.PUBLIC

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.extension, _ = uploads.check_video(upload, max_bytes=settings.MAX_UPLOAD_BYTES)
        return upload

    @property
    def too_large(self) -> bool:
        return self.has_error("file", code="too_large")


class DetailsForm(forms.Form):
    title = title_field()
    description = description_field()
    visibility = visibility_field()


class VisibilityForm(forms.Form):
    visibility = visibility_field()


class SignUpForm(UserCreationForm):
    """Django's own sign-up form: a username, an optional e-mail address (only for resetting a
    forgotten password) and a password typed twice."""

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")
        help_texts = {"email": "Optional: only used to reset a forgotten password."}
