"""The daily sweep that deletes uploaded Excel files (whole ID numbers inside) after their review period."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from liaison import sweeps
from talents.models import ImportBatch

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 21)


def _batch(township, user, days_old: int) -> ImportBatch:
    batch = ImportBatch(organization=township, uploaded_by=user, original_name="花名册.xlsx")
    batch.file.save("roster.xlsx", ContentFile(b"PK fake workbook"), save=True)
    created = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(9))) - datetime.timedelta(days_old)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=created)
    return batch


def test_deletes_files_past_the_retention_and_keeps_the_records(township_a, staff_a, settings, tmp_path,
                                                               django_capture_on_commit_callbacks):  # fmt: skip
    settings.MEDIA_ROOT, settings.IMPORT_FILE_RETENTION_DAYS = tmp_path, 30
    old, recent = _batch(township_a, staff_a, 31), _batch(township_a, staff_a, 29)
    old_path = old.file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert sweeps.run_day(DAY, ["import_file_purge"]) == {"import_file_purge": 1}
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.file.name, old.original_name) == ("", "花名册.xlsx")
    assert not (tmp_path / old_path).exists()
    assert recent.file and (tmp_path / recent.file.name).exists()
    # Run again: nothing left to delete.
    assert sweeps.run_day(DAY, ["import_file_purge"]) == {"import_file_purge": 0}
