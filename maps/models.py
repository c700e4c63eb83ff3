"""The three maps of talent work (DOMAIN.md rule 17, seed 003): demand, growth and support."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from accounts.models import Organization
from activities.models import ActivityKind
from liaison.models import AppealCategory, Leader, Term
from talents.models import Talent, TalentCategory


class TalentNeedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Needs of the organizations the user is staff over."""
        return self.filter(scoping.organization_q(user, "organization__path"))

    def in_subtree(self, root):
        """Needs of ``root`` and of the organizations below it."""
        return self.filter(organization__path__startswith=root.path)

    def open_in(self, year: int):
        """Needs open in ``year``: recorded by its end and not due before it starts."""
        return self.filter(
            models.Q(needed_by__isnull=True) | models.Q(needed_by__gte=datetime.date(year, 1, 1)),
            created_at__year__lte=year,
        )


class TalentNeed(models.Model):
    """Talents a locality needs (人才需求图): field, category, how many, why and by when."""

    class Source(models.TextChoices):
        SURVEY = "survey", _("Survey")
        SYMPOSIUM = "symposium", _("Symposium")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="talent_needs", verbose_name=_("organization")
    )
    field = models.CharField(_("field or industry"), max_length=100)
    category = models.ForeignKey(
        TalentCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    count = models.PositiveSmallIntegerField(_("number needed"))
    reason = models.TextField(_("why"), blank=True)
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.SURVEY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TalentNeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("talent need")
        verbose_name_plural = _("talent needs")
        ordering = ["organization", "field", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(count__gte=1), name="need_count_positive")]

    def __str__(self):
        return f"{self.organization} {self.field} ×{self.count}"


class TalentRowQuerySet(models.QuerySet):
    """Rows that belong to one talent (mentorships, growth and support records)."""

    def visible_to(self, user):
        """Rows of talents the user may see."""
        return self.filter(scoping.talent_q(user, "talent__"))


class DatedTalentRowQuerySet(TalentRowQuerySet):
    """Growth and support records: talent rows with a date."""

    def in_year(self, year: int):
        return self.filter(date__year=year)


class Mentorship(models.Model):
    """A talent's mentor (导师) for a term, a leader or an experienced expert, and the term's plan."""

    talent = models.ForeignKey(Talent, on_delete=models.PROTECT, related_name="mentorships", verbose_name=_("talent"))
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="mentorships", verbose_name=_("term"))
    mentor_leader = models.ForeignKey(
        Leader, on_delete=models.PROTECT, null=True, blank=True, related_name="mentees", verbose_name=_("leader mentor")
    )
    mentor_expert = models.ForeignKey(
        Talent, on_delete=models.PROTECT, null=True, blank=True, related_name="mentees", verbose_name=_("expert mentor")
    )
    plan = models.TextField(_("plan for the term"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TalentRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        constraints = [
            models.UniqueConstraint(fields=["talent", "term"], name="one_mentorship_per_talent_term"),
            # Exactly one mentor: a leader or an expert.
            models.CheckConstraint(
                condition=models.Q(mentor_leader__isnull=False, mentor_expert__isnull=True)
                | models.Q(mentor_leader__isnull=True, mentor_expert__isnull=False),
                name="mentorship_one_mentor",
            ),
            models.CheckConstraint(
                condition=~models.Q(mentor_expert=models.F("talent")), name="mentorship_not_own_mentor"
            ),
        ]

    def __str__(self):
        return f"{self.talent} ← {self.mentor}"

    @property
    def mentor(self):
        return self.mentor_leader or self.mentor_expert


class GrowthRecord(models.Model):
    """One step on a talent's growth roadmap (成长路线图): training, competition, award, title, project."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        COMPETITION = "competition", _("Competition")
        AWARD = "award", _("Award")
        TITLE = "title", _("Professional title")
        PROJECT = "project", _("Project")

    talent = models.ForeignKey(
        Talent, on_delete=models.CASCADE, related_name="growth_records", verbose_name=_("talent")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DatedTalentRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("growth record")
        verbose_name_plural = _("growth records")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["talent", "date"], name="growth_talent_date"),
            # The roadmap's latest records of a year, newest first.
            models.Index(fields=["date", "id"], name="growth_date"),
        ]

    def __str__(self):
        return f"{self.date} {self.title}"


class SupportKind(models.Model):
    """An editable kind of support (保障): housing, health file and check-ups, schooling, spouse job, loans...

    Closed appeals of ``appeal_categories`` and attended activities of ``activity_kinds`` count as this
    support without being typed again.
    """

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    appeal_categories = models.ManyToManyField(
        AppealCategory, related_name="+", blank=True, verbose_name=_("drawn from appeals of")
    )
    activity_kinds = models.ManyToManyField(
        ActivityKind, related_name="+", blank=True, verbose_name=_("drawn from activities of")
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("support kind")
        verbose_name_plural = _("support kinds")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


class SupportRecord(models.Model):
    """Support a talent received that no appeal or activity records (a subsidy granted, a loan...)."""

    talent = models.ForeignKey(
        Talent, on_delete=models.CASCADE, related_name="support_records", verbose_name=_("talent")
    )
    kind = models.ForeignKey(SupportKind, on_delete=models.PROTECT, related_name="records", verbose_name=_("kind"))
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DatedTalentRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("support record")
        verbose_name_plural = _("support records")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["talent", "date"], name="support_talent_date"),
            # The panorama reads a year's records from the index alone.
            models.Index(fields=["date", "kind", "talent"], name="support_date"),
        ]

    def __str__(self):
        return f"{self.date} {self.kind}"


class SupportTally(models.Model):
    """Talents of an organization who received support in a year, per support kind and per source.

    ``kind`` is a support kind's id, or 0 for the talents who received any support. ``talents`` counts
    each talent once however many sources show them (DOMAIN.md rule 17); ``record``, ``appeal`` and
    ``activity`` count the talents each source shows. A talent counts under the organization they belong
    to now. The support panorama sums these rows, some thousands for a city, instead of reading the year's
    support records, closed appeals and attended activities. Kept by database triggers on the six tables
    the figures come from and on talents (migration ``0004_support_tally``). Django never writes it.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.PositiveIntegerField(_("support kind id, 0 for any"))
    talents = models.IntegerField(_("talents supported"), default=0)
    record = models.IntegerField(_("from support records"), default=0)
    appeal = models.IntegerField(_("from closed appeals"), default=0)
    activity = models.IntegerField(_("from activities"), default=0)

    class Meta:
        verbose_name = _("support count")
        verbose_name_plural = _("support counts")
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "kind"], name="support_tally_unique"),
        ]
        indexes = [models.Index(fields=["year", "organization"], name="support_tally_year_org")]

    def __str__(self):
        return f"{self.organization_id} {self.year} {self.kind}: {self.talents}"
