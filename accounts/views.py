import time as clock
from datetime import datetime, time, timedelta

from auditlog.models import LogEntry
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from axes.models import AccessFailureLog, AccessLog
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import scoping, services, totp
from accounts.decorators import account_manager_required, role_required
from accounts.forms import (
    LoginForm,
    MemberAddForm,
    OneTimeCodeForm,
    OrganizationForm,
    SecondFactorPolicyForm,
    TOTPDisableForm,
    apply_service_errors,
)
from accounts.models import AuditEvent, Membership, Organization, User


@require_GET
@login_required
def home(request):
    return render(request, "accounts/home.html", {"memberships": scoping.memberships(request.user)})


@require_GET
@login_required
@account_manager_required
def org_list(request):
    organizations = (
        Organization.objects.managed_by(request.user).annotate(member_count=Count("memberships")).order_by("path")
    )
    top_depth = min((o.depth for o in organizations), default=1)
    rows = [(o, o.depth - top_depth) for o in organizations]
    return render(request, "accounts/org_list.html", {"rows": rows})


@require_GET
@login_required
@account_manager_required
def org_detail(request, pk):
    organization = get_object_or_404(Organization.objects.managed_by(request.user), pk=pk)
    context = {
        "organization": organization,
        "ancestors": Organization.objects.get_ancestors(organization).filter(
            scoping.organization_q(request.user, "path", scoping.ACCOUNT_ROLES)
        ),
        "children": Organization.objects.get_children(organization),
        "memberships": organization.memberships.select_related("user").order_by("role", "user__username"),
        "policy_form": SecondFactorPolicyForm(initial={"require_second_factor": organization.require_second_factor}),
        "policy_inherited_from": Organization.objects.get_ancestors(organization)
        .filter(require_second_factor=True)
        .first(),
    }
    return render(request, "accounts/org_detail.html", context)


@require_POST
@login_required
@account_manager_required
def org_second_factor(request, pk):
    organization = get_object_or_404(Organization.objects.managed_by(request.user), pk=pk)
    form = SecondFactorPolicyForm(request.POST)
    form.is_valid()  # an unticked box is valid too: it means "not required"
    required = form.cleaned_data.get("require_second_factor", False)
    services.organization_require_second_factor(organization=organization, required=required)
    if required:
        messages.success(request, _("Staff of this organization and below must now log in with a one-time code."))
    else:
        messages.success(request, _("This organization no longer requires a second factor of its staff."))
    return redirect("accounts:org_detail", pk=organization.pk)


@require_http_methods(["GET", "POST"])
@login_required
@account_manager_required
def org_add(request, pk):
    parent = get_object_or_404(Organization.objects.managed_by(request.user), pk=pk)
    form = OrganizationForm(request.POST or None, initial={"kind": Organization.Kind.VILLAGE})
    if form.is_valid():
        try:
            child = services.organization_create(parent=parent, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Organization “%(name)s” added.") % {"name": child.name})
            return redirect("accounts:org_detail", pk=child.pk)
    return render(request, "accounts/org_add.html", {"form": form, "parent": parent})


@require_http_methods(["GET", "POST"])
@login_required
@account_manager_required
def org_rename(request, pk):
    organization = get_object_or_404(Organization.objects.managed_by(request.user), pk=pk)
    initial = {"name": organization.name, "kind": organization.kind}
    form = OrganizationForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.organization_rename(organization=organization, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Organization saved."))
            return redirect("accounts:org_detail", pk=organization.pk)
    return render(request, "accounts/org_rename.html", {"form": form, "organization": organization})


@require_http_methods(["GET", "POST"])
@login_required
@account_manager_required
def member_add(request, pk):
    organization = get_object_or_404(Organization.objects.managed_by(request.user), pk=pk)
    form = MemberAddForm(request.POST or None)
    if form.is_valid():
        try:
            membership = services.member_add(organization=organization, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("User “%(name)s” added.") % {"name": membership.user})
            return redirect("accounts:org_detail", pk=organization.pk)
    return render(request, "accounts/member_add.html", {"form": form, "organization": organization})


@require_GET
@login_required
@account_manager_required
def user_detail(request, pk):
    account = get_object_or_404(User.objects.managed_by(request.user), pk=pk)
    memberships = Membership.objects.managed_by(request.user).filter(user=account).select_related("organization")
    return render(request, "accounts/user_detail.html", {"account": account, "memberships": memberships})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's password; clears the first-login flag set on seeded and imported accounts."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.user.must_change_password:
            self.request.user.must_change_password = False
            self.request.user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("Your password has been changed."))
        return response


# The half-logged-in state between a right password and a right code: who, how, since when, where
# to go next. The user is not logged in (request.user is anonymous) until the code is right.
PENDING_LOGIN = "_second_factor_pending"
PENDING_LIFETIME = 5 * 60


def _note(request, user, action: str, *, success: bool = True) -> None:
    """Record a second-factor event for the auditor: who, when, from where; never a code or a secret."""
    services.audit_record(action=action, target=user.get_username(), request=request, actor=user, success=success)


def _code_failed(request, user) -> None:
    """Count a wrong code as a failed login, so django-axes locks the account as for a wrong password."""
    _note(request, user, AuditEvent.Action.SECOND_FACTOR_FAILURE, success=False)
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)


