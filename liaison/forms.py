import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from accounts.widgets import QuickSelect
from liaison.imports import contacts_review, pairings_review, parse_pairings, read_contacts
from liaison.models import (
    Appeal,
    AppealCategory,
    CalendarDay,
    ContactLog,
    ContactMethod,
    ContactTopic,
    Leader,
    Pairing,
    ReminderPolicy,
    Term,
    WebhookChannel,
)
from liaison.services import appeal_default_deadline
from talents.forms import OrganizationUploadForm, WorkbookUploadForm
from talents.models import ImportBatch, Talent

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 6


class TermForm(forms.ModelForm):
    class Meta:
        model = Term
        fields = ["organization", "name", "start", "end", "max_talents_per_leader", "min_contacts_per_year"]
        widgets = {"start": DATE_WIDGET, "end": DATE_WIDGET}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user)
        self.fields["min_contacts_per_year"].min_value = 1

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] <= cleaned["start"]:
            self.add_error("end", _("The end must come after the start."))
        if cleaned.get("min_contacts_per_year") == 0:
            self.add_error("min_contacts_per_year", _("Each talent is contacted at least once a year."))
        return cleaned


class NextTermForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    start = forms.DateField(label=_("Start"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("End"), widget=DATE_WIDGET)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] <= cleaned["start"]:
            self.add_error("end", _("The end must come after the start."))
        return cleaned


class LeaderForm(forms.ModelForm):
    class Meta:
        model = Leader
        fields = ["user", "organization", "post", "portfolio"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user)
        self.fields["user"].queryset = (
            User.objects.visible_to(user).filter(memberships__role="leader", leader__isnull=True).distinct()
        )
        self.fields["user"].help_text = _("Users with the leader role who are not yet registered as leaders.")


class PairingForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=Leader.objects.none())
    talent = forms.ModelChoiceField(label=_("Talent"), queryset=Talent.objects.none())
    start = forms.DateField(label=_("Start"), widget=DATE_WIDGET)

    def __init__(self, *args, user, term, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = (
            Leader.objects.visible_to(user).filter(is_active=True).select_related("user", "organization")
        )
        self.fields["talent"].queryset = (
            Talent.objects.visible_to(user).exclude(status=Talent.Status.ARCHIVED).select_related("work_unit")
        )
        self.fields["talent"].label_from_instance = lambda t: f"{t.name}（{t.work_unit.name}）"
        self.fields["leader"].label_from_instance = lambda leader: f"{leader.user}（{leader.post}）"


class PairingEndForm(forms.Form):
    end = forms.DateField(label=_("End date"), widget=DATE_WIDGET)
    reason = forms.ChoiceField(label=_("Reason"), choices=Pairing.EndReason.choices)


class PairingReassignForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("New leader"), queryset=Leader.objects.none())
    on = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    reason = forms.ChoiceField(label=_("Reason"), choices=Pairing.EndReason.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = Leader.objects.visible_to(user).filter(is_active=True).select_related("user")


class HandoverForm(forms.Form):
    successor = forms.ModelChoiceField(label=_("Successor"), queryset=Leader.objects.none())
    on = forms.DateField(label=_("Handover date"), widget=DATE_WIDGET)

    def __init__(self, *args, user, leader, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = (
            Leader.objects.visible_to(user).filter(is_active=True).exclude(pk=leader.pk).select_related("user")
        )


class ComplianceForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(), required=False,
        empty_label=_("My organization"), widget=QuickSelect,
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user)


class LeaderListForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(), required=False, empty_label=_("All"),
        widget=QuickSelect,
    )  # fmt: skip
    q = forms.CharField(label=_("Name or post"), required=False, max_length=50)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.ImageField):
    """Several photos; each is checked by Pillow to be a real image and kept under 5 MB."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("At most %(max)d photos.") % {"max": MAX_PHOTOS})
        cleaned = []
        for photo in files:
            if photo.size > MAX_PHOTO_BYTES:
                raise ValidationError(_("“%(name)s” is larger than 5 MB.") % {"name": photo.name})
            image = super().clean(photo, initial)
            if image.image.format not in {"JPEG", "PNG", "WEBP"}:
                raise ValidationError(_("Photos must be JPEG, PNG or WebP."))
            cleaned.append(image)
        return cleaned


class ContactForm(forms.ModelForm):
    """The short form a leader fills in after a visit: date, method, topics, what was said."""

    photos = PhotosField(label=_("Photos"), required=False)

    class Meta:
        model = ContactLog
        fields = ["date", "method", "topics", "summary", "opinions", "initiated_by", "place"]
        widgets = {
            "date": DATE_WIDGET,
            "method": forms.RadioSelect,
            "topics": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "opinions": forms.Textarea(attrs={"rows": 2}),
            "initiated_by": forms.RadioSelect,
        }

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = today
        # A group activity's contacts are written by the activity (DOMAIN.md rule 16), never typed.
        self.fields["method"].queryset = ContactMethod.objects.filter(is_active=True).exclude(code="group_activity")
        self.fields["method"].empty_label = None
        self.fields["topics"].queryset = ContactTopic.objects.all()


class AppealForm(forms.ModelForm):
    """Register an appeal; from a contact or a major event the source is fixed and not asked."""

    class Meta:
        model = Appeal
        fields = ["category", "description", "source", "urgency", "received_on", "measures"]
        labels = {"category": _("Appeal category"), "description": _("Appeal details")}
        help_texts = {"measures": _("What the work unit proposes to do; the office may complete it when assigning.")}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "urgency": forms.RadioSelect,
            "received_on": DATE_WIDGET,
            "measures": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, today, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.fixed_source = today, source
        self.fields["category"].queryset = AppealCategory.objects.filter(is_active=True)
        self.fields["received_on"].initial = self.fields["received_on"].initial or today
        if source:
            del self.fields["source"]
        else:
            self.fields["source"].choices = [
                c for c in Appeal.Source.choices if c[0] in (Appeal.Source.LIAISON, Appeal.Source.TALENT)
            ]

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > self.today:
            raise ValidationError(_("The date received cannot be in the future."))
        return received_on

    def clean(self):
        cleaned = super().clean()
        if self.fixed_source:
            cleaned["source"] = self.fixed_source
        return cleaned


class AppealStepForm(forms.Form):
    """A step on an appeal: it carries the version the user saw, so a stale page is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, appeal, user, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.appeal, self.user, self.today = appeal, user, today
        self.fields["version"].initial = appeal.version
        self.fields["note"] = self.fields.pop("note")  # last, after the fields of the step

    def clean(self):
        cleaned = super().clean()
        if "version" in self.errors:
            self.add_error(None, _("The page is incomplete: reload it and try again."))
        return cleaned


