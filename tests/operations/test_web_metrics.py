"""`/metrics`: the web process's Prometheus metrics (django-prometheus), in the text format."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.django_db


def test_requests_are_counted_by_view(client):
    client.get("/")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    families = {family.name: family for family in text_string_to_metric_families(response.text)}
    by_view = families["django_http_requests_total_by_view_transport_method"]
    assert any(
        sample.labels.get("view") == "home" and sample.value >= 1 for sample in by_view.samples
    )
    assert "django_http_requests_latency_seconds_by_view_method" in families
