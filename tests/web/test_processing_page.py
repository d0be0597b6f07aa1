"""The processing page is honest: a step that has not moved for much longer than it should says
so plainly, and staff see a link to the video's trace in the admin."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.web.conftest import make_video

pytestmark = pytest.mark.django_db

STALLED = b"This is taking longer than usual; we are still on it."


def stalled_video(**fields):
    long_ago = timezone.now() - timedelta(hours=2)
    return make_video(status="started", video_name="", step_at=long_ago, trace_id="t-42", **fields)


def test_a_stalled_step_says_so(client):
    video = stalled_video()

    html = client.get(f"/videos/{video.id}/").content

    assert STALLED in html
    assert b'id="stalled" hidden' not in html


def test_a_step_in_time_keeps_it_hidden(client):
    video = make_video(status="started", video_name="", step_at=timezone.now())

    assert b'id="stalled" hidden' in client.get(f"/videos/{video.id}/").content


def test_staff_see_the_trace_and_others_do_not(client, user, staff_user):
    video = stalled_video(owner=user)

    client.force_login(user)
    owner_page = client.get(f"/videos/{video.id}/").content
    client.force_login(staff_user)
    staff_page = client.get(f"/videos/{video.id}/").content

    assert b'id="trace-link"' not in owner_page
    assert (
        b'id="trace-link" ' in staff_page
        or b"/admin/message_store/message/trace/t-42/" in staff_page
    )
