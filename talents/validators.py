"""Checks of personal numbers: ID card numbers (GB 11643-1999) and phone numbers."""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CODES = "10X98765432"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: datetime.date
    gender: str  # "M" or "F", the Talent.Gender codes


def normalize_id_number(value) -> str:
    """Strip spaces, upper-case the check character; a number read from Excel as 5.1e17 is refused later."""
    if value is None:
        return ""
    text = str(value).strip().replace(" ", "").replace("\u3000", "")
    return text.upper()


def parse_id_number(value, *, today: datetime.date | None = None) -> IdInfo:
    """Validate an 18-character resident ID number and return the birth date and gender it encodes.

    The 18th character is the ISO 7064 MOD 11-2 check of the first 17 digits; the 17th digit is odd
    for men and even for women; digits 7-14 are the birth date.
    """
    number = normalize_id_number(value)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(_("An ID card number has 17 digits followed by a digit or X."), code="id_format")
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK_CODES[total % 11] != number[17]:
        raise ValidationError(_("The check digit of this ID card number is wrong."), code="id_check_digit")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date in this ID card number does not exist."), code="id_birth") from None
    today = today or datetime.date.today()
    if birth > today or birth.year < 1900:
        raise ValidationError(_("The birth date in this ID card number is impossible."), code="id_birth")
    return IdInfo(number=number, birth_date=birth, gender="M" if int(number[16]) % 2 else "F")


def id_check_character(first17: str) -> str:
    """Return the check character for 17 digits (used by tests and demo data)."""
    return ID_CHECK_CODES[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalize_phone(value) -> str:
    if value is None:
        return ""
    text = str(value).strip().replace(" ", "").replace("\u3000", "")
    if text.endswith(".0") and text[:-2].isdigit():  # a mobile typed into a number cell
        text = text[:-2]
    if text.startswith("+86"):
        text = text[3:]
    return text


def validate_phone(value) -> str:
    """Accept a mainland mobile number or a landline with area code; return it normalized."""
    phone = normalize_phone(value)
    if phone and not (MOBILE_RE.match(phone) or LANDLINE_RE.match(phone)):
        raise ValidationError(
            _("Enter an 11-digit mobile number or a landline with its area code, such as 028-12345678."),
            code="phone",
        )
    return phone
