"""No English left on the main pages a user sees (issue 10): the visible text of each page, with
tags, scripts and styles removed, holds no English word outside a short list of proper names."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Names that stay in Latin letters in Chinese offices.
ALLOWED = {"excel", "wechat", "jpeg", "webp", "http", "https", "xlsx", "zs"}
WORD = re.compile(r"[A-Za-z]{4,}")


def _visible_words(html: str) -> set[str]:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", html)
    return {w for w in WORD.findall(text) if w.lower() not in ALLOWED}


STAFF_PAGES = [
    ("accounts:home", []), ("talents:talent_list", []), ("talents:workunit_list", []), ("accounts:org_list", []),
    ("liaison:pairing_list", []), ("liaison:compliance", []), ("liaison:term_list", []),
    ("liaison:leader_list", []), ("liaison:appeal_list", []), ("liaison:campaign_list", []),
    ("liaison:notification_list", []), ("liaison:dashboard", []), ("liaison:report_detail", []),
    ("talents:talent_add", []), ("talents:roster_import", []),
]  # fmt: skip


@pytest.mark.parametrize(("name", "args"), STAFF_PAGES)
def test_staff_pages_are_all_chinese(client, staff_a, pairing_a, appeal_a, name, args):
    client.force_login(staff_a)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert _visible_words(response.content.decode()) == set()


def test_talent_and_appeal_pages_are_all_chinese(client, staff_a, pairing_a, appeal_a):
    client.force_login(staff_a)
    for url in [reverse("talents:talent_detail", args=[pairing_a.talent_id]),
                reverse("liaison:appeal_detail", args=[appeal_a.pk])]:  # fmt: skip
        assert _visible_words(client.get(url).content.decode()) == set(), url


def test_leader_pages_are_all_chinese(client, leader_a, pairing_a):
    client.force_login(leader_a)
    for url in [reverse("liaison:my_talents"), reverse("liaison:contact_add", args=[pairing_a.pk]),
                reverse("accounts:home")]:  # fmt: skip
        assert _visible_words(client.get(url).content.decode()) == set(), url


def test_login_page_is_all_chinese(client):
    assert _visible_words(client.get(reverse("accounts:login")).content.decode()) == set()


def test_the_check_catches_english():
    assert _visible_words("<p>Save contact</p><script>var Foo</script>") == {"Save", "contact"}
