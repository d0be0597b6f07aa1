"""The admin shows the aggregator's tracking rows, read-only."""

import pytest

from tests.videos import controls
from videos.models import Tracking

TRACKING_ADMIN = "/admin/videos/tracking/"

pytestmark = pytest.mark.django_db


def test_tracking_rows_are_listed_and_cannot_be_changed(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-12345678")
    client.force_login(admin)
    Tracking.objects.create(
        subscriber_id="videos-aggregator", position=42, updated_at=controls.TIME
    )

    listing = client.get(TRACKING_ADMIN)

    assert listing.status_code == 200
    assert b"videos-aggregator" in listing.content
    assert client.get(f"{TRACKING_ADMIN}add/").status_code == 403
    page = client.post(f"{TRACKING_ADMIN}videos-aggregator/change/", {"position": "1"})
    assert page.status_code == 403
    assert Tracking.objects.get().position == 42