class AppealAssignForm(AppealStepForm):
    lead_unit = forms.CharField(label=_("Lead handling unit"), max_length=100)
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=User.objects.none())
    co_units = forms.CharField(
        label=_("Co-handling units"), max_length=200, required=False, help_text=_("Separate several units with “、”.")
    )
    co_handlers = forms.ModelMultipleChoiceField(
        label=_("Co-handlers"), queryset=User.objects.none(), required=False,
        help_text=_("People of the co-handling units who add their progress notes."),
    )  # fmt: skip
    deadline = forms.DateField(label=_("Deadline"), widget=DATE_WIDGET)
    measures = forms.CharField(label=_("Targeted measures"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, appeal, user, today, **kwargs):
        super().__init__(*args, appeal=appeal, user=user, today=today, **kwargs)
        people = User.objects.visible_to(user).filter(is_active=True).order_by("name", "username")
        self.fields["handler"].queryset = self.fields["co_handlers"].queryset = people
        limit = appeal.category.urgent_time_limit_days if appeal.urgency == Appeal.Urgency.URGENT else (
            appeal.category.time_limit_days)  # fmt: skip
        self.fields["deadline"].help_text = _("%(days)d working days from today for this category and urgency.") % {
            "days": limit}  # fmt: skip
        if not self.is_bound:
            self.initial.update(
                lead_unit=appeal.lead_unit or appeal.category.default_department, measures=appeal.measures,
                deadline=appeal_default_deadline(category=appeal.category, urgency=appeal.urgency, today=today),
            )  # fmt: skip

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < self.today:
            raise ValidationError(_("The deadline cannot be in the past."))
        return deadline


class AppealProgressForm(AppealStepForm):
    """A progress note: it changes nothing another person could overwrite, so it takes no version."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]
        self.fields["note"].required = True
        self.fields["note"].label = _("Progress")
        self.fields["note"].widget.attrs["rows"] = 4


class AppealResolveForm(AppealStepForm):
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 4}))


class AppealFollowUpForm(AppealStepForm):
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=Appeal.Satisfaction.choices, widget=forms.RadioSelect,
        help_text=_("“Unsatisfied” sends the appeal back for a second round of handling."),
    )  # fmt: skip


class AppealEditForm(forms.ModelForm):
    """Edit an appeal's record in the ledger; carries the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    class Meta:
        model = Appeal
        fields = ["category", "description", "urgency", "received_on", "measures", "co_units"]
        labels = AppealForm.Meta.labels
        widgets = {**AppealForm.Meta.widgets, "measures": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, appeal, user, today, **kwargs):
        kwargs["initial"] = {**model_to_dict(appeal, fields=self._meta.fields), "version": appeal.version}
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["category"].queryset = AppealCategory.objects.filter(Q(is_active=True) | Q(pk=appeal.category_id))

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > self.today:
            raise ValidationError(_("The date received cannot be in the future."))
        return received_on

    def clean(self):
        cleaned = super().clean()
        if "version" in self.errors:
            self.add_error(None, _("The page is incomplete: reload it and try again."))
        return cleaned


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]
        widgets = {"date": DATE_WIDGET, "kind": forms.RadioSelect}
        help_texts = {"name": _("The holiday, e.g. 春节; a make-up working day takes the holiday's name.")}
        error_messages = {"date": {"unique": _("This day is already in the calendar: delete it first to change it.")}}


