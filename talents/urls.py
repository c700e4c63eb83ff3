from django.urls import path

from talents import views

app_name = "talents"

urlpatterns = [
    path("", views.talent_list, name="talent_list"),
    path("export/", views.talent_export, name="talent_export"),
    path("export/unmasked/", views.export_request, name="export_request"),
    path("export/requests/", views.export_request_list, name="export_request_list"),
    path("export/requests/<int:pk>/approve/", views.export_approve, name="export_approve"),
    path("export/requests/<int:pk>/reject/", views.export_reject, name="export_reject"),
    path("export/requests/<int:pk>/download/", views.export_download, name="export_download"),
    path("import/", views.roster_import, name="roster_import"),
    path("import/template/", views.roster_template, name="roster_template"),
    path("import/<int:pk>/", views.roster_import_preview, name="roster_import_preview"),
    path("import/<int:pk>/confirm/", views.roster_import_confirm, name="roster_import_confirm"),
    path("add/", views.talent_add, name="talent_add"),
    path("<int:pk>/", views.talent_detail, name="talent_detail"),
    path("<int:pk>/edit/", views.talent_edit, name="talent_edit"),
    path("<int:pk>/reveal/", views.talent_reveal, name="talent_reveal"),
    path("<int:pk>/archive/", views.talent_archive, name="talent_archive"),
    path("<int:pk>/restore/", views.talent_restore, name="talent_restore"),
    path("<int:pk>/history/", views.talent_history, name="talent_history"),
    path("<int:pk>/data/", views.talent_data_export, name="talent_data_export"),
    path("<int:pk>/anonymise/", views.talent_anonymise, name="talent_anonymise"),
    path("<int:pk>/events/add/", views.major_event_add, name="major_event_add"),
    path("events/<int:pk>/discharge/", views.major_event_discharge, name="major_event_discharge"),
    path("<int:pk>/achievements/add/", views.achievement_add, name="achievement_add"),
    path("<int:pk>/recommendations/add/", views.recommendation_add, name="recommendation_add"),
    path("units/", views.workunit_list, name="workunit_list"),
    path("units/add/", views.workunit_add, name="workunit_add"),
    path("units/<int:pk>/edit/", views.workunit_edit, name="workunit_edit"),
]
