import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from talents.models import Talent, TalentCategory, WorkUnit


class TalentFilter(django_filters.FilterSet):
    """Filters of the talent list; every choice is limited to what the user may see."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Name, pinyin initials or work unit")}),
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), empty_label=_("All"), queryset=Organization.objects.none(), method="filter_subtree"
    )
    work_unit = django_filters.ModelChoiceFilter(
        label=_("Work unit"), empty_label=_("All"), queryset=WorkUnit.objects.none()
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), field_name="categories", queryset=TalentCategory.objects.all(), empty_label=_("All")
    )
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Talent.Level.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Talent.Status.choices, empty_label=_("Active and moved away")
    )

    class Meta:
        model = Talent
        fields = ["q", "organization", "work_unit", "category", "level", "status"]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["organization"].queryset = Organization.objects.visible_to(user)
        self.filters["work_unit"].queryset = WorkUnit.objects.visible_to(user)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_subtree(self, queryset, name, value):
        return queryset.filter(organization__path__startswith=value.path)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            # Archived talents leave the everyday list; the status filter brings them back.
            queryset = queryset.exclude(status=Talent.Status.ARCHIVED)
        return queryset
