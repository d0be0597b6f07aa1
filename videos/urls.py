"""URLs of the videos site. Video ids are UUIDs: anything else never reaches a page view (404);
`status.json` takes any id so that it can answer JSON even for a malformed one."""

from django.urls import path

from videos import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("upload/", views.upload, name="upload"),
    path("my/videos/", views.my_videos, name="my-videos"),
    path("videos/<uuid:video_id>/", views.video, name="video"),
    path("videos/<uuid:video_id>/edit/", views.edit, name="video-edit"),
    path("videos/<uuid:video_id>/visibility/", views.change_visibility, name="video-visibility"),
    path("videos/<uuid:video_id>/delete/", views.delete, name="video-delete"),
    path("videos/<uuid:video_id>/hls/<path:path>", views.playlist, name="video-playlist"),
    path("videos/<str:video_id>/status.json", views.video_status, name="video-status"),
    path("favicon.ico", views.favicon),
]
