import django_filters
from django import forms
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.widgets import QuickSelect
from talents.models import Talent, TalentCategory, WorkUnit

# A <select> lists at most this many rows: a city has thousands of work units and leaders, and
# rendering them all cost more than the list itself (docs/PERFORMANCE.md).
CHOICES_MAX = 100


def offer_choices(form, name: str, queryset, *, too_many: str) -> None:
    """Offer the rows of ``queryset`` in the <select> of ``form[name]`` when there are at most ``CHOICES_MAX``.

    Otherwise offer only the chosen row and tell in ``too_many`` how to narrow the list. The field
    still validates against its whole queryset, so a link with any visible row keeps working.
    """
    field = form.fields[name]
    rows = list(queryset[: CHOICES_MAX + 1])
    if len(rows) > CHOICES_MAX:
        chosen = form.cleaned_data.get(name)
        rows = [chosen] if chosen else []
        form[name].help_text = too_many  # the bound field copied the help text when the form was cleaned
    field.widget.choices = [("", field.empty_label), *((row.pk, field.label_from_instance(row)) for row in rows)]


class TalentFilter(django_filters.FilterSet):
    """Filters of the talent list; every choice is limited to what the user may see."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Name, pinyin initials or work unit")}),
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), empty_label=_("All"), queryset=Organization.objects.none(), method="filter_subtree",
        widget=QuickSelect,
    )  # fmt: skip
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

    @property
    def form(self):
        if not hasattr(self, "_form"):  # list no unit until filter_queryset knows the organization
            field = super().form.fields["work_unit"]
            field.widget.choices = [("", field.empty_label)]
        return super().form

    def offer_work_units(self) -> None:
        """List the work units of the chosen organization (of the whole scope when few enough)."""
        data = self.form.cleaned_data
        units = self.filters["work_unit"].queryset
        if data.get("organization"):
            units = units.filter(organization__path__startswith=data["organization"].path)
        offer_choices(
            self.form, "work_unit", units.order_by("name"),
            too_many=_("Choose an organization to list its work units, or search by a unit's name."),
        )  # fmt: skip

    def filter_search(self, queryset, name, value):
        # Sorted on an expression no index has, the matches are found through the search's indexes and
        # then sorted. On name_pinyin itself PostgreSQL walks that index until 25 rows match, and those
        # of 张 or "zhang" sit near its end (100,000 talents: 673 ms, 58 ms sorted). The keys are lower
        # case already, so Lower() keeps the order.
        return queryset.search(value).order_by(Lower("name_pinyin"), "pk")

    def filter_subtree(self, queryset, name, value):
        return queryset.filter(organization__path__startswith=value.path)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        self.offer_work_units()
        if not self.form.cleaned_data.get("status"):
            # Archived talents leave the everyday list; the status filter brings them back.
            queryset = queryset.exclude(status=Talent.Status.ARCHIVED)
        return queryset
