"""The shared pagination links carry the page number (and the filters) in a valid query string."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.enterprises.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_next_page_link_reaches_the_second_page(client, officer, commune):
    EnterpriseFactory.create_batch(31, commune=commune, status="active")
    client.force_login(officer)
    url = reverse("enterprises:list")

    first = client.get(url, {"status": "active"}).content.decode()

    assert "??" not in first
    assert 'href="?status=active&amp;page=2"' in first
    second = client.get(url, {"status": "active", "page": 2})
    assert second.context["page_obj"].number == 2
