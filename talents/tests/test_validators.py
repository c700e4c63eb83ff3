import datetime

import pytest
from django.core.exceptions import ValidationError

from talents.models import mask_id_number, mask_phone
from talents.tests.factories import make_id_number
from talents.validators import id_check_character, parse_id_number, validate_phone


def test_known_valid_number_gives_birth_date_and_gender():
    # 11010519491231002X is the example number of GB 11643's annex.
    info = parse_id_number("11010519491231002x")
    assert info.number == "11010519491231002X"
    assert info.birth_date == datetime.date(1949, 12, 31)
    assert info.gender == "F"


def test_male_from_odd_17th_digit():
    number = make_id_number(datetime.date(1978, 5, 12), male=True)
    assert parse_id_number(number).gender == "M"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("110105194912310021", "id_check_digit"),  # right shape, wrong check digit
        ("11010519491231002", "id_format"),  # 17 characters
        ("1101051949123100AX", "id_format"),
        ("", "id_format"),
    ],
)
def test_bad_numbers_are_refused(value, code):
    with pytest.raises(ValidationError) as error:
        parse_id_number(value)
    assert error.value.code == code


def test_impossible_birth_date_is_refused():
    first17 = "51010419780230123"  # 30 February
    with pytest.raises(ValidationError) as error:
        parse_id_number(first17 + id_check_character(first17))
    assert error.value.code == "id_birth"


def test_future_birth_date_is_refused():
    first17 = "51010420990101123"
    with pytest.raises(ValidationError):
        parse_id_number(first17 + id_check_character(first17), today=datetime.date(2026, 11, 21))


@pytest.mark.parametrize("value", ["13812345678", "+8613812345678", "028-12345678", "02812345678", " 138 1234 5678 "])
def test_good_phones(value):
    assert validate_phone(value)


@pytest.mark.parametrize("value", ["12345678901", "1381234567", "abc", "138123456789"])
def test_bad_phones(value):
    with pytest.raises(ValidationError):
        validate_phone(value)


def test_masks_keep_first_three_and_last_four():
    assert mask_id_number("51010419780512123X") == "510***********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
