from django.urls import path

from activities import views

app_name = "activities"

urlpatterns = [
    # office staff
    path("", views.activity_list, name="activity_list"),
    path("add/", views.activity_add, name="activity_add"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("<int:pk>/attendance/", views.activity_attendance, name="activity_attendance"),
    path("<int:pk>/photos/", views.activity_photos, name="activity_photos"),
    path("<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("photos/<int:pk>/", views.activity_photo, name="activity_photo"),
    path("photos/<int:pk>/delete/", views.activity_photo_delete, name="activity_photo_delete"),
    # the sign-in sheet import
    path("attendance/template/", views.attendance_template, name="attendance_template"),
    path("<int:pk>/attendance/import/", views.attendance_import, name="attendance_import"),
    path("<int:pk>/attendance/import/<int:batch_pk>/", views.attendance_import_preview,
         name="attendance_import_preview"),
    path("<int:pk>/attendance/import/<int:batch_pk>/confirm/", views.attendance_import_confirm,
         name="attendance_import_confirm"),
    # leaders, on a phone
    path("mine/", views.my_activities, name="my_activities"),
]  # fmt: skip
