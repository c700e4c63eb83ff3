"""Hostile input: arbitrary text, unicode, NUL characters and huge strings posted to the main forms.

Each form is taken from its page (so its choices are the real ones); Hypothesis then fills every field
with either a valid value or something hostile, and posts it through the test client as the right
user. The server never answers 500, and a refused form (the page shown again) writes nothing. Then
no list page shows a whole 18-digit ID number.
"""

import re

import pytest
from django import forms
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Membership, User
from liaison.models import Appeal, AppealEvent, ContactLog
from talents.models import MajorEvent, Talent

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
PAYLOADS = [
    "",
    " ",
    "\x00",
    "张三\x00",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "=cmd|' /C calc'!A0",
    "../../../../etc/passwd",
    "𠀀𪚥🙂\u202e\u200b",
    "9" * 40,
    "-1",
    "2026-02-30",
    "99999-01-01",
    "1e309",
    "510104197805121233",
]
HOSTILE = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=300),
    st.text(min_size=1000, max_size=5000),
    st.just("张" * 200_000),
)
WRITTEN = (Talent, MajorEvent, ContactLog, Appeal, AppealEvent, User, Membership)
ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")

# (URL name, persona, the fixture whose pk the URL takes or None)
FORMS = [
    ("talents:talent_add", "staff_a", None),
    ("talents:talent_edit", "staff_a", "talent_a"),
    ("talents:major_event_add", "liaison_a", "talent_a"),
    ("liaison:contact_add", "leader_a", "pairing_a"),
    ("liaison:appeal_add", "liaison_a", "talent_a"),
    ("liaison:appeal_edit", "staff_a", "appeal_a"),
    ("accounts:member_add", "staff_a", "township_a"),
]
COUNTS = {"requests": 0, "server errors": 0}


def _valid(field):
    """A valid-looking value for a field, or None to let Hypothesis choose only hostile ones."""
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        values = [str(value) for value, _label in field.choices if str(value)]
        return st.lists(st.sampled_from(values), max_size=3) if values else None
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        values = [str(value) for value, _label in field.choices if str(value)]
        return st.sampled_from(values) if values else None
    if isinstance(field, forms.DateField):
        return st.just("2026-03-01")
    if isinstance(field, forms.IntegerField):
        return st.just(str(field.initial or 1))
    if isinstance(field, forms.EmailField):
        return st.just("someone@example.com")
    return st.just("正常内容 Normal-text-2026")


def _strategy(form):
    fields = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            continue
        valid = _valid(field)
        multiple = isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField)
        hostile = st.lists(HOSTILE, min_size=1, max_size=3) if multiple else HOSTILE
        fields[form.add_prefix(name)] = st.one_of(valid, hostile) if valid is not None else hostile
    return st.fixed_dictionaries(fields)


def _counts():
    return tuple(model.objects.count() for model in WRITTEN)


@pytest.mark.parametrize(("name", "persona", "obj"), FORMS)
@FUZZ
@given(data=st.data())
def test_hostile_posts(client, request, name, persona, obj, data, summary):
    client.force_login(request.getfixturevalue(persona))
    url = reverse(name, args=[request.getfixturevalue(obj).pk] if obj else [])
    page = client.get(url)
    assert page.status_code == 200
    posted = data.draw(_strategy(page.context["form"]))
    before = _counts()
    COUNTS["requests"] += 1
    try:
        response = client.post(url, posted)
    except Exception:
        COUNTS["server errors"] += 1
        raise
    assert response.status_code in (200, 302, 400, 403, 404, 409, 413)
    if response.status_code != 302:
        assert _counts() == before, f"{name} wrote rows for a refused form"


def test_list_pages_never_show_a_whole_id_number(
    client, request, staff_a, staff_b, leader_a, liaison_a, talent_a, pairing_a, appeal_a, summary
):
    assert talent_a.id_number == "510104197805121233"
    pages = ["talents:talent_list", "liaison:appeal_list", "liaison:my_talents", "liaison:pairing_list"]
    for user in (staff_a, staff_b, leader_a, liaison_a):
        client.force_login(user)
        for name in pages:
            response = client.get(reverse(name))
            COUNTS["requests"] += 1
            if response.status_code == 200:
                assert not ID_NUMBER.search(response.content.decode()), f"{name} as {user.username}"
        for query in ("510104197805121233", "5101", "张三"):
            response = client.get(reverse("talents:talent_list"), {"q": query})
            COUNTS["requests"] += 1
            # The search box shows back what the user typed; nothing else may hold the number.
            body = response.content.decode().replace(f'value="{query}"', "").replace(f"q={query}", "")
            assert not ID_NUMBER.search(body), f"talent_list?q={query} as {user.username}"
    line = f"hostile input: {COUNTS['requests']} requests, {COUNTS['server errors']} server errors"
    print(line)
    summary.append(line)
    assert COUNTS["server errors"] == 0
