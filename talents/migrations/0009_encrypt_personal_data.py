"""Encrypt ID card numbers, talents' notes and major events' descriptions; look ID numbers up by keyed hash.

Reversible: going back decrypts every value with the configured keys, so keep them until then.
The rows are read and written with SQL, since the encrypted field would try to decrypt plain text.
"""

from django.db import migrations, models

import accounts.fields

BATCH = 1000
COLUMNS = {"talents_talent": ("id_number", "notes"), "talents_majorevent": ("description",)}


def _plain_to_cipher(value: str, context: bytes) -> str:
    if not value or value.startswith(accounts.fields.PREFIX + "$"):
        return value
    return accounts.fields.encrypt(value, context=context)


def _cipher_to_plain(value: str, context: bytes) -> str:
    if not value or not value.startswith(accounts.fields.PREFIX + "$"):
        return value
    return accounts.fields.decrypt(value, context=context)


def _convert(schema_editor, convert, *, with_hash: bool):
    quote = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        for table, columns in COLUMNS.items():
            cursor.execute(f"SELECT id, {', '.join(map(quote, columns))} FROM {quote(table)} ORDER BY id")  # noqa: S608
            rows = cursor.fetchall()
            hashed = with_hash and table == "talents_talent"
            assignments = ", ".join(f"{quote(c)} = %s" for c in (*columns, *(["id_number_hash"] if hashed else [])))
            sql = f"UPDATE {quote(table)} SET {assignments} WHERE id = %s"  # noqa: S608
            params = []
            for pk, *values in rows:
                new = [convert(v, f"{table}.{c}".encode()) for c, v in zip(columns, values, strict=True)]
                if hashed:
                    new.append(accounts.fields.keyed_hash(values[0] if convert is _plain_to_cipher else ""))
                params.append([*new, pk])
            for start in range(0, len(params), BATCH):
                cursor.executemany(sql, params[start : start + BATCH])


def encrypt_existing(apps, schema_editor):
    _convert(schema_editor, _plain_to_cipher, with_hash=True)


def decrypt_existing(apps, schema_editor):
    _convert(schema_editor, _cipher_to_plain, with_hash=False)


class Migration(migrations.Migration):
    dependencies = [
        ("talents", "0008_alter_importbatch_kind"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="talent",
            name="talent_unique_id_number",
        ),
        migrations.AddField(
            model_name="talent",
            name="id_number_hash",
            field=accounts.fields.KeyedHashField(db_index=True, source="id_number", verbose_name="ID card number hash"),
        ),
        migrations.AlterField(
            model_name="majorevent",
            name="description",
            field=accounts.fields.EncryptedTextField(verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="talent",
            name="id_number",
            field=accounts.fields.EncryptedTextField(blank=True, max_length=18, verbose_name="ID card number"),
        ),
        migrations.AlterField(
            model_name="talent",
            name="notes",
            field=accounts.fields.EncryptedTextField(blank=True, verbose_name="notes"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
        migrations.AddConstraint(
            model_name="talent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("id_number_hash", ""), _negated=True),
                fields=("id_number_hash",),
                name="talent_unique_id_number_hash",
                violation_error_message="A talent with this ID card number is already in the database.",
            ),
        ),
    ]
