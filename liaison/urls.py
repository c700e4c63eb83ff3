from django.urls import path

from liaison import views

app_name = "liaison"

urlpatterns = [
    # leaders, on a phone
    path("my/", views.my_talents, name="my_talents"),
]
