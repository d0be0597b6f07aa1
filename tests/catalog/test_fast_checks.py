"""The catalog's checks of ids and sources, written for speed (a rebuild checks every video), give
the answers of the library functions they stand for: `uuid.UUID` for a canonical id, Django's
`validate_file_name` for a name that stays in the storage."""

from __future__ import annotations

import itertools
import uuid

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.utils import validate_file_name

from catalog import checks
from message_store.contracts import MalformedMessageError
from message_store.messages import Message
from tests.videos import controls

PARTS = ["", ".", "..", "...", "a", "a.mp4", "..a", "a..", " ", ". .", "é", "%2e%2e"]
NAMES = sorted(
    {
        prefix + "/".join(parts)
        for length in range(1, 4)
        for parts in itertools.product(PARTS, repeat=length)
        for prefix in ("", "/", "//", "./")
    }
)
"""Every name of up to three parts from PARTS, relative or absolute."""

SAMPLE = "5b1f6c0e-3d2a-4c55-9a57-6c1a2b3c4d5e"
IDS = [
    SAMPLE,
    SAMPLE.upper(),
    SAMPLE.replace("-", ""),
    "{" + SAMPLE + "}",
    "urn:uuid:" + SAMPLE,
    SAMPLE + "\n",
    " " + SAMPLE,
    SAMPLE[:-1],
    SAMPLE + "0",
    SAMPLE[:8] + "_" + SAMPLE[9:],
    "g" + SAMPLE[1:],
    "\u0665" + SAMPLE[1:],  # an Arabic-Indic five: int() reads it, a UUID has none
    "",
    "not-a-uuid",
    str(uuid.UUID(int=0)),
    str(uuid.UUID(int=2**128 - 1)),
]


def message() -> Message:
    return controls.catalog()


def django_refuses(name: str) -> bool:
    try:
        validate_file_name(name, allow_relative_path=True)
    except SuspiciousFileOperation:
        return True
    return False


def test_a_name_leaves_the_storage_exactly_when_django_says_so():
    assert len(NAMES) > 5000
    disagreements = [
        name for name in NAMES if checks._leaves_the_storage(name) != django_refuses(name)
    ]

    assert disagreements == []


@pytest.mark.parametrize("value", IDS)
def test_an_id_is_canonical_exactly_when_uuid_prints_it_back(value):
    try:
        canonical = str(uuid.UUID(value)) == value
    except ValueError:
        canonical = False

    if canonical:
        checks.require_uuid(message(), "videoId", value)
    else:
        with pytest.raises(MalformedMessageError, match="is not a UUID"):
            checks.require_uuid(message(), "videoId", value)


@pytest.mark.parametrize("name", ["uploads/a\x7fb.mp4", "uploads/a\x00b.mp4", "uploads/\tx.mp4"])
def test_control_characters_are_refused_as_before(name):
    with pytest.raises(MalformedMessageError, match="control characters"):
        checks.require_storage_name(message(), "uri", name)


@pytest.mark.parametrize("name", ["http://x/y.mp4", "HTTPS://x/y.mp4", "s3:bucket/x", "//x/y"])
def test_urls_are_refused_with_or_without_a_colon_scheme(name):
    with pytest.raises(MalformedMessageError, match="it is a URL"):
        checks.require_storage_name(message(), "uri", name)


@pytest.mark.parametrize("name", ["uploads/a:b.mp4", "uploads/1:2/x.mp4"])
def test_a_colon_inside_a_plain_name_is_no_scheme(name):
    checks.require_storage_name(message(), "uri", name)
