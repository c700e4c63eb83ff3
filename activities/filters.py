import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from activities.models import ActivityKind, GroupActivity


class ActivityFilter(django_filters.FilterSet):
    """Filters of the activity list: year, kind, and an organization with everything below it."""

    q = django_filters.CharFilter(
        label=_("Search"),
        widget=forms.TextInput(attrs={"placeholder": _("Title or place")}), method="filter_search",
    )  # fmt: skip
    year = django_filters.NumberFilter(label=_("Year"), field_name="date", lookup_expr="year")
    kind = django_filters.ModelChoiceFilter(label=_("Kind"), queryset=ActivityKind.objects.all(), empty_label=_("All"))
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), empty_label=_("All"), queryset=Organization.objects.none(), method="filter_subtree"
    )

    class Meta:
        model = GroupActivity
        fields = ["q", "year", "kind", "organization"]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["organization"].queryset = Organization.objects.visible_to(user)

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(place__icontains=value))

    def filter_subtree(self, queryset, name, value):
        return queryset.filter(organization__path__startswith=value.path)
