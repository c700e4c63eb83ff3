"""Encrypt every personal value again with the current key, after a key rotation.

    FIELD_ENCRYPTION_KEY=<new> FIELD_ENCRYPTION_OLD_KEYS=<old> python manage.py reencrypt_personal_data

Afterwards the old key may be dropped from FIELD_ENCRYPTION_OLD_KEYS. Idempotent: run it again at will.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.fields import EncryptedTextField

BATCH = 1000


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column (ID numbers, notes, second-factor secrets) with the current key."

    def handle(self, *args, **options):
        for model in apps.get_models():
            fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), BATCH):
                with transaction.atomic():
                    # Reading decrypts with whichever key matches; bulk_update encrypts with the current one.
                    rows = list(model.objects.filter(pk__in=pks[start : start + BATCH]).only("pk", *fields))
                    model.objects.bulk_update(rows, fields)
            self.stdout.write(f"{model._meta.verbose_name_plural}: {len(pks)} re-encrypted.")
