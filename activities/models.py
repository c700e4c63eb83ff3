"""Group activities (集中活动): many talents and leaders at once (DOMAIN.md rule 16)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from accounts.models import Organization
from liaison.models import ContactLog, ContactMethod, Leader
from talents.models import ImportBatch, Talent


class ActivityKind(models.Model):
    """An editable kind of activity: 座谈会, 团拜会, 国情研修班, 健康体检, 疗养, 专家下基层服务, other."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    # The method the counted contact logs carry, so compliance and the report name it.
    contact_method = models.ForeignKey(
        ContactMethod, on_delete=models.PROTECT, related_name="+", verbose_name=_("counts as contact method")
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("activity kind")
        verbose_name_plural = _("activity kinds")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


class GroupActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Activities of the organizations the user is staff over, and those a leader took part in."""
        if scoping.sees_everything(user):
            return self
        q = scoping.organization_q(user, "organization__path")
        if "leader" in scoping.roles(user):
            q |= models.Q(leaders__user_id=user.pk)
        if "liaison" in scoping.roles(user):
            q |= models.Q(talents__work_unit__liaison_officers=user.pk)
        # The joins above can repeat an activity once per matching participant.
        return self.filter(pk__in=self.model.objects.filter(q).values("pk"))

    def in_year(self, year: int):
        return self.filter(date__year=year)

    def with_counts(self):
        """Annotate the numbers of talents, leaders and counted contacts.

        Correlated subqueries, not JOINs: two many-to-many joins would multiply each other's rows.
        """

        def count(model, field):
            rows = model.objects.filter(**{field: models.OuterRef("pk")}).order_by().values(field)
            return Coalesce(models.Subquery(rows.annotate(n=models.Count("pk")).values("n")), 0)

        return self.annotate(
            talent_count=count(GroupActivity.talents.through, "groupactivity"),
            leader_count=count(GroupActivity.leaders.through, "groupactivity"),
            contact_count=count(ContactLog, "activity"),
        )


class GroupActivity(models.Model):
    """One symposium, gathering, course, check-up, recuperation or grassroots service trip."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="activities", verbose_name=_("organizer")
    )
    kind = models.ForeignKey(ActivityKind, on_delete=models.PROTECT, related_name="activities", verbose_name=_("kind"))
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    talents = models.ManyToManyField(Talent, related_name="activities", verbose_name=_("talents"), blank=True)
    leaders = models.ManyToManyField(Leader, related_name="activities", verbose_name=_("leaders"), blank=True)
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("import batch")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = GroupActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("group activity")
        verbose_name_plural = _("group activities")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["organization", "date"], name="activity_org_date")]

    def __str__(self):
        return f"{self.date} {self.title}"


class ActivityPhoto(models.Model):
    """A photo of an activity; type and size are checked by the form before it is stored."""

    activity = models.ForeignKey(
        GroupActivity, on_delete=models.CASCADE, related_name="photos", verbose_name=_("activity")
    )
    image = models.ImageField(_("photo"), upload_to="activities/%Y/%m/")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")

    def __str__(self):
        return self.image.name
