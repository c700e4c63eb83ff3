from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    name = "maps"
    verbose_name = _("Demand, growth and support maps")

    def ready(self):
        # Register, rather than be imported by, liaison and talents: maps imports their models.
        from liaison.reports import register_sheet
        from maps import exports, timeline  # noqa: F401  (register the talent timeline entries)

        register_sheet(exports.support_panorama_sheet)
