"""URLs of the videos site. Video ids are UUIDs: anything else never reaches a view (404)."""

from django.urls import path

from videos import views

urlpatterns = [
    path("", views.home, name="home"),
    path("upload/", views.upload, name="upload"),
    path("videos/<uuid:video_id>/", views.video, name="video"),
    path("videos/<uuid:video_id>/status.json", views.video_status, name="video-status"),
]
