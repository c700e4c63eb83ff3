from django.contrib import admin

from accounts.admin import AppendOnlyAdmin, ReadOnlyAdmin
from talents.models import (
    Achievement,
    ExportApproval,
    ImportBatch,
    MajorEvent,
    PersonalDataAccess,
    Recommendation,
    Talent,
    TalentCategory,
    TalentSubtreeTally,
    TalentTally,
    WorkUnit,
)


@admin.register(WorkUnit)
class WorkUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "organization"]
    list_select_related = ["organization"]
    search_fields = ["name"]
    autocomplete_fields = ["organization"]
    filter_horizontal = ["liaison_officers"]


@admin.register(TalentCategory)
class TalentCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


class AchievementInline(admin.TabularInline):
    model = Achievement
    extra = 0
    exclude = ["created_by"]


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0


@admin.register(Talent)
class TalentAdmin(admin.ModelAdmin):
    """The system administrator's view (三员分立): whole numbers and personal notes are not shown or edited
    here; they are kept on the site, where every reveal is recorded."""

    exclude = ["id_number", "id_number_hash", "phone", "notes"]
    readonly_fields = ["masked_id_number", "masked_phone"]
    list_display = ["name", "work_unit", "organization", "level", "status"]
    list_filter = ["status", "level", "categories"]
    list_select_related = ["work_unit", "organization"]
    search_fields = ["name", "name_initials"]
    autocomplete_fields = ["work_unit"]
    filter_horizontal = ["categories"]
    inlines = [AchievementInline, RecommendationInline]


@admin.register(MajorEvent)
class MajorEventAdmin(admin.ModelAdmin):
    # The description may hold health details: kept on the site only, as for the talent's notes.
    exclude = ["description"]
    list_display = ["talent", "kind", "date", "reported_by"]
    list_filter = ["kind"]
    list_select_related = ["talent", "reported_by"]
    raw_id_fields = ["talent"]


@admin.register(Achievement, Recommendation)
class TalentRecordAdmin(admin.ModelAdmin):
    list_select_related = ["talent"]
    raw_id_fields = ["talent"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(AppendOnlyAdmin):
    """Read-only: the record of who saw personal numbers cannot be edited."""

    list_display = ["at", "user", "talent", "purpose", "remote_addr"]
    list_select_related = ["user", "talent"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "original_name", "organization", "uploaded_by", "status", "row_count"]
    list_filter = ["kind", "status"]
    list_select_related = ["organization", "uploaded_by"]


@admin.register(ExportApproval)
class ExportApprovalAdmin(AppendOnlyAdmin):
    """Read-only: requests are decided on the site, where the four-eyes rule is checked."""

    list_display = ["created_at", "requested_by", "organization", "status", "decided_by", "downloaded_at"]
    list_filter = ["status"]
    list_select_related = ["requested_by", "organization", "decided_by"]


@admin.register(TalentTally, TalentSubtreeTally)
class TalentTallyAdmin(ReadOnlyAdmin):
    """Counts kept by database triggers (migrations 0013 and 0017): shown to check a figure, never changed."""

    list_display = ["organization", "field", "category", "talents"]
    list_filter = ["category"]
    list_select_related = ["organization"]
    search_fields = ["field"]
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False
