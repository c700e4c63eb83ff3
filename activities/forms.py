from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from activities.imports import attendance_review, parse_attendance
from activities.models import ActivityKind, GroupActivity
from activities.services import participants_in_scope
from liaison.forms import DATE_WIDGET, PhotosField
from talents.forms import WorkbookUploadForm
from talents.models import ImportBatch


class ActivityForm(forms.ModelForm):
    """An activity's details; the organizer is one of the user's organizations."""

    class Meta:
        model = GroupActivity
        fields = ["organization", "kind", "title", "date", "place", "description"]
        widgets = {"date": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "organization": _("Talents and leaders of this organization and those below it can take part."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.visible_to(user)
        first = organizations.first()
        top = first.depth if first else 1
        self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = lambda o: "\u3000" * (o.depth - top) + o.name
        if not self.instance.pk:
            self.initial.setdefault("organization", first)
        kinds = ActivityKind.objects.filter(is_active=True)
        if self.instance.pk:
            kinds = ActivityKind.objects.filter(pk=self.instance.kind_id) | kinds
        self.fields["kind"].queryset = kinds.distinct()


class AttendanceForm(forms.Form):
    """The boxes ticked on one page of the attendance list.

    ``shown_*`` are the people the page displayed: a box left unticked removes only someone who was
    on the page, so people on other pages or outside the search stay as they are.
    """

    talents = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.MultipleHiddenInput)
    shown_talents = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.MultipleHiddenInput)
    leaders = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.MultipleHiddenInput)
    shown_leaders = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, activity: GroupActivity, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        talents, leaders = participants_in_scope(activity)
        self.fields["talents"].queryset = self.fields["shown_talents"].queryset = talents
        self.fields["leaders"].queryset = self.fields["shown_leaders"].queryset = leaders

    def participants(self) -> tuple[set[int], set[int]]:
        """Return the talent and leader ids of the activity once the ticks of this page apply."""
        data = self.cleaned_data
        talents = set(self.activity.talents.values_list("pk", flat=True))
        leaders = set(self.activity.leaders.values_list("pk", flat=True))
        talents = (talents - {t.pk for t in data["shown_talents"]}) | {t.pk for t in data["talents"]}
        leaders = (leaders - {p.pk for p in data["shown_leaders"]}) | {p.pk for p in data["leaders"]}
        return talents, leaders


class ActivityPhotosForm(forms.Form):
    """Photos of an activity, checked as a contact's photos are (type, size, number)."""

    photos = PhotosField(label=_("Photos"))


class AttendanceUploadForm(WorkbookUploadForm):
    """Upload an activity's sign-in sheet; it goes into the activity's organizer."""

    kind = ImportBatch.Kind.ATTENDANCE

    def __init__(self, *args, activity: GroupActivity, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity

    def organization(self) -> Organization:
        return self.activity.organization

    def parse(self, upload):
        return parse_attendance(upload, today=self.today)

    def review(self):
        return attendance_review(result=self.result, activity=self.activity, user=self.user)
