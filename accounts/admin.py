from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from accounts import services
from accounts.models import (
    AuditEvent,
    Membership,
    Organization,
    PasswordHistory,
    RecoveryCode,
    TOTPDevice,
    User,
)


def _login_through_the_site(request, extra_context=None):
    """Send the admin's login to the site's: the admin's own form would skip the second factor."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


admin.site.login = _login_through_the_site


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the site writes (histories, logs, devices): the admin lists them and never adds or edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AppendOnlyAdmin(ReadOnlyAdmin):
    """Audit rows: not even deleted from the admin (DESIGN.md "Access", 等保 audit)."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Contact"), {"fields": ("name", "phone")}),
        (_("Security"), {"fields": ("must_change_password",)}),
    )
    list_display = ["username", "name", "email", "is_active", "is_superuser", "last_login"]
    search_fields = ["username", "name", "email"]
    inlines = [MembershipInline]


@admin.register(Organization)
class OrganizationAdmin(TreeAdmin):
    form = movenodeform_factory(Organization)
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__username", "user__name", "organization__name"]
    autocomplete_fields = ["user", "organization"]


@admin.register(PasswordHistory)
class PasswordHistoryAdmin(ReadOnlyAdmin):
    """Read-only: rows are written when a password changes."""

    list_display = ["user", "created_at"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ReadOnlyAdmin):
    """Deleting a device resets a user who lost both phone and recovery codes; the secret is never shown."""

    list_display = ["user", "confirmed_at", "created_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__name"]
    fields = ["user", "confirmed_at", "created_at"]
    readonly_fields = ["user", "confirmed_at", "created_at"]

    def delete_model(self, request, obj):
        services.totp_disable(user=obj.user)

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            services.totp_disable(user=device.user)


@admin.register(AuditEvent)
class AuditEventAdmin(AppendOnlyAdmin):
    """Read-only, as the database trigger makes the table: exports, imports and personal-data operations."""

    list_display = ["at", "actor", "action", "target", "row_count", "success", "remote_addr"]
    list_filter = ["action", "success"]
    list_select_related = ["actor"]
    search_fields = ["actor__username", "target", "detail"]


@admin.register(RecoveryCode)
class RecoveryCodeAdmin(ReadOnlyAdmin):
    """Read-only: which codes a user has used and when; the codes themselves exist only as hashes."""

    list_display = ["user", "created_at", "used_at"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "created_at", "used_at"]
    readonly_fields = ["user", "created_at", "used_at"]
