from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Group activities")

    def ready(self):
        from activities import timeline  # noqa: F401  (register the talent timeline entries)
