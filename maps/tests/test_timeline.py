"""The talent page's timeline shows growth and support records, and links the per-talent map pages."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_talent_page_shows_growth_and_support(client, liaison_a, talent_a, growth_a, support_a):
    client.force_login(liaison_a)
    response = client.get(reverse("talents:talent_detail", args=[talent_a.pk]))
    body = response.content.decode()
    kinds = {entry.kind: entry.title for entry in response.context["entries"]}
    assert kinds["growth"] == "茶叶加工技术培训班"
    assert kinds["support"] == "住房或住房补贴"
    assert reverse("maps:talent_growth", args=[talent_a.pk]) in body
    assert reverse("maps:talent_support", args=[talent_a.pk]) in body
