from django.urls import path

from talents import views

app_name = "talents"

urlpatterns = [
    path("", views.talent_list, name="talent_list"),
]
