from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from accounts import scoping


class Role(models.TextChoices):
    STAFF = "staff", _("Office staff")
    LEADER = "leader", _("Leader")
    LIAISON = "liaison", _("Liaison officer")
    # Separation of duties (三员分立): reads the audit log, never talent data.
    AUDITOR = "auditor", _("Security auditor")


class OrganizationQuerySet(MP_NodeQuerySet):
    def visible_to(self, user):
        """Organizations the user may see: the subtrees of their staff memberships."""
        return self.filter(scoping.organization_q(user, "path"))


class OrganizationManager(MP_NodeManager.from_queryset(OrganizationQuerySet)):
    def get_queryset(self):
        # treebeard's manager hard-codes its own queryset class; keep its tree order.
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")


class Organization(MP_Node):
    """A node of the organization tree: province → city → county → township → village, or an office."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County")
        TOWNSHIP = "township", _("Township")
        VILLAGE = "village", _("Village")
        COMMUNITY = "community", _("Community")
        OFFICE = "office", _("Office (station / bureau)")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OrganizationManager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name

    def subtree(self):
        """Return this organization and everything below it."""
        return Organization.objects.filter(path__startswith=self.path)


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Users holding a role in an organization the user may see."""
        if scoping.sees_everything(user):
            return self
        visible = Membership.objects.visible_to(user).values("user_id")
        return self.filter(pk__in=visible)


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set for seeded and imported accounts: the user chooses a new password at first login."),
    )

    objects = AccountManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.username

    def has_role(self, role) -> bool:
        return any(m.role == role for m in scoping.memberships(self))


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Memberships in organizations the user may see."""
        return self.filter(scoping.organization_q(user, "organization__path"))


class Membership(models.Model):
    """A user's role in one organization (DOMAIN.md "Who uses it")."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organization")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords, so a new one cannot repeat them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history", verbose_name=_("user"))
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("past password")
        verbose_name_plural = _("past passwords")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d}"
