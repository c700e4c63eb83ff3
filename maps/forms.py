from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from liaison.forms import ReportForm
from liaison.models import Leader, Term
from maps.models import GrowthRecord, SupportKind, SupportRecord, TalentNeed
from maps.services import mentor_leaders, talent_terms
from talents.models import Talent, TalentCategory

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# Which organization (in the user's scope) and which year a map shows: the annual report's choice.
MapScopeForm = ReportForm


class TalentNeedForm(forms.ModelForm):
    class Meta:
        model = TalentNeed
        fields = ["organization", "field", "category", "count", "reason", "needed_by", "source"]
        widgets = {"needed_by": DATE_WIDGET, "reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "field": _("The industry or field, e.g. 茶叶加工 or 电商; talents whose field contains it count as had."),
            "category": _("Leave empty to count talents of any category."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user)
        self.fields["category"].queryset = TalentCategory.objects.filter(is_active=True)
        # The model's check constraint would name no field; say it on the field.
        self.fields["count"].validators.append(MinValueValidator(1))
        self.fields["count"].widget.attrs["min"] = 1

    def clean_field(self):
        value = self.cleaned_data["field"].strip()
        if not value:
            raise ValidationError(_("Name the field or industry."))
        return value


class MentorshipForm(forms.Form):
    """The talent's mentor for a term: a leader of the organization tree or another talent, and the plan."""

    term = forms.ModelChoiceField(label=_("term"), queryset=Term.objects.none())
    mentor_leader = forms.ModelChoiceField(
        label=_("leader mentor"), queryset=Leader.objects.none(), required=False,
        help_text=_("A leader, or else an experienced expert below: one of the two."),
    )  # fmt: skip
    mentor_expert = forms.ModelChoiceField(label=_("expert mentor"), queryset=Talent.objects.none(), required=False)
    plan = forms.CharField(
        label=_("plan for the term"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000,
        help_text=_("Training, competitions, titles and projects planned for the term."),
    )  # fmt: skip

    def __init__(self, *args, talent: Talent, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = talent_terms(talent).select_related("organization").order_by("-start")
        self.fields["term"].label_from_instance = lambda term: f"{term.organization.name} · {term.name}"
        leaders = mentor_leaders(talent) & Leader.objects.visible_to(user)
        self.fields["mentor_leader"].queryset = leaders.select_related("user")
        self.fields["mentor_leader"].label_from_instance = lambda leader: f"{leader.user} · {leader.post}"
        experts = Talent.objects.visible_to(user).filter(status=Talent.Status.ACTIVE).exclude(pk=talent.pk)
        self.fields["mentor_expert"].queryset = experts.select_related("work_unit")
        self.fields["mentor_expert"].label_from_instance = lambda t: f"{t.name} · {t.work_unit.name}"

    def clean(self):
        data = super().clean()
        if bool(data.get("mentor_leader")) == bool(data.get("mentor_expert")):
            raise ValidationError(_("Choose either a leader or an expert as the mentor, not both."))
        return data


class GrowthRecordForm(forms.ModelForm):
    class Meta:
        model = GrowthRecord
        fields = ["kind", "date", "title", "description"]
        widgets = {"date": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 3})}


class SupportRecordForm(forms.ModelForm):
    class Meta:
        model = SupportRecord
        fields = ["kind", "date", "description", "amount"]
        widgets = {"date": DATE_WIDGET}
        help_texts = {"description": _("E.g. 人才公寓一套, 住房补贴 2025 年度, 创业担保贷款 10 万元.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = SupportKind.objects.filter(is_active=True)
        if self.instance.kind_id:
            active = active | SupportKind.objects.filter(pk=self.instance.kind_id)
        self.fields["kind"].queryset = active
