from django.urls import path

from liaison import views

app_name = "liaison"

urlpatterns = [
    # leaders, on a phone
    path("my/", views.my_talents, name="my_talents"),
    path("pairings/<int:pk>/contacts/add/", views.contact_add, name="contact_add"),
    path("contacts/<int:pk>/confirm/", views.contact_confirm, name="contact_confirm"),
    # office staff
    path("terms/", views.term_list, name="term_list"),
    path("terms/add/", views.term_add, name="term_add"),
    path("terms/<int:pk>/next/", views.term_next, name="term_next"),
    path("terms/<int:term_pk>/pairings/add/", views.pairing_add, name="pairing_add"),
    path("leaders/", views.leader_list, name="leader_list"),
    path("leaders/add/", views.leader_add, name="leader_add"),
    path("leaders/<int:pk>/handover/", views.leader_handover, name="leader_handover"),
    path("pairings/", views.pairing_list, name="pairing_list"),
    path("pairings/<int:pk>/end/", views.pairing_end, name="pairing_end"),
    path("pairings/<int:pk>/reassign/", views.pairing_reassign, name="pairing_reassign"),
    path("compliance/", views.compliance, name="compliance"),
    # the talent appeal ledger
    path("appeals/", views.appeal_list, name="appeal_list"),
    path("appeals/export/", views.appeal_export, name="appeal_export"),
    path("appeals/add/<int:talent_pk>/", views.appeal_add, name="appeal_add"),
    path("appeals/from-contact/<int:contact_pk>/", views.appeal_from_contact, name="appeal_from_contact"),
    path("appeals/from-event/<int:event_pk>/", views.appeal_from_event, name="appeal_from_event"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/assign/", views.appeal_assign, name="appeal_assign"),
    path("appeals/<int:pk>/start/", views.appeal_start, name="appeal_start"),
    path("appeals/<int:pk>/progress/", views.appeal_progress, name="appeal_progress"),
    path("appeals/<int:pk>/resolve/", views.appeal_resolve, name="appeal_resolve"),
    path("appeals/<int:pk>/follow-up/", views.appeal_follow_up, name="appeal_follow_up"),
    path("appeals/<int:pk>/close/", views.appeal_close, name="appeal_close"),
    path("appeals/<int:pk>/edit/", views.appeal_edit, name="appeal_edit"),
    # the working-day calendar
    path("calendar/", views.calendar_list, name="calendar_list"),
    path("calendar/add/", views.calendar_add, name="calendar_add"),
    path("calendar/<int:pk>/delete/", views.calendar_delete, name="calendar_delete"),
    # imports: leaders and pairings, and the contact ledgers of past years
    path("imports/pairings/", views.pairings_import, name="pairings_import"),
    path("imports/pairings/template/", views.pairings_template, name="pairings_template"),
    path("imports/pairings/<int:pk>/", views.pairings_import_preview, name="pairings_import_preview"),
    path("imports/pairings/<int:pk>/confirm/", views.pairings_import_confirm, name="pairings_import_confirm"),
    path("imports/contacts/", views.contacts_import, name="contacts_import"),
    path("imports/contacts/template/", views.contacts_template, name="contacts_template"),
    path("imports/contacts/<int:pk>/", views.contacts_import_preview, name="contacts_import_preview"),
    path("imports/contacts/<int:pk>/confirm/", views.contacts_import_confirm, name="contacts_import_confirm"),
    # notifications and scheduled work
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("deliveries/", views.delivery_list, name="delivery_list"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("policy/", views.policy_edit, name="policy_edit"),
    path("webhooks/", views.webhook_list, name="webhook_list"),
    path("webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
    # the annual report, submitted up the tree, and the staff dashboard
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/", views.report_detail, name="report_detail"),
    path("reports/download/", views.report_download, name="report_download"),
    path("reports/files/<int:pk>/status/", views.report_file_status, name="report_file_status"),
    path("reports/files/<int:pk>/download/", views.report_file_download, name="report_file_download"),
    path("reports/<int:org_pk>/<int:year>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
]
