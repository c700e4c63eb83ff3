"""Pages over ordered querysets whose sizes the page already knows (the maps' lists)."""

from django.core.paginator import Paginator

from talents.paging import read_slice


class ChainedPaginator(Paginator):
    """Page through ``parts``, (queryset, count) pairs, as one list: the first's rows, then the next's.

    The counts come from figures the page shows anyway, so paging runs no ``COUNT``. A part read past
    its middle is read through its reversed ordering (``talents.paging.read_slice``, as
    ``ReversiblePaginator`` reads it), so the last page costs what the first does. Each ordering must
    be total (end on the primary key).
    """

    def __init__(self, parts: list[tuple], per_page: int, **kwargs):
        super().__init__([], per_page, **kwargs)
        self.parts = parts
        self.count = sum(n for _rows, n in parts)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows, start = [], 0
        for queryset, n in self.parts:
            low, high = max(bottom - start, 0), min(top - start, n)
            if low < high:
                rows += read_slice(queryset, low, high, n)
            start += n
        return self._get_page(rows, number, self)
