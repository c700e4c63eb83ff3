"""Time-based one-time passwords (RFC 6238: 30-second steps, 6 digits) and recovery codes.

Pure functions, no database: the services in ``accounts.services`` store what these compute.
The QR code is drawn here as SVG, so no image ever comes from another server (the site runs on
intranets without internet).
"""

import secrets
from datetime import datetime

import pyotp
import segno
from django.utils.crypto import constant_time_compare

from accounts.fields import keyed_hash

DIGITS = 6
INTERVAL = 30
# A code of the step before or after the current one is accepted too: phones' clocks drift.
ACCEPTED_DRIFT = 1
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: recovery codes are read off paper and typed by hand.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_LENGTH = 10


def new_secret() -> str:
    """Return a random 160-bit secret in base32, as authenticator apps expect it."""
    return pyotp.random_base32()


def secret_groups(secret: str) -> list[str]:
    """Split a secret into groups of four characters, easier to type into a phone by hand."""
    return [secret[i : i + 4] for i in range(0, len(secret), 4)]


def step_at(at: datetime) -> int:
    """Return the number of the 30-second step that ``at`` falls in."""
    return int(at.timestamp()) // INTERVAL


def code_for_step(secret: str, step: int) -> str:
    """Return the code of ``secret`` for one time step."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).generate_otp(step)


def matching_step(secret: str, code: str, at: datetime) -> int | None:
    """Return the time step whose code is ``code``, looking one step either side of ``at``; else None."""
    code = normalize(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = step_at(at)
    for step in range(now - ACCEPTED_DRIFT, now + ACCEPTED_DRIFT + 1):
        if constant_time_compare(code, code_for_step(secret, step)):
            return step
    return None


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """Return the otpauth:// address that an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(name=account, issuer_name=issuer)


def qr_data_uri(text: str) -> str:
    """Return ``text`` as a QR code in an SVG ``data:`` address, which the CSP's img-src allows."""
    return segno.make(text, error="m", micro=False).svg_data_uri(scale=5, border=2)


def normalize(code: str) -> str:
    """Drop the spaces and dashes people type inside codes; compare case-insensitively."""
    return "".join(code.split()).replace("-", "").lower()


def new_recovery_codes() -> list[str]:
    """Return fresh recovery codes, written ``xxxxx-xxxxx``."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_code_hash(code: str) -> str:
    """Return the keyed hash stored for a recovery code.

    The codes are random (about 50 bits), so a fast keyed hash is enough and lets a code be found
    with one indexed query; the hash key (FIELD_HASH_KEY, never rotated) keeps a copied database from
    being searched offline, and changing SECRET_KEY does not void the codes.
    """
    return keyed_hash(f"recovery-code:{normalize(code)}")
