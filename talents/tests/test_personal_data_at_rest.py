"""ID card numbers, notes and major events' descriptions are encrypted at rest (issue 9, item 5)."""

import importlib

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from accounts.fields import DecryptionError, keyed_hash, new_key
from talents.models import MajorEvent, Talent
from talents.tests.factories import MajorEventFactory, TalentFactory, make_id_number

pytestmark = pytest.mark.django_db
NUMBER = "510104197805121233"


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_the_column_never_holds_the_number(talent_a):
    raw = _raw("talents_talent", "id_number", talent_a.pk)
    assert NUMBER not in raw and "1978" not in raw
    assert raw.startswith("gcm1$")
    assert _raw("talents_talent", "id_number_hash", talent_a.pk) == keyed_hash(NUMBER)
    talent_a.refresh_from_db()
    assert talent_a.id_number == NUMBER


def test_equal_numbers_give_different_ciphertexts(talent_a, work_unit_a):
    talent_a.save()
    first = _raw("talents_talent", "id_number", talent_a.pk)
    talent_a.save()
    assert _raw("talents_talent", "id_number", talent_a.pk) != first


def test_notes_and_event_descriptions_are_encrypted(talent_a, liaison_a):
    talent_a.notes = "妻子重病住院，家庭困难"
    talent_a.save()
    event = MajorEventFactory(talent=talent_a, reported_by=liaison_a, kind="health", description="确诊肺癌")
    assert "重病" not in _raw("talents_talent", "notes", talent_a.pk)
    assert "肺癌" not in _raw("talents_majorevent", "description", event.pk)
    assert MajorEvent.objects.get(pk=event.pk).description == "确诊肺癌"
    assert Talent.objects.get(pk=talent_a.pk).notes == "妻子重病住院，家庭困难"


def test_lookup_by_hash_ignores_spaces_and_case(talent_a):
    assert list(Talent.objects.with_id_number(" 510104 197805121233 ")) == [talent_a]
    assert list(Talent.objects.with_id_numbers([NUMBER, make_id_number(serial=9)])) == [talent_a]
    assert not Talent.objects.with_id_number("").exists()


def test_filtering_on_the_encrypted_column_fails_loudly(talent_a):
    with pytest.raises(FieldError, match="keyed hash"):
        Talent.objects.filter(id_number=NUMBER).exists()


def test_a_wrong_key_fails_loudly(talent_a, settings):
    settings.FIELD_ENCRYPTION_KEY = new_key()
    with pytest.raises(DecryptionError):
        Talent.objects.get(pk=talent_a.pk)


def test_a_tampered_value_fails_loudly(talent_a):
    raw = _raw("talents_talent", "id_number", talent_a.pk)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE talents_talent SET id_number = %s WHERE id = %s", [raw[:-6] + "AAAAAA", talent_a.pk])
    with pytest.raises(DecryptionError):
        Talent.objects.get(pk=talent_a.pk)


def test_a_value_copied_to_another_column_does_not_decrypt(talent_a):
    raw = _raw("talents_talent", "id_number", talent_a.pk)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE talents_talent SET notes = %s WHERE id = %s", [raw, talent_a.pk])
    with pytest.raises(DecryptionError):
        Talent.objects.get(pk=talent_a.pk)


def test_keys_rotate_with_the_reencrypt_command(talent_a, settings):
    old = _raw("talents_talent", "id_number", talent_a.pk)
    settings.FIELD_ENCRYPTION_OLD_KEYS = [settings.FIELD_ENCRYPTION_KEY or _dev_key(settings)]
    settings.FIELD_ENCRYPTION_KEY = new_key()
    assert Talent.objects.get(pk=talent_a.pk).id_number == NUMBER  # the old key still decrypts
    call_command("reencrypt_personal_data", stdout=None)
    new = _raw("talents_talent", "id_number", talent_a.pk)
    assert new.split("$")[1] != old.split("$")[1]
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    assert Talent.objects.get(pk=talent_a.pk).id_number == NUMBER
    assert Talent.objects.with_id_number(NUMBER).get() == talent_a


def _dev_key(settings) -> str:
    import base64

    from accounts.fields import _derived

    return base64.urlsafe_b64encode(_derived("field-encryption", settings.SECRET_KEY)).decode()


def test_the_data_migration_encrypts_plain_rows_and_back(talent_a, liaison_a):
    event = MajorEventFactory(talent=talent_a, reported_by=liaison_a, description="住院")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE talents_talent SET id_number = %s, notes = %s, id_number_hash = '' WHERE id = %s",
            [NUMBER, "家庭困难", talent_a.pk],
        )
        cursor.execute("UPDATE talents_majorevent SET description = %s WHERE id = %s", ["住院", event.pk])
    migration = importlib.import_module("talents.migrations.0009_encrypt_personal_data")
    migration.encrypt_existing(None, connection.schema_editor())
    talent = Talent.objects.get(pk=talent_a.pk)
    assert (talent.id_number, talent.notes, talent.id_number_hash) == (NUMBER, "家庭困难", keyed_hash(NUMBER))
    assert MajorEvent.objects.get(pk=event.pk).description == "住院"
    migration.encrypt_existing(None, connection.schema_editor())  # twice changes nothing
    assert Talent.objects.get(pk=talent_a.pk).id_number == NUMBER
    migration.decrypt_existing(None, connection.schema_editor())
    assert _raw("talents_talent", "id_number", talent_a.pk) == NUMBER


def test_reimport_updates_instead_of_duplicating(talent_a, staff_a, township_a):
    from talents.services import roster_import
    from talents.tests.test_roster_import_service import new_batch, parse

    rows = [["张三", "", "", "", "", "", "市级", "青山农业合作社", "13900001111", NUMBER.lower()]]
    batch = roster_import(
        result=parse(rows), organization=township_a, user=staff_a, batch=new_batch(township_a, staff_a)
    )
    assert (batch.created_count, batch.updated_count) == (0, 1)
    assert Talent.objects.with_id_number(NUMBER).get().phone == "13900001111"
    assert Talent.objects.count() == 1
    assert NUMBER not in _raw("talents_talent", "id_number", talent_a.pk)
    assert _raw("talents_talent", "id_number_hash", talent_a.pk) == keyed_hash(NUMBER)


def test_unique_number_is_enforced_by_the_hash(talent_a, work_unit_a):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        TalentFactory(work_unit=work_unit_a, id_number=NUMBER.lower())
