from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organizations")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts import checks  # noqa: F401  (registers the system checks)
        from accounts.middleware import record_login_time

        user_logged_in.connect(record_login_time, dispatch_uid="accounts_record_login_time")
