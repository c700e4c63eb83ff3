from django.contrib import admin

from liaison.models import ContactLog, ContactMethod, ContactTopic, Leader, Pairing, Term


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
