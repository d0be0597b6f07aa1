"""URLs of the videos site."""

urlpatterns: list = []
