"""URL configuration: health and metrics, the admin, accounts (Django's own views), the videos
site, and files.

Media and static files are served by Django itself: through `static()` with DEBUG, and through
`videos.serving` without it, for local storage. That is for development, tests and small
installs; in production let a web server or CDN serve them (see `videos/serving.py`).
"""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import include, path

from config import health
from videos import serving
from videos import views as video_views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", include("django_prometheus.urls")),
    path("admin/", admin.site.urls),
    path("accounts/signup/", video_views.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),  # password change and reset
    path("", include("videos.urls")),
]

if settings.DEBUG:
    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, view=serving.media, document_root=settings.MEDIA_ROOT)
else:
    urlpatterns += serving.patterns()
