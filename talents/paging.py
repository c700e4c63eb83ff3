"""A paginator whose last page costs what its first page does (docs/PERFORMANCE.md)."""

from django.core.paginator import Paginator


class ReversiblePaginator(Paginator):
    """Read pages past the middle through the reversed ordering, then flip the rows.

    ``OFFSET n`` makes PostgreSQL produce and drop n rows: the last page of 100,000 talents drops
    99,975. Reversed, the same page is ``OFFSET 0``. The ordering must be total (end on the primary
    key), or rows with equal sort keys could change places between the two directions.

    With ``by_keys``, the page's primary keys are read first, sorted over the joins the ordering
    needs and nothing else, and the rows with their ``select_related`` tables and annotations are then
    read for those keys only: worth one more query when the ordering spans several tables.
    """

    def __init__(self, object_list, per_page, *, by_keys: bool = False, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.by_keys = by_keys

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if not getattr(rows, "ordered", False):
            return super().page(number)
        backwards = bottom > self.count // 2
        if backwards:
            rows, bottom, top = rows.reverse(), self.count - top, self.count - bottom
        if self.by_keys:
            keys = list(rows.values_list("pk", flat=True)[bottom:top])
            by_pk = {row.pk: row for row in self.object_list.order_by().filter(pk__in=keys)}
            rows = [by_pk[pk] for pk in keys]
        else:
            rows = list(rows[bottom:top])
        if backwards:
            rows.reverse()
        return self._get_page(rows, number, self)
