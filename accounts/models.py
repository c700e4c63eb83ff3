from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from accounts import scoping
from accounts.fields import EncryptedTextField


class Role(models.TextChoices):
    STAFF = "staff", _("Office staff")
    LEADER = "leader", _("Leader")
    LIAISON = "liaison", _("Liaison officer")
    # Separation of duties (三员分立): manages organizations and accounts, never reads talent data.
    ACCOUNT_ADMIN = "account_admin", _("Account administrator")
    # Separation of duties (三员分立): reads the audit log, never talent data.
    AUDITOR = "auditor", _("Security auditor")


class OrganizationQuerySet(MP_NodeQuerySet):
    def visible_to(self, user):
        """Organizations the user may see: the subtrees of their staff memberships."""
        return self.filter(scoping.organization_q(user, "path"))

    def managed_by(self, user):
        """Organizations whose accounts the user manages: staff and account administrators' subtrees."""
        return self.filter(scoping.organization_q(user, "path", scoping.ACCOUNT_ROLES))


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
    require_second_factor = models.BooleanField(
        _("require a second factor of its staff"),
        default=False,
        help_text=_("Office staff of this organization and of every one below it must log in with a one-time code."),
    )
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

    def line_paths(self) -> list[str]:
        """The paths of this organization and of those above it, the top one first."""
        return [self.path[:i] for i in range(self.steplen, len(self.path) + 1, self.steplen)]


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Users holding a role in an organization the user may see."""
        if scoping.sees_everything(user):
            return self
        visible = Membership.objects.visible_to(user).values("user_id")
        return self.filter(pk__in=visible)

    def managed_by(self, user):
        """Users holding a role in an organization whose accounts the user manages."""
        if scoping.sees_everything(user):
            return self
        return self.filter(pk__in=Membership.objects.managed_by(user).values("user_id"))


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

    def second_factor_required(self) -> bool:
        """Whether an organization at or above one where the user is staff requires a second factor."""
        paths = [o.path for o in scoping.organizations_for_role(self, Role.STAFF)]
        if not paths:
            return False
        # A materialized path's prefixes are its ancestors' paths.
        step = Organization.steplen
        covering = {path[:end] for path in paths for end in range(step, len(path) + 1, step)}
        return Organization.objects.filter(path__in=covering, require_second_factor=True).exists()

    def has_second_factor(self) -> bool:
        return TOTPDevice.objects.filter(user=self, confirmed_at__isnull=False).exists()

    def second_factor_missing(self) -> bool:
        """Whether the user must enrol a second factor before using the site."""
        return self.second_factor_required() and not self.has_second_factor()


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Memberships in organizations the user may see."""
        return self.filter(scoping.organization_q(user, "organization__path"))

    def managed_by(self, user):
        """Memberships in organizations whose accounts the user manages."""
        return self.filter(scoping.organization_q(user, "organization__path", scoping.ACCOUNT_ROLES))


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


class TOTPDevice(models.Model):
    """A user's authenticator app: the shared secret of its one-time codes (RFC 6238).

    Unconfirmed until the user types a first code; only a confirmed device is asked for at login.
    The secret is shown during enrolment only, never logged, never in the admin.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device", verbose_name=_("user"))
    secret = EncryptedTextField(_("secret"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # The time step of the last code accepted: a code of that step or an earlier one is refused,
    # so an overheard code cannot be replayed within its window.
    last_step = models.BigIntegerField(_("last time step used"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    def __str__(self):
        return str(self.user)

    def __repr__(self):
        # Keep the secret out of tracebacks and debug pages.
        return f"<TOTPDevice user={self.user_id} confirmed={self.confirmed_at is not None}>"


class RecoveryCode(models.Model):
    """A one-time code for logging in without the phone; only its keyed hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes", verbose_name=_("user"))
    code_hash = models.CharField(_("code hash"), max_length=64)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique_per_user"),
        ]

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


class AuditEvent(models.Model):
    """One export, import or personal-data operation, appended and never changed (等保 2.0 audit).

    Says who, when, what, from which address and whether it worked, never the personal value itself.
    A PostgreSQL (or SQLite) trigger refuses UPDATE, and DELETE of a row younger than
    ``RETENTION_DAYS``; ``manage.py purge_audit_events`` removes the older ones.
    """

    RETENTION_DAYS = 180

    class Action(models.TextChoices):
        EXPORT = "export", _("Export")
        IMPORT = "import", _("Import")
        UNMASKED_REQUEST = "unmasked_request", _("Unmasked export requested")
        UNMASKED_APPROVE = "unmasked_approve", _("Unmasked export approved")
        UNMASKED_REJECT = "unmasked_reject", _("Unmasked export rejected")
        UNMASKED_EXPORT = "unmasked_export", _("Unmasked export")
        TALENT_DATA_EXPORT = "talent_data_export", _("Talent's data exported")
        ANONYMISE = "anonymise", _("Talent anonymised")
        SECOND_FACTOR_ENROL = "second_factor_enrol", _("Two-step verification turned on")
        SECOND_FACTOR_DISABLE = "second_factor_disable", _("Two-step verification turned off")
        SECOND_FACTOR_FAILURE = "second_factor_failure", _("Wrong one-time code")
        RECOVERY_CODE_USE = "recovery_code_use", _("Recovery code used")

    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    target = models.CharField(_("object"), max_length=200)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)
    success = models.BooleanField(_("succeeded"), default=True)
    at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} · {self.actor} · {self.get_action_display()}"
