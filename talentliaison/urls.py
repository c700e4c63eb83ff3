from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Talent liaison system administration")
admin.site.site_title = _("Talent liaison system")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("talents/", include("talents.urls")),
    path("liaison/", include("liaison.urls")),
    path("activities/", include("activities.urls")),
    path("maps/", include("maps.urls")),
    path("", include("accounts.urls")),
]
