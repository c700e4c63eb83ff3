from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import scoping, services
from accounts.decorators import staff_required
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
