"""Links to many objects of one kind on one page, without reversing the URL of each."""

from collections.abc import Callable

from django.urls import reverse

_MARKER = 987654321


def link_maker(name: str) -> Callable[[int], str]:
    """Return ``pk → reverse(name, args=[pk])`` for a URL whose one argument is an ``<int:...>``.

    The URL is reversed once, with a marker in place of the key, and each link is formatted from it:
    ``reverse`` took about 20 µs a link, 2 ms for the 100 talents of the compliance page's list.
    """
    head, marker, tail = reverse(name, args=[_MARKER]).partition(str(_MARKER))
    if not marker or str(_MARKER) in tail:
        raise ValueError(f"{name} does not take one integer key")
    return lambda pk: f"{head}{int(pk)}{tail}"
