from django.urls import path

from maps import views

app_name = "maps"

urlpatterns = [
    # the demand map (人才需求图)
    path("demand/", views.demand_map, name="demand_map"),
    path("needs/add/", views.need_add, name="need_add"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:pk>/delete/", views.need_delete, name="need_delete"),
    # the growth roadmap (成长路线图)
    path("growth/", views.growth_map, name="growth_map"),
    path("talents/<int:talent_pk>/growth/", views.talent_growth, name="talent_growth"),
    path("talents/<int:talent_pk>/mentor/", views.mentorship_edit, name="mentorship_edit"),
    path("talents/<int:talent_pk>/growth/add/", views.growth_add, name="growth_add"),
    path("growth/<int:pk>/edit/", views.growth_edit, name="growth_edit"),
    path("growth/<int:pk>/delete/", views.growth_delete, name="growth_delete"),
    # the support panorama (保障全景图)
    path("support/", views.support_map, name="support_map"),
    path("talents/<int:talent_pk>/support/", views.talent_support, name="talent_support"),
    path("talents/<int:talent_pk>/support/add/", views.support_add, name="support_add"),
    path("support/<int:pk>/edit/", views.support_edit, name="support_edit"),
    path("support/<int:pk>/delete/", views.support_delete, name="support_delete"),
]
