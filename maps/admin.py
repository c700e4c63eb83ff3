from django.contrib import admin

from accounts.admin import ReadOnlyAdmin
from maps.models import GrowthRecord, Mentorship, SupportKind, SupportRecord, SupportTally, TalentNeed


@admin.register(SupportKind)
class SupportKindAdmin(admin.ModelAdmin):
    """The editable list of support kinds and the appeal categories and activity kinds they are drawn from."""

    list_display = ["name", "code", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    prepopulated_fields = {"code": ["name"]}
    filter_horizontal = ["appeal_categories", "activity_kinds"]


@admin.register(TalentNeed)
class TalentNeedAdmin(admin.ModelAdmin):
    list_display = ["organization", "field", "category", "count", "needed_by", "source"]
    list_filter = ["source", "category"]
    list_select_related = ["organization", "category"]
    search_fields = ["field", "organization__name"]
    raw_id_fields = ["organization", "created_by"]


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["talent", "term", "mentor_leader", "mentor_expert"]
    list_select_related = ["talent", "term", "mentor_leader__user", "mentor_expert"]
    raw_id_fields = ["talent", "term", "mentor_leader", "mentor_expert", "created_by"]


@admin.register(GrowthRecord)
class GrowthRecordAdmin(admin.ModelAdmin):
    list_display = ["talent", "kind", "date", "title"]
    list_filter = ["kind"]
    list_select_related = ["talent"]
    raw_id_fields = ["talent", "created_by"]


@admin.register(SupportRecord)
class SupportRecordAdmin(admin.ModelAdmin):
    list_display = ["talent", "kind", "date", "description", "amount"]
    list_filter = ["kind"]
    list_select_related = ["talent", "kind"]
    raw_id_fields = ["talent", "created_by"]


@admin.register(SupportTally)
class SupportTallyAdmin(ReadOnlyAdmin):
    """Counts kept by database triggers (migration 0004): shown to check a figure, never changed."""

    list_display = ["organization", "year", "kind", "talents", "record", "appeal", "activity"]
    list_filter = ["year", "kind"]
    list_select_related = ["organization"]
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False
