from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = _("Liaison work")

    def ready(self):
        from liaison import sweeps, timeline  # noqa: F401  (register the timeline entries and event hooks)
