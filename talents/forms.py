from abc import ABCMeta, abstractmethod

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.forms import DeclarativeFieldsMetaclass
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from talents.excel import UnsafeWorkbook
from talents.imports import ParseResult, parse_roster, roster_review
from talents.models import Achievement, ImportBatch, MajorEvent, Recommendation, Talent, TalentCategory, WorkUnit
from talents.validators import normalize_id_number, parse_id_number, validate_phone

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TalentForm(forms.ModelForm):
    """Create or edit a talent; birth date and gender come from the ID number when left empty."""

    class Meta:
        model = Talent
        fields = [
            "name", "gender", "birth_date", "ethnicity", "political_status", "education", "degree",
            "professional_title", "categories", "level", "field", "work_unit", "post", "phone", "email",
            "address", "id_number", "status", "notes",
        ]  # fmt: skip
        widgets = {
            "birth_date": DATE_WIDGET,
            "categories": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_unit"].queryset = WorkUnit.objects.visible_to(user).select_related("organization")
        self.fields["categories"].queryset = TalentCategory.objects.filter(is_active=True)
        self.fields["status"].choices = [
            c for c in Talent.Status.choices if c[0] != Talent.Status.ARCHIVED or self.instance.is_archived
        ]
        self.fields["id_number"].help_text = _("18 characters; birth date and gender are taken from it when empty.")

    def clean_id_number(self):
        number = normalize_id_number(self.cleaned_data["id_number"])
        if number:
            self.id_info = parse_id_number(number)
            if Talent.objects.with_id_number(number).exclude(pk=self.instance.pk).exists():
                raise ValidationError(_("A talent with this ID card number is already in the database."))
        return number

    def clean_phone(self):
        return validate_phone(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        info = getattr(self, "id_info", None)
        if info and cleaned.get("birth_date") and cleaned["birth_date"] != info.birth_date:
            self.add_error("birth_date", _("The birth date differs from the one in the ID card number."))
        if info and cleaned.get("gender") and cleaned["gender"] != info.gender:
            self.add_error("gender", _("The gender differs from the one in the ID card number."))
        return cleaned


class MajorEventForm(forms.ModelForm):
    class Meta:
        model = MajorEvent
        fields = ["kind", "date", "description"]
        widgets = {"date": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["date"].initial = today

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > self.today:
            raise ValidationError(_("A reported event cannot be in the future."))
        return date


class AchievementForm(forms.ModelForm):
    class Meta:
        model = Achievement
        fields = ["date", "title", "description"]
        widgets = {"date": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 3})}


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["body", "year", "status", "notes"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 1949 <= year <= 2100:
            raise ValidationError(_("Enter a year such as 2026."))
        return year


class WorkUnitForm(forms.ModelForm):
    class Meta:
        model = WorkUnit
        fields = ["name", "organization", "address", "liaison_officers"]
        widgets = {"liaison_officers": forms.CheckboxSelectMultiple}
        error_messages = {
            NON_FIELD_ERRORS: {"unique_together": _("This organization already has a work unit with this name.")}
        }

    def __init__(self, *args, user, **kwargs):
        from accounts.models import Organization, User

        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user)
        self.fields["liaison_officers"].queryset = (
            User.objects.visible_to(user).filter(memberships__role="liaison").distinct()
        )
        self.fields["liaison_officers"].help_text = _("Users with the liaison officer role in your organizations.")


class _AbstractFormMetaclass(DeclarativeFieldsMetaclass, ABCMeta):
    """Django's form metaclass with abstract methods: a subclass missing a hook cannot be made."""


class WorkbookUploadForm(forms.Form, metaclass=_AbstractFormMetaclass):
    """Upload an .xlsx workbook for an import of ``kind``.

    On validation ``parse(upload)`` reads it into ``self.result``; ``review()`` then says what the
    import would do for the user and which rows stop it. ``organization()`` owns the batch.
    """

    kind: str

    file = forms.FileField(
        label=_("Excel file"),
        help_text=_("An .xlsx workbook of at most 10 MB; download the template below to see the columns."),
    )

    def __init__(self, *args, user, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.today = user, today
        self.result: ParseResult | None = None

    @abstractmethod
    def parse(self, upload) -> ParseResult:
        """Read the uploaded workbook."""

    @abstractmethod
    def review(self):
        """Check the parsed rows against the database for this user."""

    def organization(self) -> Organization:
        return self.cleaned_data["organization"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.result = self.parse(upload)
        except UnsafeWorkbook as error:
            raise ValidationError(str(error)) from None
        return upload


class OrganizationUploadForm(WorkbookUploadForm):
    """Choose the organization to import into, among the user's, and upload the file."""

    organization = forms.ModelChoiceField(label=_("Import into"), queryset=Organization.objects.none())
    field_order = ["organization", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.visible_to(self.user)
        self.fields["organization"].queryset = organizations
        first = organizations.first()  # tree order: the user's own, outermost organization
        self.fields["organization"].initial = first
        top = first.depth if first else 1
        # Options come in tree order: indent them so the tree shows.
        self.fields["organization"].label_from_instance = lambda o: "\u3000" * (o.depth - top) + o.name


class RosterUploadForm(OrganizationUploadForm):
    """Choose the organization to import into and upload the roster; the file is parsed on validation."""

    kind = ImportBatch.Kind.ROSTER

    def parse(self, upload) -> ParseResult:
        return parse_roster(upload, categories=TalentCategory.objects.filter(is_active=True), today=self.today)

    def review(self):
        return roster_review(result=self.result, organization=self.organization(), user=self.user)


class DischargeForm(forms.Form):
    on = forms.DateField(label=_("Discharged on"), widget=DATE_WIDGET)


class ExportRequestForm(forms.Form):
    """Ask for the talent list with whole numbers: for which organization, why, and with which filter."""

    organization = forms.ModelChoiceField(label=_("Talents of"), queryset=Organization.objects.none())
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Another office staff member of this organization or one above it approves the export."),
    )  # fmt: skip
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.visible_to(user)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].initial = organizations.first()

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 4:
            raise ValidationError(_("Say in a few words why the whole numbers are needed."))
        return reason


class AnonymiseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that the talent's name, numbers and contact details are erased for good."),
    )
