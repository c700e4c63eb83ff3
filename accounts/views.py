from datetime import datetime, time, timedelta

from auditlog.models import LogEntry
from axes.models import AccessFailureLog, AccessLog
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import scoping, services
from accounts.decorators import role_required, staff_required
from accounts.forms import MemberAddForm, OrganizationForm
from accounts.models import Membership, Organization, User


def _apply_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, field by field where it names fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_GET
@login_required
def home(request):
    return render(request, "accounts/home.html", {"memberships": scoping.memberships(request.user)})


@require_GET
@login_required
@staff_required
def org_list(request):
    organizations = (
        Organization.objects.visible_to(request.user).annotate(member_count=Count("memberships")).order_by("path")
    )
    top_depth = min((o.depth for o in organizations), default=1)
    rows = [(o, o.depth - top_depth) for o in organizations]
    return render(request, "accounts/org_list.html", {"rows": rows})


@require_GET
@login_required
@staff_required
def org_detail(request, pk):
    organization = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    context = {
        "organization": organization,
        "ancestors": Organization.objects.get_ancestors(organization).filter(
            scoping.organization_q(request.user, "path")
        ),
        "children": Organization.objects.get_children(organization),
        "memberships": organization.memberships.select_related("user").order_by("role", "user__username"),
    }
    return render(request, "accounts/org_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def org_add(request, pk):
    parent = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    form = OrganizationForm(request.POST or None, initial={"kind": Organization.Kind.VILLAGE})
    if form.is_valid():
        try:
            child = services.organization_create(parent=parent, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Organization “%(name)s” added.") % {"name": child.name})
            return redirect("accounts:org_detail", pk=child.pk)
    return render(request, "accounts/org_add.html", {"form": form, "parent": parent})


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def org_rename(request, pk):
    organization = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    initial = {"name": organization.name, "kind": organization.kind}
    form = OrganizationForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.organization_rename(organization=organization, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Organization saved."))
            return redirect("accounts:org_detail", pk=organization.pk)
    return render(request, "accounts/org_rename.html", {"form": form, "organization": organization})


@require_http_methods(["GET", "POST"])
@login_required
@staff_required
def member_add(request, pk):
    organization = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    form = MemberAddForm(request.POST or None)
    if form.is_valid():
        try:
            membership = services.member_add(organization=organization, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("User “%(name)s” added.") % {"name": membership.user})
            return redirect("accounts:org_detail", pk=organization.pk)
    return render(request, "accounts/member_add.html", {"form": form, "organization": organization})


@require_GET
@login_required
@staff_required
def user_detail(request, pk):
    account = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    memberships = Membership.objects.visible_to(request.user).filter(user=account).select_related("organization")
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


@require_GET
@login_required
@role_required("auditor")
def audit_log(request):
    """The security auditor's page: who changed what, who saw whole personal numbers, who logged in.

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
        ],
        "who": who,
        "date_from": request.GET.get("from", ""),
        "date_to": request.GET.get("to", ""),
        "query": params.urlencode(),
    }
    return render(request, "accounts/audit_log.html", context)