class LoginView(auth_views.LoginView):
    """Log in with username and password; a user with an authenticator app then gives a code (totp_verify)."""

    authentication_form = LoginForm

    def form_valid(self, form):
        user = form.get_user()
        if not user.has_second_factor():
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_LOGIN] = {
            "user": user.pk, "backend": user.backend, "at": int(clock.time()), "next": self.get_success_url(),
        }  # fmt: skip
        return redirect("accounts:totp_verify")


def _pending_user(request):
    pending = request.session.get(PENDING_LOGIN)
    if not pending or clock.time() - pending["at"] > PENDING_LIFETIME:
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


@never_cache
@require_http_methods(["GET", "POST"])
def totp_verify(request):
    """The second step of logging in: a current code from the app, or a recovery code, used once."""
    user = _pending_user(request)
    credentials = {"username": user.get_username()} if user else None
    if user is None or AxesProxyHandler.is_locked(request, credentials):
        pending = request.session.pop(PENDING_LOGIN, None)
        if user is None:
            if pending:
                messages.error(request, _("The time to enter the code ran out. Log in again."))
            return redirect("accounts:login")
        return get_lockout_response(request, credentials=credentials)
    form = OneTimeCodeForm(request.POST or None)
    if form.is_valid():
        kind = services.second_factor_check(user=user, code=form.cleaned_data["code"], at=timezone.now())
        if kind is None:
            _code_failed(request, user)
            form.add_error("code", _("The code is wrong, has expired or was already used."))
        else:
            pending = request.session.pop(PENDING_LOGIN)
            auth_login(request, user, backend=pending["backend"])
            if kind == "recovery":
                _note(request, user, AuditEvent.Action.RECOVERY_CODE_USE)
                left = user.recovery_codes.filter(used_at=None).count()
                messages.warning(request, _("You logged in with a recovery code; %(left)s left.") % {"left": left})
            return redirect(pending["next"])
    return render(request, "accounts/totp_verify.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def totp_enrol(request):
    """Set up an authenticator app: scan, type a first code, receive recovery codes once."""
    if request.user.has_second_factor():
        return redirect("accounts:totp_disable")
    device = services.totp_enrol_begin(user=request.user)
    form = OneTimeCodeForm(request.POST or None)
    if form.is_valid():
        try:
            codes = services.totp_enrol_confirm(device=device, code=form.cleaned_data["code"], at=timezone.now())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _note(request, request.user, AuditEvent.Action.SECOND_FACTOR_ENROL)
            return render(request, "accounts/totp_enrol_codes.html", {"codes": codes})
    uri = totp.provisioning_uri(device.secret, account=request.user.get_username(), issuer=_("Talent liaison system"))
    context = {
        "form": form,
        "qr_code": totp.qr_data_uri(uri),
        "secret_groups": totp.secret_groups(device.secret),
        "required": request.user.second_factor_required(),
    }
    return render(request, "accounts/totp_enrol.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def totp_disable(request):
    """Turn two-step verification off, with the password and a current code."""
    user = request.user
    device = user.totp_device if user.has_second_factor() else None
    if device is None:
        return redirect("accounts:totp_enrol")
    form = TOTPDisableForm(request.POST or None)
    if form.is_valid():
        # authenticate() runs django-axes: a wrong password counts toward the lock-out.
        if authenticate(request, username=user.get_username(), password=form.cleaned_data["password"]) is None:
            form.add_error("password", _("Wrong password."))
        elif services.second_factor_check(user=user, code=form.cleaned_data["code"], at=timezone.now()) is None:
            _code_failed(request, user)
            form.add_error("code", _("The code is wrong, has expired or was already used."))
        else:
            services.totp_disable(user=user)
            _note(request, user, AuditEvent.Action.SECOND_FACTOR_DISABLE)
            messages.success(request, _("Two-step verification is off."))
            return redirect("accounts:home")
    context = {"form": form, "device": device, "required": user.second_factor_required()}
    return render(request, "accounts/totp_disable.html", context)


AUDIT_PAGE_SIZE = 50


def _audit_period(request):
    """The day range asked for (``from`` / ``to``, ISO dates), as aware datetimes; bad dates are ignored."""
    bounds = []
    for key, extra in (("from", timedelta(0)), ("to", timedelta(days=1))):
        try:
            day = datetime.strptime(request.GET.get(key, ""), "%Y-%m-%d").date()
        except ValueError:
            bounds.append(None)
        else:
            bounds.append(timezone.make_aware(datetime.combine(day, time.min)) + extra)
    return bounds


def _audit_events(request):
    """Exports, imports and personal-data operations, narrowed by action and by words of their object."""
    rows = AuditEvent.objects.select_related("actor").order_by("-at", "-pk")
    if request.GET.get("action") in AuditEvent.Action.values:
        rows = rows.filter(action=request.GET["action"])
    text = request.GET.get("q", "").strip()[:100]
    if text:
        rows = rows.filter(Q(target__icontains=text) | Q(detail__icontains=text))
    return rows


@require_GET
@login_required
@role_required("auditor")
def audit_log(request):
    """The security auditor's page: who changed what, who saw whole personal numbers, who logged in,
    who exported or imported what.

    Shows actors, times, object types and the names of changed fields, never their values.
    """
    from talents.models import PersonalDataAccess

    who = request.GET.get("user", "").strip()[:150]
    start, end = _audit_period(request)
    kind = request.GET.get("kind", "changes")
    if kind == "access":
        rows = PersonalDataAccess.objects.select_related("user").order_by("-at")
        time_field, user_fields = "at", ("user__username__icontains", "user__name__icontains")
    elif kind == "logins":
        rows = AccessLog.objects.order_by("-attempt_time")
        time_field, user_fields = "attempt_time", ("username__icontains",)
    elif kind == "failures":
        rows = AccessFailureLog.objects.order_by("-attempt_time")
        time_field, user_fields = "attempt_time", ("username__icontains",)
    elif kind == "events":
        rows = _audit_events(request)
        time_field, user_fields = "at", ("actor__username__icontains", "actor__name__icontains")
    else:
        kind = "changes"
        rows = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
        time_field, user_fields = "timestamp", ("actor__username__icontains", "actor__name__icontains")
    if who:
        query = Q()
        for field in user_fields:
            query |= Q(**{field: who})
        rows = rows.filter(query)
    if start:
        rows = rows.filter(**{f"{time_field}__gte": start})
    if end:
        rows = rows.filter(**{f"{time_field}__lt": end})
    page = Paginator(rows, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    if kind == "changes":
        for entry in page:
            entry.field_names = sorted((entry.changes_dict or {}).keys())
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "kind": kind,
        "kinds": [
            ("changes", _("Data changes")),
            ("access", _("Views of personal numbers")),
            ("logins", _("Logins")),
            ("failures", _("Failed logins")),
            ("events", _("Exports and imports")),
        ],
        "actions": AuditEvent.Action.choices,
        "action": request.GET.get("action", ""),
        "text": request.GET.get("q", "")[:100],
        "who": who,
        "date_from": request.GET.get("from", ""),
        "date_to": request.GET.get("to", ""),
        "query": params.urlencode(),
    }
    return render(request, "accounts/audit_log.html", context)
