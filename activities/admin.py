from django.contrib import admin

from activities import services
from activities.models import ActivityKind, ActivityPhoto, GroupActivity


@admin.register(ActivityKind)
class ActivityKindAdmin(admin.ModelAdmin):
    """The editable list of activity kinds (DOMAIN.md rule 16): staff of the system add or retire kinds."""

    list_display = ["name", "code", "contact_method", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    list_select_related = ["contact_method"]
    prepopulated_fields = {"code": ["name"]}


class ActivityPhotoInline(admin.TabularInline):
    model = ActivityPhoto
    extra = 0


@admin.register(GroupActivity)
class GroupActivityAdmin(admin.ModelAdmin):
    """Read and correct activities; participants are changed in the app, so the counted contacts follow."""

    list_display = ["date", "title", "kind", "organization", "place"]
    list_filter = ["kind", "date"]
    list_select_related = ["kind", "organization"]
    search_fields = ["title", "place"]
    date_hierarchy = "date"
    autocomplete_fields = ["organization"]
    readonly_fields = ["talents", "leaders", "import_batch", "created_by", "created_at"]
    inlines = [ActivityPhotoInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A date or kind corrected here moves the counted contacts too (DOMAIN.md rule 16).
        services.activity_contacts_sync(activity=obj)

    def delete_model(self, request, obj):
        services.activity_delete(activity=obj)

    def delete_queryset(self, request, queryset):
        for activity in queryset:
            services.activity_delete(activity=activity)


@admin.register(ActivityPhoto)
class ActivityPhotoAdmin(admin.ModelAdmin):
    list_display = ["activity", "image", "uploaded_at"]
    list_select_related = ["activity"]
    raw_id_fields = ["activity"]
