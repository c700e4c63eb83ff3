"""Personal data at rest: encrypted text columns and the keyed hashes that look them up.

A value is stored as ``gcm1$<key id>$<base64 of nonce + ciphertext>``: AES-256-GCM with a fresh nonce,
the table and column as associated data (a value copied into another column does not decrypt), and
the id of its key. The first key of ``encryption_keys()`` encrypts and every key decrypts, so keys
rotate by adding the new one in front and running ``manage.py reencrypt_personal_data``.

Equal numbers never give equal ciphertexts, so an encrypted column has no lookups: exact matches and
de-duplication go through a ``KeyedHashField`` (HMAC-SHA256 with a key of its own). Keys come from the
environment (settings ``FIELD_ENCRYPTION_KEY``, ``FIELD_ENCRYPTION_OLD_KEYS``, ``FIELD_HASH_KEY``);
left empty in development they are derived from SECRET_KEY, which ``accounts.checks`` refuses in
production.
"""

import base64
import binascii
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django import forms
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models

PREFIX = "gcm1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value that no configured key opens: the wrong key, or a damaged or plain value."""


def decode_key(text: str) -> bytes:
    """Return the 32 bytes of a key written in URL-safe base64; raise ImproperlyConfigured otherwise."""
    try:
        key = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise ImproperlyConfigured("A field encryption or hash key must be 32 bytes in URL-safe base64.")
    return key


def new_key() -> str:
    """Return a fresh random key in the form the settings take."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _derived(purpose: str, secret: str) -> bytes:
    # Development only: a fixed key so `make run` works with nothing set.
    return hashlib.sha256(f"talentliaison:{purpose}:{secret}".encode()).digest()


@lru_cache(maxsize=8)
def _ciphers(current: str, old: tuple[str, ...], secret: str) -> tuple[tuple[str, AESGCM], ...]:
    keys = [decode_key(current) if current else _derived("field-encryption", secret)]
    keys += [decode_key(key) for key in old if key]
    return tuple((hashlib.sha256(key).hexdigest()[:8], AESGCM(key)) for key in keys)


def encryption_keys() -> tuple[tuple[str, AESGCM], ...]:
    """Return (key id, cipher) pairs: the first encrypts, all decrypt."""
    old = tuple(getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", ()))
    return _ciphers(getattr(settings, "FIELD_ENCRYPTION_KEY", ""), old, settings.SECRET_KEY)


@lru_cache(maxsize=8)
def _hash_key(configured: str, secret: str) -> bytes:
    return decode_key(configured) if configured else _derived("field-hash", secret)


def encrypt(value: str, *, context: bytes) -> str:
    """Encrypt ``value`` with the current key, bound to ``context`` (the column)."""
    key_id, cipher = encryption_keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = cipher.encrypt(nonce, value.encode(), context)
    return f"{PREFIX}${key_id}${base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored: str, *, context: bytes) -> str:
    """Decrypt a value ``encrypt`` wrote; raise DecryptionError when no configured key opens it."""
    prefix, _sep, rest = stored.partition("$")
    key_id, _sep, payload = rest.partition("$")
    if prefix != PREFIX or not payload:
        raise DecryptionError("The stored value is not encrypted; run the migrations of talents.")
    cipher = dict(encryption_keys()).get(key_id)
    if cipher is None:
        raise DecryptionError(f"No configured key has the id {key_id}: set FIELD_ENCRYPTION_OLD_KEYS.")
    try:
        raw = base64.b64decode(payload)
        return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context).decode()
    except (InvalidTag, binascii.Error, ValueError):
        raise DecryptionError(f"The value does not decrypt with key {key_id}: a wrong key or damaged data.") from None


def normalize_lookup(value) -> str:
    """Reduce a value to the form its hash is taken of: no spaces (ASCII or full-width), upper case."""
    return str(value or "").strip().replace(" ", "").replace("\u3000", "").upper()


def keyed_hash(value) -> str:
    """Return the HMAC-SHA256 (hex) of the normalised value, or "" for an empty one."""
    text = normalize_lookup(value)
    if not text:
        return ""
    key = _hash_key(getattr(settings, "FIELD_HASH_KEY", ""), settings.SECRET_KEY)
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database and plain in Python; "" stays "" (emptiness is not secret).

    It has no lookups but ``isnull``: a filter on it could never match, so it fails loudly instead.
    """

    def context(self) -> bytes:
        return f"{self.model._meta.db_table}.{self.column}".encode()

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value, context=self.context())

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value, context=self.context())

    def formfield(self, **kwargs):
        # A short value (an ID number) is one line; notes keep the text area.
        if self.max_length is not None:
            kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(**kwargs)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.model.__name__}.{self.name} is encrypted and cannot be filtered on; "
                "look it up through its keyed hash (e.g. Talent.objects.with_id_numbers())."
            )
        return super().get_lookup(lookup_name)


class KeyedHashField(models.CharField):
    """The keyed hash of the field named ``source``, set whenever the row is saved or bulk-created.

    A ``save(update_fields=...)`` that names the source must name this field too; ``bulk_update``
    does not run it, so callers of ``bulk_update`` set it with ``keyed_hash`` themselves.
    """

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, value in (("max_length", 64), ("editable", False), ("blank", True), ("default", "")):
            if kwargs.get(key) == value:
                del kwargs[key]
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = keyed_hash(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value
