import django_filters
from django import forms
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from accounts.widgets import QuickSelect
from liaison.models import Appeal, AppealCategory, Leader, Pairing, PairingTally, Term
from talents.filters import offer_choices


class PairingFilter(django_filters.FilterSet):
    """Filters of the pairings list; choices are limited to what the user may see."""

    term = django_filters.ModelChoiceFilter(
        label=_("Term"), queryset=Term.objects.none(), empty_label=_("All"), widget=QuickSelect
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), queryset=Organization.objects.none(), method="filter_subtree", empty_label=_("All"),
        widget=QuickSelect,
    )  # fmt: skip
    leader = django_filters.ModelChoiceFilter(
        label=_("Leader"), queryset=Leader.objects.none(), empty_label=_("All"), widget=QuickSelect
    )
    state = django_filters.ChoiceFilter(
        label=_("Pairing"),
        choices=[("active", _("Active")), ("ended", _("Ended"))],
        method="filter_state",
        empty_label=_("All"),
    )
    compliance = django_filters.ChoiceFilter(
        label=_("This year"),
        choices=[("met", _("Minimum met")), ("below", _("Below the minimum"))],
        method="filter_compliance",
        empty_label=_("All"),
    )

    class Meta:
        model = Pairing
        fields = ["term", "organization", "leader", "state", "compliance"]

    def __init__(self, data=None, *args, user, year: int, **kwargs):
        """``year``: the year whose contacts the compliance filter counts."""
        super().__init__(data, *args, **kwargs)
        self.year = year
        self.filters["term"].queryset = Term.objects.visible_to(user)
        self.filters["organization"].queryset = Organization.objects.visible_to(user)
        self.filters["leader"].queryset = Leader.objects.visible_to(user).select_related("user")

    @property
    def form(self):
        if not hasattr(self, "_form"):  # list no leader until filter_queryset knows the organization
            field = super().form.fields["leader"]
            field.widget.choices = [("", field.empty_label)]
        return super().form

    def filter_queryset(self, queryset):
        self.offer_leaders()
        return super().filter_queryset(queryset)

    def offer_leaders(self) -> None:
        """List the leaders of the chosen organization (of the whole scope when few enough)."""
        data = self.form.cleaned_data
        leaders = self.filters["leader"].queryset
        if data.get("organization"):
            leaders = leaders.filter(organization__path__startswith=data["organization"].path)
        offer_choices(self.form, "leader", leaders, too_many=_("Choose an organization to list its leaders."))

    def filter_subtree(self, queryset, name, value):
        return queryset.filter(talent__organization__path__startswith=value.path)

    def filter_state(self, queryset, name, value):
        return queryset.filter(end__isnull=value == "active")

    def filter_compliance(self, queryset, name, value):
        # The yearly minimum binds the active pairings of the terms in force in the year.
        in_force = queryset.active().of_terms_in_force(self.year)
        return in_force.with_year_stats(self.year).filter(met_minimum=value == "met")

    def kept_count(self, user) -> int | None:
        """How many pairings the list holds, from the kept counts (``PairingTally``) where the filters can be
        said in them: a compliance filter, with or without term, organization and leader, for a user whose
        scope they can say. None otherwise, for the pairings to be counted.

        Counting a city's 100,000 pairings with their year's contacts took 55 ms (scale 1); its kept rows
        are some twenty thousand, a county's some four thousand.
        """
        data = self.form.cleaned_data if self.form.is_valid() else {}
        rows = PairingTally.objects.visible_to(user)
        if rows is None or data.get("compliance") not in ("met", "below") or data.get("state") == "ended":
            return None
        rows = rows.filter(year=self.year, active__gt=0)
        if data.get("term"):
            rows = rows.filter(term=data["term"])
        if data.get("organization"):
            rows = rows.filter(organization__path__startswith=data["organization"].path)
        if data.get("leader"):
            rows = rows.filter(leader=data["leader"])
        counted = F("active_met") if data["compliance"] == "met" else F("active") - F("active_met")
        return rows.aggregate(n=Coalesce(Sum(counted), 0))["n"]


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class AppealFilter(django_filters.FilterSet):
    """Filters of the appeal ledger; choices are limited to what the user may see."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=Appeal.Status.choices, empty_label=_("All"))
    category = django_filters.ChoiceFilter(label=_("Appeal category"), empty_label=_("All"))
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), queryset=Organization.objects.none(), method="filter_subtree", empty_label=_("All"),
        widget=QuickSelect,
    )  # fmt: skip
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue?"), choices=[("yes", _("Overdue")), ("no", _("Not overdue"))], method="filter_overdue",
        empty_label=_("All"),
    )  # fmt: skip
    handler = django_filters.ChoiceFilter(label=_("Handler"), empty_label=_("All"))
    year = YearFilter(label=_("Year received"), field_name="received_on__year", min_value=2000, max_value=2100)

    class Meta:
        model = Appeal
        fields = ["status", "category", "organization", "overdue", "handler", "year"]

    def __init__(self, data=None, *args, user, today, categories=None, handler_ids=None, **kwargs):
        """``categories`` ({pk: name}) and ``handler_ids``: what the caller has already read, if anything."""
        super().__init__(data, *args, **kwargs)
        self.today = today
        if categories is None:
            categories = AppealCategory.objects.values_list("pk", "name")
        self.filters["category"].extra["choices"] = lambda: list(dict(categories).items())
        self.filters["organization"].queryset = Organization.objects.visible_to(user)
        # Only people who handle an appeal the user sees, not every user in scope. Read once, when the
        # form is shown or a handler is chosen, for both.
        if handler_ids is None:
            handler_ids = Appeal.objects.visible_to(user).filter(handler__isnull=False).values("handler_id")
        handlers = User.objects.filter(pk__in=handler_ids).order_by("name", "username")
        self.filters["handler"].extra["choices"] = lambda: [(handler.pk, str(handler)) for handler in handlers]

    def filter_subtree(self, queryset, name, value):
        return queryset.filter(organization__path__startswith=value.path)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(deadline__lt=self.today, status__in=Appeal.OPEN_STATUSES)
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)
