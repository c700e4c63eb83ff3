"""link_maker writes the links reverse() writes."""

import pytest
from django.urls import reverse

from accounts.links import link_maker


@pytest.mark.parametrize("name", ["talents:talent_detail", "maps:need_edit", "maps:need_delete"])
def test_the_links_are_those_reverse_writes(name):
    link = link_maker(name)
    for pk in (1, 7, 987654321, 10**12):
        assert link(pk) == reverse(name, args=[pk])


def test_a_key_that_is_no_integer_is_refused():
    with pytest.raises(ValueError):
        link_maker("talents:talent_detail")("1/../../admin")
