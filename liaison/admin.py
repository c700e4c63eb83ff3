from django.contrib import admin

from accounts.admin import ReadOnlyAdmin
from liaison.models import (
    AnnualReport,
    Appeal,
    AppealCategory,
    AppealEvent,
    AppealTally,
    CalendarDay,
    ContactLog,
    ContactMethod,
    ContactMonthTally,
    ContactPhoto,
    ContactTally,
    ContactTopic,
    Delivery,
    Holiday,
    Leader,
    Notification,
    Pairing,
    PairingTally,
    ReminderPolicy,
    ReportFile,
    SweepRun,
    Term,
    VisitTask,
    VisitTaskTally,
    WebhookChannel,
)


@admin.register(Leader)
class LeaderAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "post", "is_active"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__name", "user__username", "post"]
    autocomplete_fields = ["user", "organization"]


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "start", "end", "max_talents_per_leader", "min_contacts_per_year"]
    list_select_related = ["organization"]


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin):
    list_display = ["leader", "talent", "term", "start", "end", "end_reason"]
    list_select_related = ["leader__user", "talent", "term"]
    raw_id_fields = ["leader", "talent", "previous"]
    list_filter = ["end_reason"]


@admin.register(ContactMethod, ContactTopic)
class ContactListAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order"]


@admin.register(ContactLog)
class ContactLogAdmin(admin.ModelAdmin):
    list_display = ["date", "leader", "talent", "method", "confirmed_at"]
    list_select_related = ["leader__user", "talent", "method"]
    raw_id_fields = ["pairing", "leader", "talent", "import_batch"]
    date_hierarchy = "date"


@admin.register(ContactPhoto)
class ContactPhotoAdmin(admin.ModelAdmin):
    list_display = ["contact", "image", "uploaded_at"]
    raw_id_fields = ["contact"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(AppealCategory)
class AppealCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "default_department", "time_limit_days", "urgent_time_limit_days", "is_active"]


class AppealEventInline(admin.TabularInline):
    model = AppealEvent
    extra = 0
    readonly_fields = ["action", "from_status", "to_status", "actor", "note", "at"]


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["talent", "category", "status", "urgency", "received_on", "deadline", "handler"]
    list_filter = ["status", "urgency", "category"]
    list_select_related = ["talent", "category", "handler"]
    raw_id_fields = ["talent", "contact", "major_event", "handler", "created_by"]
    filter_horizontal = ["co_handlers"]
    inlines = [AppealEventInline]


@admin.register(AppealEvent)
class AppealEventAdmin(admin.ModelAdmin):
    list_display = ["appeal", "action", "actor", "at"]
    list_select_related = ["appeal__talent", "actor"]
    raw_id_fields = ["appeal", "actor"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["name", "calendar", "month", "day", "lead_days", "is_active"]
    filter_horizontal = ["categories"]


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    list_display = ["organization", "checkpoints", "staff_summary_on", "no_contact_days"]
    list_select_related = ["organization"]


@admin.register(VisitTask)
class VisitTaskAdmin(admin.ModelAdmin):
    list_display = ["talent", "leader", "kind", "window_start", "due_date", "done_at"]
    list_filter = ["kind"]
    list_select_related = ["talent", "leader__user"]
    raw_id_fields = ["pairing", "leader", "talent", "holiday", "major_event", "contact"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]


@admin.register(WebhookChannel)
class WebhookChannelAdmin(admin.ModelAdmin):
    list_display = ["organization", "kind", "is_active"]
    list_select_related = ["organization"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "notification", "channel", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]
    list_select_related = ["notification"]
    raw_id_fields = ["notification", "webhook"]


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    list_display = ["name", "day", "started_at", "finished_at", "created"]
    list_filter = ["name"]


@admin.register(ReportFile)
class ReportFileAdmin(admin.ModelAdmin):
    list_display = ["organization", "year", "status", "progress", "created_by", "created_at"]
    list_select_related = ["organization", "created_by"]


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    list_display = ["organization", "year", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status", "year"]
    list_select_related = ["organization"]


class TallyAdmin(ReadOnlyAdmin):
    """Counts kept by database triggers (migrations 0010, 0012, 0015, 0016, 0020): shown, never changed."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContactTally)
class ContactTallyAdmin(TallyAdmin):
    list_display = ["pairing", "year", "contacts"]
    list_filter = ["year"]
    raw_id_fields = ["pairing"]
    show_full_result_count = False


@admin.register(ContactMonthTally)
class ContactMonthTallyAdmin(TallyAdmin):
    list_display = ["organization", "year", "month", "method", "contacts"]
    list_filter = ["year", "method"]
    list_select_related = ["organization", "method"]


@admin.register(AppealTally)
class AppealTallyAdmin(TallyAdmin):
    list_display = ["organization", "talent_organization", "year", "status", "category", "handler", "appeals"]
    list_filter = ["year", "status", "category"]
    list_select_related = ["organization", "talent_organization", "category"]


@admin.register(PairingTally)
class PairingTallyAdmin(TallyAdmin):
    list_display = ["organization", "leader", "term", "year", "active", "active_met", "in_force", "in_force_met"]
    list_filter = ["year"]
    list_select_related = ["organization", "leader__user", "term"]
    show_full_result_count = False


@admin.register(VisitTaskTally)
class VisitTaskTallyAdmin(TallyAdmin):
    list_display = ["organization", "kind", "holiday", "due_date", "done", "tasks"]
    list_filter = ["kind", "done"]
    list_select_related = ["organization"]
    date_hierarchy = "due_date"