class PairingsUploadForm(WorkbookUploadForm):
    """Choose the term to import pairings into and upload the file; the file is parsed on validation."""

    kind = ImportBatch.Kind.PAIRINGS
    term = forms.ModelChoiceField(label=_("Import into the term"), queryset=Term.objects.none())
    field_order = ["term", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.visible_to(self.user).select_related("organization")
        self.fields["term"].label_from_instance = lambda term: f"{term.organization.name} · {term.name}"

    def parse(self, upload):
        return parse_pairings(upload, today=self.today)

    def review(self):
        return pairings_review(result=self.result, term=self.cleaned_data["term"], user=self.user)

    def organization(self):
        return self.cleaned_data["term"].organization


class ContactsUploadForm(OrganizationUploadForm):
    """Choose the organization whose leaders and pairings the ledger records, and upload it."""

    kind = ImportBatch.Kind.CONTACTS

    def parse(self, upload):
        return read_contacts(upload, today=self.today)

    def review(self):
        return contacts_review(result=self.result, organization=self.organization(), user=self.user, today=self.today)


MONTH_DAY = r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"


class ReminderPolicyForm(forms.ModelForm):
    class Meta:
        model = ReminderPolicy
        fields = [
            "checkpoints", "staff_summary_on", "no_contact_days", "achievement_visit_days", "illness_visit_days",
            "report_reminder_on",
        ]  # fmt: skip

    def clean_checkpoints(self):
        parts = [p.strip() for p in self.cleaned_data["checkpoints"].replace("，", ",").split(",") if p.strip()]
        if not parts or not all(re.fullmatch(MONTH_DAY, p) for p in parts):
            raise ValidationError(_("Write dates as month-day separated by commas, such as 07-01,10-01,12-01."))
        return ",".join(sorted(set(parts)))

    def _month_day(self, name):
        value = self.cleaned_data[name].strip()
        if not re.fullmatch(MONTH_DAY, value):
            raise ValidationError(_("Write a month-day date such as 12-15."))
        return value

    def clean_staff_summary_on(self):
        return self._month_day("staff_summary_on")

    def clean_report_reminder_on(self):
        return self._month_day("report_reminder_on")


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("webhook address"), max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookChannel
        fields = ["organization", "kind", "url", "secret"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user)

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.startswith(("http://", "https://")):
            raise ValidationError(_("Enter the robot's http(s) address."))
        return url


# --- the annual report (DOMAIN.md rule 14) ---------------------------------------------------------


class ReportForm(forms.Form):
    """Which organization (in the user's scope) and which year the report page shows."""

    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(), required=False,
        empty_label=_("My organization"), widget=QuickSelect,
    )  # fmt: skip
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user)


class ReportReviewForm(forms.Form):
    """Accepting a report: the version read, so a stale page cannot accept a changed report."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ReportReturnForm(ReportReviewForm):
    reason = forms.CharField(label=_("Reason for return"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
