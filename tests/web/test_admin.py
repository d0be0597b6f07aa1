"""The admin: videos (read-only view data) and the read-only window on the message store."""

import pytest
from django.urls import reverse

from message_store.messages import NewMessage, new_id
from message_store.models import ParkedMessage
from tests.videos import controls
from tests.web.conftest import PASSWORD, make_video
from videos.models import Video

VIDEO_ADMIN = "/admin/videos/video/"
MESSAGE_ADMIN = "/admin/message_store/message/"
PARKED_ADMIN = "/admin/message_store/parkedmessage/"


@pytest.fixture
def staff(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(admin)
    return client


@pytest.fixture
def stored(store):
    """A traced happy path, another video's command, and two subscriber positions."""
    store.write_batch([controls.as_new(message) for message in controls.happy_path()])
    store.write(controls.as_new(controls.catalog(video_id=controls.OTHER_VIDEO_ID)))
    for subscriber, position in (("videos-aggregator", 3), ("catalog-commands", 6)):
        store.write(
            NewMessage(
                id=new_id(),
                stream_name=f"subscriberPosition-{subscriber}",
                type="Read",
                data={"position": position},
            )
        )
    return store


# Videos ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_videos_list_search_and_filters(staff, user):
    make_video(title="Cats at play", owner=user)
    make_video(title="Dogs", status="failed", failure_reason="boom")

    listing = staff.get(VIDEO_ADMIN)
    search = staff.get(VIDEO_ADMIN, {"q": "cats"})
    failed = staff.get(VIDEO_ADMIN, {"status__exact": "failed"})
    owned = staff.get(VIDEO_ADMIN, {"owner__id__exact": user.pk})

    assert listing.status_code == 200
    assert b"Cats at play" in listing.content
    assert [v.title for v in search.context["cl"].result_list] == ["Cats at play"]
    assert [v.title for v in failed.context["cl"].result_list] == ["Dogs"]
    assert [v.title for v in owned.context["cl"].result_list] == ["Cats at play"]


@pytest.mark.django_db
def test_a_video_is_shown_read_only(staff):
    video = make_video(title="Read only")

    page = staff.get(f"{VIDEO_ADMIN}{video.pk}/change/")
    post = staff.post(f"{VIDEO_ADMIN}{video.pk}/change/", {"title": "Changed"})

    assert page.status_code == 200
    assert b'name="title"' not in page.content
    assert f'href="/videos/{video.pk}/"'.encode() in page.content
    assert post.status_code == 403
    assert staff.get(f"{VIDEO_ADMIN}add/").status_code == 403


@pytest.mark.django_db
def test_only_staff_get_in(client, user):
    client.force_login(user)

    assert client.get(VIDEO_ADMIN).status_code == 302
    assert client.get(MESSAGE_ADMIN).status_code == 302
    assert client.get(f"{MESSAGE_ADMIN}subscribers/").status_code == 302


# Messages --------------------------------------------------------------------------------


def test_messages_filtered_by_category_and_type(staff, stored):
    everything = staff.get(MESSAGE_ADMIN)
    commands = staff.get(MESSAGE_ADMIN, {"category": "catalog:command"})
    transcoded = staff.get(MESSAGE_ADMIN, {"type__exact": "Transcoded"})

    assert everything.status_code == 200
    assert b"subscriberPosition" in everything.content  # offered as a category
    assert {m.type for m in commands.context["cl"].result_list} == {"Catalog"}
    assert len(commands.context["cl"].result_list) == 2
    assert [m.type for m in transcoded.context["cl"].result_list] == ["Transcoded"]


def test_messages_searched_by_stream_and_trace(staff, stored):
    by_stream = staff.get(MESSAGE_ADMIN, {"q": controls.OTHER_VIDEO_ID})
    by_trace = staff.get(MESSAGE_ADMIN, {"q": controls.TRACE_ID})
    by_exact_stream = staff.get(MESSAGE_ADMIN, {"stream_name": f"catalog-{controls.VIDEO_ID}"})

    assert len(by_stream.context["cl"].result_list) == 1
    assert len(by_trace.context["cl"].result_list) == 6
    assert len(by_exact_stream.context["cl"].result_list) == 4


def test_a_message_shows_pretty_json_and_links_its_trace(staff, stored):
    message = stored.read(f"catalog-{controls.VIDEO_ID}")[1]

    page = staff.get(f"{MESSAGE_ADMIN}{message.global_position}/change/")

    html = page.content.decode()
    assert page.status_code == 200
    assert '<pre class="message-json">' in html
    assert "&quot;transcodedUri&quot;: &quot;" in html
    assert reverse("admin:message_store_message_trace", args=[controls.TRACE_ID]) in html


def test_messages_cannot_be_added_changed_or_deleted(staff, stored):
    message = stored.read(f"catalog-{controls.VIDEO_ID}")[0]
    url = f"{MESSAGE_ADMIN}{message.global_position}/"

    assert staff.get(f"{MESSAGE_ADMIN}add/").status_code == 403
    assert staff.post(f"{url}change/", {"type": "Forged"}).status_code == 403
    assert staff.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    assert stored.read(f"catalog-{controls.VIDEO_ID}")[0].type == "Started"


def test_the_trace_view_lists_a_trace_in_global_order(staff, stored):
    page = staff.get(reverse("admin:message_store_message_trace", args=[controls.TRACE_ID]))

    assert page.status_code == 200
    types = [row["message"].type for row in page.context["rows"]]
    assert types == ["Catalog", "Started", "Transcoded", "Transcribed", "Cataloged", "Catalog"]
    positions = [row["message"].global_position for row in page.context["rows"]]
    assert positions == sorted(positions)


def test_subscriber_positions_and_lag(staff, stored):
    page = staff.get(reverse("admin:message_store_subscribers"))

    assert page.status_code == 200
    rows = {row["subscriber_id"]: row for row in page.context["subscribers"]}
    assert rows["videos-aggregator"]["position"] == 3
    assert rows["videos-aggregator"]["lag"] == 2  # Transcribed, Cataloged
    assert rows["videos-aggregator"]["lag_seconds"] >= 0
    assert rows["catalog-commands"]["lag"] == 0  # caught up: positions written since count not
    assert rows["catalog-commands"]["lag_seconds"] is None
    assert not rows["videos-aggregator"]["alive"]  # no consumer process runs here
    assert b"subscriber-positions" in page.content
    assert b"<strong>down</strong>" in page.content


# Parked messages -------------------------------------------------------------------------


@pytest.fixture
def parked(stored):
    message = stored.read(f"catalog-{controls.VIDEO_ID}")[1]
    return ParkedMessage.objects.create(
        subscriber_id="videos-aggregator",
        message_id=message.id,
        global_position=message.global_position,
        stream_name=message.stream_name,
        type=message.type,
        data=message.data,
        metadata=message.metadata,
        error="MalformedMessageError: width must be an int",
    )


def test_parked_messages_are_listed_and_shown_read_only(staff, parked):
    listing = staff.get(PARKED_ADMIN)
    page = staff.get(f"{PARKED_ADMIN}{parked.pk}/change/")

    assert b"videos-aggregator" in listing.content
    assert page.status_code == 200
    assert b"width must be an int" in page.content
    assert b'name="error"' not in page.content


def test_replay_requests_a_replay(staff, parked):
    response = staff.post(
        PARKED_ADMIN, {"action": "replay", "_selected_action": [parked.pk]}, follow=True
    )

    parked.refresh_from_db()
    assert parked.status == ParkedMessage.Status.REPLAY_REQUESTED
    assert b"Replay requested for 1 message" in response.content


def test_dismiss(staff, parked):
    staff.post(PARKED_ADMIN, {"action": "dismiss", "_selected_action": [parked.pk]})

    parked.refresh_from_db()
    assert parked.status == ParkedMessage.Status.DISMISSED
    assert parked.resolved_at is not None


# The owner's issue: deletes through the catalog, odd data, errors, trace links -------------


@pytest.mark.django_db
def test_the_video_admin_links_to_the_trace(staff):
    video = make_video(trace_id="trace-77")

    page = staff.get(f"{VIDEO_ADMIN}{video.pk}/change/")

    assert b'href="/admin/message_store/message/trace/trace-77/"' in page.content


def test_delete_in_the_admin_sends_delete_and_keeps_the_row(staff, store):
    video = make_video(title="Spam")

    confirm = staff.get(f"{VIDEO_ADMIN}{video.pk}/delete/")
    done = staff.post(f"{VIDEO_ADMIN}{video.pk}/delete/", {"post": "yes"}, follow=True)

    assert confirm.status_code == 200
    assert b"transcript cue" not in confirm.content.lower()
    assert b"Delete sent for" in done.content
    assert b"deleted successfully" not in done.content
    [command] = store.read(f"catalog:command-{video.pk}")
    assert command.type == "Delete"
    assert Video.objects.filter(pk=video.pk).exists()


def test_the_delete_action_sends_one_command_per_video(staff, store):
    videos = [make_video(), make_video()]

    staff.post(VIDEO_ADMIN, {"action": "send_delete", "_selected_action": [v.pk for v in videos]})

    assert {m.stream_name for m in store.read("catalog:command")} == {
        f"catalog:command-{video.pk}" for video in videos
    }
    assert Video.objects.count() == 2


@pytest.mark.parametrize("metadata", ['"just a string"', "[1, 2]", "null", "42", '{"traceId": 7}'])
def test_odd_metadata_never_breaks_the_messages_admin(staff, store, metadata):
    with store.connection() as connection:
        connection.execute(
            "SELECT message_store.write_message(%s, 'odd-1', 'Odd', '\"data\"'::jsonb, %s::jsonb)",
            (new_id(), metadata),
        )
    message = store.read("odd-1")[0]

    listing = staff.get(MESSAGE_ADMIN)
    searched = staff.get(MESSAGE_ADMIN, {"q": "odd"})
    page = staff.get(f"{MESSAGE_ADMIN}{message.global_position}/change/")

    assert (listing.status_code, searched.status_code, page.status_code) == (200, 200, 200)


def test_the_parked_list_shows_each_error(staff, parked):
    listing = staff.get(PARKED_ADMIN)

    assert b"MalformedMessageError: width must be an int" in listing.content


def test_a_subscriber_of_no_known_component_counts_what_lies_ahead(staff, stored):
    stored.write(
        NewMessage(
            id=new_id(),
            stream_name="subscriberPosition-someone-else",
            type="Read",
            data={"position": 6},
        )
    )

    page = staff.get(reverse("admin:message_store_subscribers"))

    rows = {row["subscriber_id"]: row for row in page.context["other_positions"]}
    assert rows["someone-else"]["lag"] == 0
    assert "videos-aggregator" not in rows  # a component's subscriber: in the first table
